import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { DateTime } from "luxon";
import { z } from "~/utils/zod";
import { RevisionChanges } from "~/components/RevisionConflict";
import { UtcInstant } from "~/components/UtcInstant";
import { IgnoredParams } from "~/components/IgnoredParams";
import { localInputValues, type OffsetCandidate, formatDuration } from "~/domain/local-time";
import { can } from "~/domain/permissions";
import { localClock } from "~/domain/time";
import {
  CHANGE_KIND_LABELS,
  CHANGE_KINDS,
  CHANGE_STATUS_LABELS,
  WINDOW_KIND_LABELS,
  WINDOW_KINDS,
  WINDOW_STATUS_LABELS,
  isOneOf,
} from "~/domain/vocabulary";
import { listConduitDetails } from "~/models/conduits.server";
import { cancelChange, completeChange, scheduleChange } from "~/models/network-changes.server";
import { createWindow, updateWindow, upcomingWindows, type UpcomingWindow } from "~/models/outage-windows.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { requirePlant } from "~/http/plant-guard.server";
import { revisionField } from "~/utils/revision-forms";
import {
  formValues,
  readLocalInstants,
  tryWindowAct,
  windowRefusal,
  type WindowFailure,
} from "~/utils/window-forms.server";

// A plant's outage windows and the network changes scheduled into them: a list (grouped by plant-local month) or a
// month grid, every time in the plant's own clock with its zone abbreviation. Forms (for those who schedule) take
// plant-local dates and times; the server turns them into instants and answers a time that does not exist or
// happens twice. Every form works without JavaScript.

const id = (label: string) => z.coerce.number().int().positive(`Choose ${label}.`);

const CreateWindowSchema = z.object({
  title: z.string().trim().min(3, "Give the window a title (at least 3 characters).").max(200),
  kind: z.enum(WINDOW_KINDS, "Choose a scheduled outage or a blackout."),
  status: z.enum(["planned", "confirmed"], "A new window is planned or confirmed."),
  notes: z.string().max(4000).optional(),
});
const WindowStatusSchema = z.object({
  windowId: id("a window"),
  status: z.enum(["planned", "confirmed", "completed", "cancelled"], "Choose what the window becomes."),
  revision: revisionField,
});
const ScheduleChangeSchema = z.object({
  windowId: id("a window"),
  kind: z.enum(CHANGE_KINDS, "Choose the kind of change."),
  title: z.string().trim().min(3, "Give the change a title (at least 3 characters).").max(200),
  conduitId: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
  plannedMinutes: z.coerce
    .number("Give the planned duration in minutes.")
    .int("Give whole minutes.")
    .positive("The planned duration is at least one minute."),
});
const CompleteChangeSchema = z.object({ changeId: id("a change") });
const CancelChangeSchema = z.object({
  changeId: id("a change"),
  reason: z.string().trim().max(1000).optional(),
});

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** How far back the list reaches: recent history stays visible. */
const LIST_HISTORY_DAYS = 90;
const LIST_AHEAD_DAYS = 730;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const plant = await requirePlant(params.code);
  requirePermission(user, "read:program", plant.id);
  const db = getDb();
  const url = new URL(request.url);
  const zone = plant.time_zone;
  const now = new Date();
  const ignored: string[] = [];

  const rawView = url.searchParams.get("view");
  let view: "list" | "month" = "list";
  if (rawView === "month" || rawView === "list") view = rawView;
  else if (rawView !== null) ignored.push(`view “${rawView.slice(0, 40)}” is not list or month; showing the list.`);

  const today = DateTime.fromJSDate(now).setZone(zone);
  let monthStart = today.startOf("month");
  const rawMonth = url.searchParams.get("month");
  if (rawMonth !== null) {
    const match = MONTH_PATTERN.exec(rawMonth);
    const candidate = match
      ? DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: 1 }, { zone })
      : null;
    if (candidate?.isValid && candidate.year >= 2000 && candidate.year <= 2100) monthStart = candidate;
    else
      ignored.push(
        `month “${rawMonth.slice(0, 40)}” is not a month (YYYY-MM); showing ${monthStart.toFormat("yyyy-MM")}.`
      );
  }

  let from: Date;
  let days: number;
  let gridStart = monthStart;
  let gridEnd = monthStart.plus({ months: 1 });
  if (view === "month") {
    gridStart = monthStart.startOf("week");
    gridEnd = monthStart.plus({ months: 1 }).startOf("week").plus({ weeks: 1 });
    if (
      monthStart
        .plus({ months: 1 })
        .startOf("week")
        .equals(monthStart.plus({ months: 1 }))
    ) {
      gridEnd = monthStart.plus({ months: 1 });
    }
    from = gridStart.toJSDate();
    days = Math.ceil(gridEnd.diff(gridStart, "days").days) + 1;
  } else {
    from = new Date(now.getTime() - LIST_HISTORY_DAYS * 86_400_000);
    days = LIST_HISTORY_DAYS + LIST_AHEAD_DAYS;
  }
  const upcoming = await upcomingWindows(db, { now: from, days, plantIds: [plant.id] });
  const windows = upcoming.windows;

  const canWindow = can(user, "schedule:window", plant.id);
  const canChange = can(user, "schedule:change", plant.id);
  const conduits = canChange ? (await listConduitDetails(db, plant.id)).map((c) => ({ id: c.id, name: c.name })) : [];

  const months: { label: string; windows: UpcomingWindow[] }[] = [];
  for (const w of windows) {
    const label = DateTime.fromISO(w.startsAt, { zone: "utc" }).setZone(zone).toFormat("LLLL yyyy");
    const last = months.at(-1);
    if (last?.label === label) last.windows.push(w);
    else months.push({ label, windows: [w] });
  }

  const weeks: { date: string; day: number; inMonth: boolean; today: boolean; windowIds: number[] }[][] = [];
  if (view === "month") {
    for (let day = gridStart; day < gridEnd; day = day.plus({ days: 1 })) {
      if (day.weekday === 1 || weeks.length === 0) weeks.push([]);
      const dayStart = day.toMillis();
      const dayEnd = day.plus({ days: 1 }).toMillis();
      weeks.at(-1)!.push({
        date: day.toISODate()!,
        day: day.day,
        inMonth: day.month === monthStart.month,
        today: day.hasSame(today, "day"),
        windowIds: windows
          .filter((w) => Date.parse(w.startsAt) < dayEnd && Date.parse(w.endsAt) > dayStart)
          .map((w) => w.id),
      });
    }
  }

  const clock = localClock(now, zone);
  const nowLocal = localInputValues(now.toISOString(), zone);
  return {
    plant: { code: plant.code, name: plant.name, timeZone: zone },
    view,
    month: monthStart.toFormat("yyyy-MM"),
    monthLabel: monthStart.toFormat("LLLL yyyy"),
    prevMonth: monthStart.minus({ months: 1 }).toFormat("yyyy-MM"),
    nextMonth: monthStart.plus({ months: 1 }).toFormat("yyyy-MM"),
    weeks,
    months,
    windows,
    needsWindow: upcoming.needsWindow,
    ignored,
    canWindow,
    canChange,
    conduits,
    now: now.toISOString(),
    nowLocal,
    clock: `${clock.date} ${clock.time} ${clock.abbreviation}`,
    windowStarts: Object.fromEntries(windows.map((w) => [w.id, localInputValues(w.startsAt, zone)])),
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const plant = await requirePlant(params.code);
  requirePermission(user, "read:program", plant.id);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const values = formValues(form);
  const zone = plant.time_zone;
  const db = getDb();
  const invalid = (error: z.ZodError, target: string | null = null) => {
    const fieldErrors: WindowFailure["fieldErrors"] = {};
    for (const issue of error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
    return windowRefusal(intent, 400, "Check the highlighted fields.", {
      fieldErrors,
      reasons: error.issues.map((issue) => issue.message),
      values,
      target,
    });
  };
  let failure;
  switch (intent) {
    case "create-window": {
      requirePermission(user, "schedule:window", plant.id);
      const parsed = CreateWindowSchema.safeParse(form);
      if (!parsed.success) return invalid(parsed.error);
      const times = readLocalInstants(form, ["start", "end"], zone);
      if (!times.ok) return windowRefusal(intent, 400, times.failure.error, { ...times.failure, values });
      failure = await tryWindowAct(intent, values, null, () =>
        createWindow(db, user, {
          plantId: plant.id,
          title: parsed.data.title,
          kind: parsed.data.kind,
          status: parsed.data.status,
          startsAt: times.instants.start!,
          endsAt: times.instants.end!,
          notes: parsed.data.notes ?? null,
        })
      );
      break;
    }
    case "window-status": {
      requirePermission(user, "schedule:window", plant.id);
      const target = typeof form.windowId === "string" ? form.windowId : null;
      const parsed = WindowStatusSchema.safeParse(form);
      if (!parsed.success) return invalid(parsed.error, target);
      failure = await tryWindowAct(intent, values, target, () =>
        updateWindow(db, user, {
          plantId: plant.id,
          windowId: parsed.data.windowId,
          expectedRevision: parsed.data.revision,
          status: parsed.data.status,
        })
      );
      break;
    }
    case "schedule-change": {
      requirePermission(user, "schedule:change", plant.id);
      const target = typeof form.windowId === "string" ? form.windowId : null;
      const parsed = ScheduleChangeSchema.safeParse(form);
      if (!parsed.success) return invalid(parsed.error, target);
      const times = readLocalInstants(form, ["planned"], zone);
      if (!times.ok) return windowRefusal(intent, 400, times.failure.error, { ...times.failure, values, target });
      failure = await tryWindowAct(intent, values, target, () =>
        scheduleChange(db, user, {
          plantId: plant.id,
          windowId: parsed.data.windowId,
          kind: parsed.data.kind,
          title: parsed.data.title,
          conduitId: parsed.data.conduitId ? parsed.data.conduitId : null,
          plannedStart: times.instants.planned!,
          plannedMinutes: parsed.data.plannedMinutes,
        })
      );
      break;
    }
    case "complete-change": {
      requirePermission(user, "schedule:change", plant.id);
      const target = typeof form.changeId === "string" ? form.changeId : null;
      const parsed = CompleteChangeSchema.safeParse(form);
      if (!parsed.success) return invalid(parsed.error, target);
      const times = readLocalInstants(form, ["done"], zone);
      if (!times.ok) return windowRefusal(intent, 400, times.failure.error, { ...times.failure, values, target });
      failure = await tryWindowAct(intent, values, target, () =>
        completeChange(db, user, { plantId: plant.id, changeId: parsed.data.changeId, doneAt: times.instants.done! })
      );
      break;
    }
    case "cancel-change": {
      requirePermission(user, "schedule:change", plant.id);
      const target = typeof form.changeId === "string" ? form.changeId : null;
      const parsed = CancelChangeSchema.safeParse(form);
      if (!parsed.success) return invalid(parsed.error, target);
      failure = await tryWindowAct(intent, values, target, () =>
        cancelChange(db, user, {
          plantId: plant.id,
          changeId: parsed.data.changeId,
          reason: parsed.data.reason || null,
        })
      );
      break;
    }
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
  if (failure) return failure;
  const back = new URL(request.url);
  throw redirect(`/plants/${plant.code}/windows${back.search}`);
}

// ——— parts ———

type Failure = WindowFailure | undefined;

function failureFor(failure: Failure, intent: string, target: string | null = null): WindowFailure | null {
  if (!failure || failure.intent !== intent) return null;
  if (target !== null && failure.target !== target) return null;
  return failure;
}

function Refusal({ failure, id }: { failure: WindowFailure | null; id: string }) {
  if (!failure) return null;
  return (
    <div className="form-error" role="alert" id={id}>
      <p>{failure.error}</p>
      {failure.reasons.length > 0 && !(failure.reasons.length === 1 && failure.reasons[0] === failure.error) ? (
        <ul className="refusal-reasons">
          {failure.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function FieldMessages({ failure, field }: { failure: WindowFailure | null; field: string }) {
  const messages = failure?.fieldErrors[field];
  if (!messages?.length) return null;
  return (
    <ul className="field-error">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** A plant-local date and time, with the offset choice only when the server answered that the time happens twice. */
function LocalDateTime({
  prefix,
  legend,
  zone,
  failure,
  defaults,
  idBase,
}: {
  prefix: string;
  legend: string;
  zone: string;
  failure: WindowFailure | null;
  defaults: { date: string; time: string };
  idBase: string;
}) {
  const value = (key: string, fallback: string) => failure?.values[`${prefix}.${key}`] ?? fallback;
  const offsets: OffsetCandidate[] = failure?.offsets[prefix] ?? [];
  const chosen = failure?.values[`${prefix}.offset`];
  const bad = (key: string) => (failure?.fieldErrors[`${prefix}.${key}`] ? true : undefined);
  return (
    <fieldset className="local-time">
      <legend>
        {legend} <span className="muted">(plant-local, {zone})</span>
      </legend>
      <label>
        Date
        <input
          type="date"
          name={`${prefix}.date`}
          id={`${idBase}-${prefix}-date`}
          required
          defaultValue={value("date", defaults.date)}
          aria-invalid={bad("date")}
        />
      </label>
      <label>
        Time
        <input
          type="time"
          name={`${prefix}.time`}
          id={`${idBase}-${prefix}-time`}
          required
          defaultValue={value("time", defaults.time)}
          aria-invalid={bad("time")}
        />
      </label>
      <FieldMessages failure={failure} field={`${prefix}.date`} />
      <FieldMessages failure={failure} field={`${prefix}.time`} />
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
      <FieldMessages failure={failure} field={`${prefix}.offset`} />
    </fieldset>
  );
}

const STATUS_BADGE: Record<string, string> = {
  planned: "badge",
  confirmed: "badge ok",
  completed: "badge",
  cancelled: "badge bad",
  scheduled: "badge ok",
  done: "badge",
  needs_window: "badge bad",
};

function statusLabel(status: string): string {
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

function WindowCard({ w, failure }: { w: WindowItem; failure: Failure }) {
  const { plant, canWindow, canChange, conduits, now, nowLocal, windowStarts } = useLoaderData<typeof loader>();
  const target = String(w.id);
  const statusFailure = failureFor(failure, "window-status", target);
  const scheduleFailure = failureFor(failure, "schedule-change", target);
  const scheduled = w.changes.filter((c) => c.status === "scheduled");
  const started = Date.parse(w.startsAt) <= Date.parse(now);
  const over = Date.parse(w.endsAt) <= Date.parse(now);
  const history = w.status === "completed" || w.status === "cancelled";
  const conflict = w.conflicts.length > 0;
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
            <ChangeItem key={c.id} c={c} failure={failure} />
          ))}
        </ul>
      ) : (
        <p className="muted">No changes scheduled in this window.</p>
      )}

      {canWindow && !history ? (
        <div className="window-actions">
          <Form method="post" className="inline-form" aria-label={`Change the status of ${w.title}`}>
            <input type="hidden" name="intent" value="window-status" />
            <input type="hidden" name="windowId" value={w.id} />
            <input type="hidden" name="revision" value={w.revision} />
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
          </Form>
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
      ) : null}
      {/* Outside the form: a window someone else closed meanwhile shows no status form, but the refusal still shows. */}
      <Refusal failure={statusFailure} id={`window-${w.id}-status-error`} />
      {statusFailure?.conflict ? <RevisionChanges conflict={statusFailure.conflict} /> : null}

      {canChange && !history ? (
        w.status === "confirmed" && !over ? (
          <details className="schedule-change" open={scheduleFailure ? true : undefined}>
            <summary>Schedule a change into this window</summary>
            <Form method="post" className="stacked" aria-label={`Schedule a change into ${w.title}`}>
              <input type="hidden" name="intent" value="schedule-change" />
              <input type="hidden" name="windowId" value={w.id} />
              <label>
                Kind
                <select name="kind" defaultValue={scheduleFailure?.values.kind ?? "conduit_cutover"}>
                  {CHANGE_KINDS.map((kind) => (
                    <option key={kind} value={kind}>
                      {CHANGE_KIND_LABELS[kind]}
                    </option>
                  ))}
                </select>
              </label>
              <FieldMessages failure={scheduleFailure} field="kind" />
              <label>
                Title
                <input
                  type="text"
                  name="title"
                  required
                  minLength={3}
                  maxLength={200}
                  defaultValue={scheduleFailure?.values.title ?? ""}
                />
              </label>
              <FieldMessages failure={scheduleFailure} field="title" />
              <label>
                Conduit <span className="muted">(for a cutover)</span>
                <select name="conduitId" defaultValue={scheduleFailure?.values.conduitId ?? ""}>
                  <option value="">— none —</option>
                  {conduits.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <FieldMessages failure={scheduleFailure} field="conduitId" />
              <LocalDateTime
                prefix="planned"
                legend="Planned start"
                zone={plant.timeZone}
                failure={scheduleFailure}
                defaults={windowStarts[w.id] ?? nowLocal}
                idBase={`window-${w.id}`}
              />
              <label>
                Planned minutes
                <input
                  type="number"
                  name="plannedMinutes"
                  min={1}
                  step={1}
                  required
                  defaultValue={scheduleFailure?.values.plannedMinutes ?? "60"}
                />
              </label>
              <FieldMessages failure={scheduleFailure} field="plannedMinutes" />
              <button type="submit">Schedule the change</button>
              <Refusal failure={scheduleFailure} id={`window-${w.id}-schedule-error`} />
            </Form>
          </details>
        ) : (
          <p className="control-why">
            <button type="button" disabled aria-describedby={`window-${w.id}-schedule-why`}>
              Schedule a change
            </button>{" "}
            <span id={`window-${w.id}-schedule-why`} className="muted">
              {over
                ? "This window is over; changes go into a window that lies ahead."
                : `Changes go into confirmed windows; this one is ${w.status}. Confirm it first.`}
            </span>
          </p>
        )
      ) : null}
    </li>
  );
}

function ChangeItem({ c, failure }: { c: WindowItem["changes"][number]; failure: Failure }) {
  const { plant, canChange, nowLocal } = useLoaderData<typeof loader>();
  const target = String(c.id);
  const doneFailure = failureFor(failure, "complete-change", target);
  const cancelFailure = failureFor(failure, "cancel-change", target);
  const open = c.status === "scheduled" || c.status === "needs_window";
  return (
    <li className={c.status === "needs_window" ? "change change-conflict" : "change"} id={`change-${c.id}`}>
      <span className={STATUS_BADGE[c.status] ?? "badge"}>{statusLabel(c.status)}</span> <strong>{c.title}</strong>{" "}
      <span className="muted">
        · {c.kindLabel}
        {c.conduitName ? ` · conduit ${c.conduitName}` : ""}
        {c.assetName ? ` · asset ${c.assetName}` : ""}
        {c.plannedStart
          ? ` · planned ${DateTime.fromISO(c.plannedStart, { zone: "utc" })
              .setZone(plant.timeZone)
              .toFormat("ccc d LLL HH:mm ZZZZ")}`
          : ""}
        {c.plannedMinutes ? ` for ${formatDuration(c.plannedMinutes)}` : ""}
        {c.doneAt
          ? ` · done ${DateTime.fromISO(c.doneAt, { zone: "utc" })
              .setZone(plant.timeZone)
              .toFormat("ccc d LLL HH:mm ZZZZ")}`
          : ""}
      </span>
      {c.status === "needs_window" ? (
        <span className="conflict-note"> — its window was cancelled: schedule it into a new window.</span>
      ) : null}
      {canChange && open ? (
        <details className="change-actions" open={doneFailure || cancelFailure ? true : undefined}>
          <summary>Mark done or cancel</summary>
          <Form method="post" className="stacked" aria-label={`Mark ${c.title} done`}>
            <input type="hidden" name="intent" value="complete-change" />
            <input type="hidden" name="changeId" value={c.id} />
            <LocalDateTime
              prefix="done"
              legend="Done at"
              zone={plant.timeZone}
              failure={doneFailure}
              defaults={nowLocal}
              idBase={`change-${c.id}`}
            />
            <button type="submit">Mark done</button>
            <Refusal failure={doneFailure} id={`change-${c.id}-done-error`} />
          </Form>
          <Form method="post" className="inline-form" aria-label={`Cancel ${c.title}`}>
            <input type="hidden" name="intent" value="cancel-change" />
            <input type="hidden" name="changeId" value={c.id} />
            <label>
              Reason <span className="muted">(optional)</span>
              <input type="text" name="reason" maxLength={1000} />
            </label>
            <button type="submit" className="danger">
              Cancel the change
            </button>
            <Refusal failure={cancelFailure} id={`change-${c.id}-cancel-error`} />
          </Form>
        </details>
      ) : null}
    </li>
  );
}

function CreateWindowForm({ failure }: { failure: Failure }) {
  const { plant, nowLocal } = useLoaderData<typeof loader>();
  const mine = failureFor(failure, "create-window");
  const v = (key: string, fallback: string) => mine?.values[key] ?? fallback;
  return (
    <section className="panel" aria-labelledby="create-window-title" id="create-window">
      <h2 id="create-window-title">Add a window</h2>
      <Form method="post" className="stacked">
        <input type="hidden" name="intent" value="create-window" />
        <label>
          Title
          <input type="text" name="title" required minLength={3} maxLength={200} defaultValue={v("title", "")} />
        </label>
        <FieldMessages failure={mine} field="title" />
        <label>
          Kind
          <select name="kind" defaultValue={v("kind", "scheduled_outage")}>
            {WINDOW_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {WINDOW_KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
        <FieldMessages failure={mine} field="kind" />
        <label>
          Status
          <select name="status" defaultValue={v("status", "planned")}>
            <option value="planned">Planned</option>
            <option value="confirmed">Confirmed</option>
          </select>
        </label>
        <FieldMessages failure={mine} field="status" />
        <LocalDateTime
          prefix="start"
          legend="Start"
          zone={plant.timeZone}
          failure={mine}
          defaults={{ date: nowLocal.date, time: "22:00" }}
          idBase="create"
        />
        <FieldMessages failure={mine} field="startsAt" />
        <LocalDateTime
          prefix="end"
          legend="End"
          zone={plant.timeZone}
          failure={mine}
          defaults={{ date: nowLocal.date, time: "23:59" }}
          idBase="create"
        />
        <FieldMessages failure={mine} field="endsAt" />
        <label>
          Notes <span className="muted">(optional)</span>
          <textarea name="notes" rows={2} maxLength={4000} defaultValue={v("notes", "")} />
        </label>
        <button type="submit">Add the window</button>
        <Refusal failure={mine} id="create-window-error" />
      </Form>
    </section>
  );
}

function MonthGrid() {
  const { weeks, windows, plant, month, monthLabel, prevMonth, nextMonth } = useLoaderData<typeof loader>();
  const byId = new Map(windows.map((w) => [w.id, w]));
  return (
    <section className="panel" aria-labelledby="month-title">
      <h2 id="month-title">
        {monthLabel} <span className="muted">({plant.timeZone})</span>
      </h2>
      <p className="month-nav">
        <Link to={`?view=month&month=${prevMonth}`}>← {prevMonth}</Link> ·{" "}
        <Link to={`?view=month&month=${nextMonth}`}>{nextMonth} →</Link>
      </p>
      <table className="month-grid" aria-label={`Windows in ${month}`}>
        <thead>
          <tr>
            {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => (
              <th key={d} scope="col">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]!.date}>
              {week.map((day) => (
                <td
                  key={day.date}
                  className={`${day.inMonth ? "" : "other-month"}${day.today ? " today" : ""}`}
                  aria-label={day.date}
                >
                  <span className="day-number">{day.day}</span>
                  <ul>
                    {day.windowIds.map((wid) => {
                      const w = byId.get(wid)!;
                      return (
                        <li
                          key={wid}
                          className={`month-window window-${w.kind}${w.conflicts.length ? " window-conflict" : ""}${
                            w.status === "cancelled" ? " window-cancelled" : ""
                          }`}
                        >
                          <a href={`?view=list#window-${w.id}`} title={w.localRange}>
                            {w.title}
                          </a>{" "}
                          <span className="muted">({statusLabel(w.status).toLowerCase()})</span>
                        </li>
                      );
                    })}
                  </ul>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function PlantWindowsPage() {
  const { plant, view, months, needsWindow, ignored, canWindow, canChange, clock, month } =
    useLoaderData<typeof loader>();
  const failure = useActionData<WindowFailure>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Windows
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Outage windows · {plant.name} <span className="muted mono">{plant.code}</span>
          </h1>
          <p className="lede">
            Times are the plant's own clock ({plant.timeZone}); now <span suppressHydrationWarning>{clock}</span>.
          </p>
        </div>
        <p className="computed-at">
          {view === "list" ? (
            <>
              <strong>List</strong> · <Link to={`?view=month&month=${month}`}>Month</Link>
            </>
          ) : (
            <>
              <Link to="?view=list">List</Link> · <strong>Month</strong>
            </>
          )}
          {" · "}
          <Link to="/windows">Program windows</Link>
        </p>
      </div>
      <IgnoredParams ignored={ignored} />
      {failure && failure.intent !== "create-window" && failure.target === null ? (
        <Refusal failure={failure} id="page-error" />
      ) : null}

      {needsWindow.length > 0 ? (
        <section className="panel notice-conflict" aria-labelledby="needs-title">
          <h2 id="needs-title">Changes needing a new window</h2>
          <ul>
            {needsWindow.map((c) => (
              <li key={c.id}>
                <span className="badge bad">Needs a new window</span> {c.title}{" "}
                <span className="muted">· {c.kindLabel}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {view === "month" ? (
        <MonthGrid />
      ) : months.length === 0 ? (
        <p className="muted">No windows in the last 90 days or ahead.</p>
      ) : (
        months.map((m) => (
          <section key={m.label} className="panel" aria-labelledby={`month-${m.label.replace(" ", "-")}`}>
            <h2 id={`month-${m.label.replace(" ", "-")}`}>{m.label}</h2>
            <ul className="window-list">
              {m.windows.map((w) => (
                <WindowCard key={w.id} w={w} failure={failure} />
              ))}
            </ul>
          </section>
        ))
      )}

      {canWindow ? (
        <CreateWindowForm failure={failure} />
      ) : (
        <p className="muted">
          {canChange
            ? ""
            : "You read this plant's windows; scheduling windows and changes is for its engineers and the program lead."}
        </p>
      )}
    </>
  );
}

// After a refusal for a stale revision, the page is read again so it shows the window as it now stands.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  Boolean(actionResult?.conflict) || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.plant.code} windows · Segmentation Tracker` : "Windows · Segmentation Tracker" },
];
