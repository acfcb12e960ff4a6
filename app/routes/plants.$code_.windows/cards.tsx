import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { Choices } from "~/components/Choices";
import { DisabledAct } from "~/components/DisabledAct";
import { CancelChangeForm, NeedsWindowActs, Unplaced } from "~/components/NeedsWindowActs";
import { ActForm, Confirmation, Field, ReplyNotice } from "~/components/forms";
import { UtcInstant } from "~/components/UtcInstant";
import { changeHref } from "~/domain/network-changes";
import { ChangeOutcomeForm, LastOutcomeLine, OutcomeDue } from "~/components/ChangeOutcomeForm";
import { isOutcomeDue, RECORD_OUTCOME_INTENT } from "~/domain/change-outcomes";
import { formatDuration } from "~/domain/time";
import {
  CHANGE_KIND_LABELS,
  CHANGE_KINDS,
  CHANGE_STATUS_LABELS,
  WINDOW_KIND_LABELS,
  WINDOW_KINDS,
  WINDOW_STATUS_LABELS,
  isOneOf,
} from "~/domain/vocabulary";
import { LocalDateTime } from "~/components/LocalDateTime";
import { TitleField } from "./local-time-field";
import { windowReplyFor } from "~/utils/window-reply";
import type { loader } from "./route";

// One window of the list with its changes, and the forms that act on them (for those who schedule).

const STATUS_BADGE: Record<string, string> = {
  planned: "badge",
  confirmed: "badge ok",
  completed: "badge",
  cancelled: "badge bad",
  scheduled: "badge ok",
  done: "badge",
  needs_window: "badge bad",
};

export function statusLabel(status: string): string {
  return (
    (WINDOW_STATUS_LABELS as Record<string, string>)[status] ??
    (CHANGE_STATUS_LABELS as Record<string, string>)[status] ??
    status
  );
}

function kindLabel(kind: string): string {
  return isOneOf(WINDOW_KINDS, kind) ? WINDOW_KIND_LABELS[kind] : kind;
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type WindowItem = LoaderData["windows"][number];
type NeedsWindowChange = LoaderData["needsWindow"][number];

export function WindowCard({ w }: { w: WindowItem }) {
  const { plant, canWindow, canChange, conduits, now, nowLocal, windowStarts } = useLoaderData<typeof loader>();
  const reply = useActionData();
  const scheduleReply = windowReplyFor(reply, "schedule-change", w.id);
  const scheduled = w.changes.filter((c) => c.status === "scheduled");
  const started = Date.parse(w.startsAt) <= Date.parse(now);
  const over = Date.parse(w.endsAt) <= Date.parse(now);
  const history = w.status === "completed" || w.status === "cancelled";
  const conflict = w.conflicts.length > 0;
  const canSchedule = canChange && !history && w.status === "confirmed" && !over;
  return (
    <li
      className={`window-card window-${w.kind}${conflict ? " window-conflict" : ""}${
        w.status === "cancelled" ? " window-cancelled" : ""
      }`}
      id={`window-${w.id}`}
      aria-labelledby={`window-${w.id}-title`}
    >
      <h3 id={`window-${w.id}-title`}>
        <span className={w.kind === "blackout" ? "badge warn" : "badge"}>{kindLabel(w.kind)}</span> {w.title}{" "}
        <span className={STATUS_BADGE[w.status] ?? "badge"}>{statusLabel(w.status)}</span>
      </h3>
      <Confirmation intents={["window-status", "schedule-change"]} target={w.id} />
      <p className="window-time">
        <span className="local-range">{w.localRange}</span>{" "}
        <span className="muted">
          · {formatDuration(w.durationMinutes)} real time · <UtcInstant iso={w.startsAt} /> –{" "}
          <UtcInstant iso={w.endsAt} />
        </span>
      </p>
      {conflict ? (
        <ul className="conflicts" aria-label="Conflicts">
          {w.conflicts.map((c) => (
            <li key={c.message}>
              <span className="badge bad">Conflict</span> {c.message}
            </li>
          ))}
        </ul>
      ) : null}
      {w.changes.length > 0 ? (
        <ul className="window-changes" aria-label={`Changes in ${w.title}`}>
          {w.changes.map((c) => (
            <ChangeItem key={c.id} c={c} />
          ))}
        </ul>
      ) : (
        <p className="muted">No changes scheduled in this window.</p>
      )}

      {canWindow && !history ? (
        <div className="window-actions">
          <ActForm
            intent="window-status"
            target={w.id}
            id={`window-${w.id}-status`}
            reply={reply}
            hiddenFields={{ windowId: w.id, revision: w.revision }}
            className="inline-form"
            aria-label={`Change the status of ${w.title}`}
          >
            {w.status === "planned" ? (
              <button type="submit" name="status" value="confirmed">
                Confirm the window
              </button>
            ) : (
              <button type="submit" name="status" value="planned" className="secondary" disabled={scheduled.length > 0}>
                Back to planned
              </button>
            )}
            {w.status === "confirmed" ? (
              <button
                type="submit"
                name="status"
                value="completed"
                className="secondary"
                disabled={!started || scheduled.length > 0}
              >
                Mark completed
              </button>
            ) : null}
            <button type="submit" name="status" value="cancelled" className="danger">
              Cancel the window
            </button>
          </ActForm>
          <p className="control-why muted">
            {w.status === "confirmed" && scheduled.length > 0
              ? `Back to planned and Mark completed wait until its ${scheduled.length} scheduled ${
                  scheduled.length === 1 ? "change is" : "changes are"
                } done or cancelled. `
              : ""}
            {w.status === "confirmed" && !started ? "Mark completed opens once the window has begun. " : ""}
            <strong className="warning-text">
              Cancelling is final
              {scheduled.length > 0
                ? `: its ${scheduled.length} scheduled ${
                    scheduled.length === 1 ? "change" : "changes"
                  } will need a new window (nothing is moved for you).`
                : "."}
            </strong>
          </p>
        </div>
      ) : (
        // The status form is not offered any more (the window was closed meanwhile): its refusal, conflict included.
        <ReplyNotice reply={reply} intent="window-status" target={w.id} id={`window-${w.id}-status`} />
      )}

      {canChange && !history ? (
        canSchedule ? (
          <details className="schedule-change" open={scheduleReply ? true : undefined}>
            <summary>Schedule a change into this window</summary>
            <ActForm
              intent="schedule-change"
              target={w.id}
              id={`window-${w.id}-schedule`}
              reply={reply}
              hiddenFields={{ windowId: w.id }}
              className="stacked"
              aria-label={`Schedule a change into ${w.title}`}
            >
              <Field
                as="select"
                name="kind"
                label="Kind"
                defaultValue={scheduleReply?.draft?.kind ?? "conduit_cutover"}
              >
                <Choices choices={CHANGE_KINDS.map((kind) => [kind, CHANGE_KIND_LABELS[kind]])} />
              </Field>
              <TitleField defaultValue={scheduleReply?.draft?.title ?? ""} />
              <Field
                as="select"
                name="conduitId"
                label={
                  <>
                    Conduit <span className="muted">(for a cutover)</span>
                  </>
                }
                defaultValue={scheduleReply?.draft?.conduitId ?? ""}
              >
                <option value="">— none —</option>
                <Choices choices={conduits.map((c) => [c.id, c.name])} />
              </Field>
              {scheduleReply?.links?.conduitId ? (
                <p className="refusal-link">
                  <a href={scheduleReply.links.conduitId}>Go to the open change of this conduit</a>
                </p>
              ) : null}
              <LocalDateTime
                prefix="planned"
                legend="Planned start"
                zone={plant.timeZone}
                defaults={windowStarts[w.id] ?? nowLocal}
              />
              <Field
                name="plannedMinutes"
                label="Planned minutes"
                type="number"
                min={1}
                step={1}
                required
                defaultValue={scheduleReply?.draft?.plannedMinutes ?? "60"}
              />
              <button type="submit">Schedule the change</button>
            </ActForm>
          </details>
        ) : (
          <>
            <Unplaced message={scheduleReply?.formError} />
            <DisabledAct
              id={`window-${w.id}-schedule-why`}
              label="Schedule a change"
              why={
                over
                  ? "This window is over; changes go into a window that lies ahead."
                  : `Changes go into confirmed windows; this one is ${w.status}. Confirm it first.`
              }
            />
          </>
        )
      ) : (
        <Unplaced message={scheduleReply?.formError} />
      )}
    </li>
  );
}

function ChangeItem({ c }: { c: WindowItem["changes"][number] }) {
  const { plant, canChange, now, outcomes, outcomeDefaults } = useLoaderData<typeof loader>();
  const reply = useActionData();
  const outcomeReply = windowReplyFor(reply, RECORD_OUTCOME_INTENT, c.id);
  const cancelReply = windowReplyFor(reply, "cancel-change", c.id);
  const last = outcomes[c.id];
  const defaults = outcomeDefaults[c.id];
  const started = c.plannedStart !== null && Date.parse(c.plannedStart) <= Date.parse(now);
  const { windowEndsAt } = useWindowOf(c.windowId);
  const due = isOutcomeDue({ status: c.status, windowEndsAt }, now);
  const at = (iso: string) =>
    DateTime.fromISO(iso, { zone: "utc" }).setZone(plant.timeZone).toFormat("ccc d LLL HH:mm ZZZZ");
  return (
    // A change waiting for a new window is anchored (and moved or cancelled) in the panel on top.
    <li
      className={c.status === "needs_window" ? "change change-conflict" : "change"}
      id={c.status === "needs_window" ? undefined : `change-${c.id}`}
    >
      <span className={STATUS_BADGE[c.status] ?? "badge"}>{statusLabel(c.status)}</span>{" "}
      {due ? (
        <>
          <OutcomeDue />{" "}
        </>
      ) : null}
      <strong>
        <Link to={changeHref(plant.code, c.id)}>{c.title}</Link>
      </strong>{" "}
      <span className="muted">
        · {c.kindLabel}
        {c.conduitName ? ` · conduit ${c.conduitName}` : ""}
        {c.assetName ? ` · asset ${c.assetName}` : ""}
        {c.plannedStart ? ` · planned ${at(c.plannedStart)}` : ""}
        {c.plannedMinutes ? ` for ${formatDuration(c.plannedMinutes)}` : ""}
        {c.doneAt ? ` · done ${at(c.doneAt)}` : ""}
      </span>
      {c.status === "needs_window" ? (
        <span className="conflict-note">
          {" "}
          — {last ? `it was ${last.label.toLowerCase()}` : "its window was cancelled"}:{" "}
          <a href={`#change-${c.id}`}>move it into another window or cancel it</a>.
        </span>
      ) : null}
      {last ? <LastOutcomeLine outcome={last} timeZone={plant.timeZone} /> : null}
      {c.status === "needs_window" ? null : (
        // A change sent back to wait for a window is confirmed on top of the page, where it now waits.
        <Confirmation intents={[RECORD_OUTCOME_INTENT, "cancel-change", "move-change"]} target={c.id} />
      )}
      {canChange && c.status === "scheduled" ? (
        <details className="change-actions" open={outcomeReply || cancelReply || due ? true : undefined}>
          <summary>{started ? "Record the outcome or cancel" : "Cancel"}</summary>
          {started && defaults ? (
            <ChangeOutcomeForm change={c} timeZone={plant.timeZone} reply={reply} defaults={defaults} />
          ) : (
            <p className="muted">The outcome is recorded once the change's planned start has passed.</p>
          )}
          <CancelChangeForm change={c} reply={reply} defaultReason={cancelReply?.draft?.reason ?? ""} />
        </details>
      ) : c.status === "needs_window" ? null : (
        <Unplaced message={(outcomeReply ?? cancelReply)?.formError} />
      )}
    </li>
  );
}

/** The end of the window a change is in (as the page lists it), for its "outcome due" marker. */
function useWindowOf(windowId: number | null): { windowEndsAt: string | null } {
  const { windows } = useLoaderData<typeof loader>();
  const w = windows.find((x) => x.id === windowId);
  return { windowEndsAt: w ? w.endsAt : null };
}

/**
 * A change whose window was cancelled, in the panel on top (anchored `change-<id>`): what it was, and the forms that
 * move it into a window of the plant that takes it, or cancel it with a reason.
 */
export function NeedsWindowItem({ c }: { c: NeedsWindowChange }) {
  const { plant, canChange } = useLoaderData<typeof loader>();
  const reply = useActionData();
  const at = (iso: string) =>
    DateTime.fromISO(iso, { zone: "utc" }).setZone(plant.timeZone).toFormat("ccc d LLL HH:mm ZZZZ");
  return (
    <>
      <strong>
        <Link to={changeHref(plant.code, c.id)}>{c.title}</Link>
      </strong>{" "}
      <span className="muted">
        · {c.kindLabel}
        {c.conduitName ? ` · conduit ${c.conduitName}` : ""}
        {c.assetName ? ` · asset ${c.assetName}` : ""}
        {c.plannedMinutes ? ` · ${formatDuration(c.plannedMinutes)}` : ""}
        {c.plannedStart ? ` · was planned ${at(c.plannedStart)}` : ""}
        {c.windowTitle ? ` in window “${c.windowTitle}” (cancelled)` : ""}
      </span>
      <Confirmation intents={["move-change", "cancel-change"]} target={c.id} />
      {canChange ? (
        <NeedsWindowActs
          change={c}
          reply={reply}
          noMove="No confirmed window of this plant ahead has room for it: add or confirm one below, then move it."
        />
      ) : null}
    </>
  );
}
