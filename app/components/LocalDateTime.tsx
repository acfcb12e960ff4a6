import { Field, useActForm } from "~/components/forms";
import type { OffsetCandidate } from "~/domain/local-time";
import type { WindowReply } from "~/utils/window-reply";

/**
 * A plant-local date and time inside an ActForm, with the offset choice only when the server answered that the time
 * happens twice. Problems of the date and of the time show under each; those of the instant as a whole (the end
 * before the start, a blackout in the way) and of the offset under the group.
 */
export function LocalDateTime({
  prefix,
  legend,
  zone,
  defaults,
  required = true,
}: {
  prefix: string;
  legend: string;
  zone: string;
  defaults: { date: string; time: string };
  /** False where the time may be left out (a change not done need not say when it was tried). */
  required?: boolean;
}) {
  const form = useActForm();
  const reply: WindowReply | undefined = form?.reply;
  const value = (key: string, fallback: string) => reply?.draft?.[`${prefix}.${key}`] ?? fallback;
  const offsets: OffsetCandidate[] = reply?.offsets?.[prefix] ?? [];
  const chosen = reply?.draft?.[`${prefix}.offset`];
  const groupErrors = [...(reply?.fieldErrors[prefix] ?? []), ...(reply?.fieldErrors[`${prefix}.offset`] ?? [])];
  const groupId = `${form?.id ?? "field"}-${prefix}`;
  return (
    <fieldset
      className="local-time"
      id={groupId}
      aria-invalid={groupErrors.length > 0 ? true : undefined}
      aria-describedby={groupErrors.length > 0 ? `${groupId}-error` : undefined}
    >
      <legend>
        {legend} <span className="muted">(plant-local, {zone})</span>
      </legend>
      <Field
        name={`${prefix}.date`}
        label="Date"
        type="date"
        required={required}
        defaultValue={value("date", defaults.date)}
      />
      <Field
        name={`${prefix}.time`}
        label="Time"
        type="time"
        required={required}
        defaultValue={value("time", defaults.time)}
      />
      {offsets.length > 0 ? (
        <fieldset className="offset-choice" aria-invalid="true">
          <legend>This time happens twice at the plant: which one?</legend>
          {offsets.map((candidate) => (
            <label key={candidate.offset} className="check">
              <input
                type="radio"
                name={`${prefix}.offset`}
                value={candidate.offset}
                required
                defaultChecked={chosen === candidate.offset}
              />{" "}
              {value("time", defaults.time)} {candidate.abbreviation} (UTC{candidate.offset}) ={" "}
              {candidate.instant.slice(0, 16).replace("T", " ")} UTC
            </label>
          ))}
        </fieldset>
      ) : chosen ? (
        <input type="hidden" name={`${prefix}.offset`} value={chosen} />
      ) : null}
      {groupErrors.length > 0 ? (
        <ul className="field-error" id={`${groupId}-error`}>
          {groupErrors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
