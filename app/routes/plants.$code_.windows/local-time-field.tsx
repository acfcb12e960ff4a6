import { Field } from "~/components/forms";

/** The title of a window or of a change (both 3 to 200 characters). */
export function TitleField({ defaultValue }: { defaultValue: string }) {
  return (
    <Field name="title" label="Title" type="text" required minLength={3} maxLength={200} defaultValue={defaultValue} />
  );
}
