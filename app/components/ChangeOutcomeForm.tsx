import { DateTime } from "luxon";
import { Choices } from "~/components/Choices";
import { ActForm, Field } from "~/components/forms";
import { LocalDateTime } from "~/components/LocalDateTime";
import { CHANGE_OUTCOME_LABELS, CHANGE_OUTCOMES, type ChangeOutcome } from "~/domain/vocabulary";
import { RECORD_OUTCOME_INTENT } from "~/domain/change-outcomes";
import { windowReplyFor } from "~/utils/window-reply";

// How a change came out: the form that records it (posted as `record-outcome`, handled by recordOutcomeAct in
// app/http/change-outcome-acts.server.ts), the change's last outcome, and the "outcome due" marker of a change
// whose window ended without one. Any page showing a change renders these; no JavaScript is needed.

/** A change's last outcome as the pages show it. */
export interface LastOutcome {
  outcome: ChangeOutcome;
  label: string;
  actualStart: string | null;
  actualEnd: string | null;
  note: string | null;
  personName: string;
}

function local(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).setZone(zone).toFormat("ccc d LLL HH:mm ZZZZ");
}

/** "Last outcome: Rolled back (Tue 3 Dec 02:00 CST – 03:10 CST) by Priya Nair: the PLC lost its I/O." */
export function LastOutcomeLine({ outcome, timeZone }: { outcome: LastOutcome; timeZone: string }) {
  const badge =
    outcome.outcome === "as_planned" ? "badge ok" : outcome.outcome === "with_issues" ? "badge warn" : "badge bad";
  return (
    <p className="change-outcome">
      Last outcome: <span className={badge}>{outcome.label}</span>
      {outcome.actualStart && outcome.actualEnd ? (
        <span className="muted">
          {" "}
          ({local(outcome.actualStart, timeZone)} – {local(outcome.actualEnd, timeZone)})
        </span>
      ) : null}{" "}
      <span className="muted">by {outcome.personName}</span>
      {outcome.note ? <>: {outcome.note}</> : null}
    </p>
  );
}

/** The marker of a change whose window has ended with no outcome recorded. */
export function OutcomeDue() {
  return <span className="badge warn">Outcome due</span>;
}

/**
 * The form recording how a change came out. `defaults` fill the actual start and end (plant-local); `hiddenFields`
 * are posted along (a page serving several plants adds its own). A refusal that names what holds the change (a stop
 * whose review is not signed) links to it.
 */
export function ChangeOutcomeForm({
  change,
  timeZone,
  reply,
  defaults,
  hiddenFields = {},
}: {
  change: { id: number; title: string };
  timeZone: string;
  reply: unknown;
  defaults: { start: { date: string; time: string }; end: { date: string; time: string } };
  hiddenFields?: Record<string, string | number>;
}) {
  const mine = windowReplyFor(reply, RECORD_OUTCOME_INTENT, change.id);
  const links = Object.entries(mine?.links ?? {});
  return (
    <ActForm
      intent={RECORD_OUTCOME_INTENT}
      target={change.id}
      id={`change-${change.id}-outcome`}
      reply={reply}
      hiddenFields={{ ...hiddenFields, changeId: change.id }}
      className="stacked"
      aria-label={`Record the outcome of ${change.title}`}
    >
      {links.length > 0 ? (
        <p className="refusal-link">
          {links.map(([field, href]) => (
            <a key={field} href={href}>
              {field === "stopId" ? "Go to the stop and its review" : "Go to what holds this change"}
            </a>
          ))}
        </p>
      ) : null}
      <Field as="select" name="outcome" label="Outcome" defaultValue={mine?.draft?.outcome ?? "as_planned"}>
        <Choices choices={CHANGE_OUTCOMES.map((o) => [o, CHANGE_OUTCOME_LABELS[o]])} />
      </Field>
      <LocalDateTime
        required={false}
        prefix="actualStart"
        legend="Actual start"
        zone={timeZone}
        defaults={defaults.start}
      />
      <LocalDateTime required={false} prefix="actualEnd" legend="Actual end" zone={timeZone} defaults={defaults.end} />
      <Field
        as="textarea"
        name="note"
        label="Note"
        optional
        maxLength={2000}
        rows={3}
        hint="What went wrong: needed when the change was done with issues or rolled back."
        defaultValue={mine?.draft?.note ?? ""}
      />
      <button type="submit">Record the outcome</button>
    </ActForm>
  );
}
