import type { ActFailure } from "~/utils/act.server";

/**
 * A refused act's message beside the forms it concerns: shown when the failure came from one of `intents`, with
 * each field's message the main one does not already say.
 */
export function FormFailure({ failure, intents }: { failure: ActFailure | undefined; intents: readonly string[] }) {
  if (!failure || !intents.includes(failure.intent)) return null;
  const details = Object.values(failure.fieldErrors)
    .flat()
    .filter((m): m is string => Boolean(m) && m !== failure.error);
  return (
    <p className="form-error" role="alert">
      {failure.error}
      {details.map((m) => (
        <span key={m}> {m}</span>
      ))}
    </p>
  );
}
