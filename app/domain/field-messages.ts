// Messages of the rules name their field for the API ("endsAt: the end is before the start."); a form shows the
// message under the field itself, where the name would only be an internal path.

/** The message without the field name it starts with, and starting with a capital: "The end is before the start." */
export function withoutFieldName(message: string, ...fields: (string | undefined)[]): string {
  let text = message;
  for (const field of fields) {
    if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}
