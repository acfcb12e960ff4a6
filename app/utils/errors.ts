/**
 * A business act refused for a reason the person can act on: bad input (400, naming the field),
 * a role that may not (403), something that does not exist (404), or a rule of the program (409).
 */
export class ActError extends Error {
  constructor(public status: 400 | 403 | 404 | 409, message: string, public field?: string) {
    super(message);
    this.name = "ActError";
  }
}
