import { NeedsWindowPanel } from "~/components/NeedsWindowPanel";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { MonthCalendar, type CalendarItem } from "~/components/MonthCalendar";
import { blackoutsFirst, itemsByDay, localDay, windowsView } from "~/domain/calendar";
import {
  Link,
  useActionData,
  useLoaderData,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { DateTime } from "luxon";
import { IgnoredParams } from "~/components/IgnoredParams";
import { localInputValues } from "~/domain/local-time";
import { can } from "~/domain/permissions";
import { localClock } from "~/domain/time";
import { listConduitDetails } from "~/models/conduits.server";
import { moveChoices, type MoveChoice } from "~/models/network-changes.server";
import { upcomingWindows, type UpcomingWindow } from "~/models/outage-windows.server";
import { Confirmation } from "~/components/forms";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { requirePlant } from "~/http/plant-guard.server";
import {
  cancelChangeAct,
  createWindowAct,
  moveChangeAct,
  scheduleChangeAct,
  windowStatusAct,
  type WindowsAct,
} from "~/http/window-acts.server";
import { NeedsWindowItem, statusLabel, WindowCard } from "./cards";
import { CreateWindowForm } from "./create-window";
import { windowReplyFor } from "~/utils/window-reply";
import { outcomeFormDefaults, RECORD_OUTCOME_INTENT } from "~/domain/change-outcomes";
import { recordOutcomeAct } from "~/http/change-outcome-acts.server";
import { lastOutcomes } from "~/models/change-outcomes.server";

// A plant's outage windows and the network changes scheduled into them: a list (grouped by plant-local month) or a
// month grid, every time in the plant's own clock with its zone abbreviation. Forms (for those who schedule) take
// plant-local dates and times; the server turns them into instants and answers a time that does not exist or
// happens twice. Every form works without JavaScript. The acts are in acts.server.ts, the window cards in cards.tsx.

const INTENTS = [
  "create-window",
  "window-status",
  "schedule-change",
  "record-outcome",
  "cancel-change",
  "move-change",
] as const;

/** The most windows a day of the month grid shows; the rest are "+N more". */
const DAY_ITEMS = 4;
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

  const today = localDay(now, zone);
  const shown = windowsView(url.searchParams, today, ignored);
  const { view, weeks } = shown;

  let from: Date;
  let days: number;
  if (view === "month") {
    from = DateTime.fromISO(weeks[0]![0]!.date, { zone }).toJSDate();
    days = weeks.length * 7 + 1;
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

  const moves = canChange
    ? await moveChoices(db, plant.id, upcoming.needsWindow, now)
    : new Map<number, MoveChoice[]>();
  const clock = localClock(now, zone);
  const nowLocal = localInputValues(now.toISOString(), zone);
  // Each change's last outcome, and where its outcome form starts: the planned start and end, on the plant's clock.
  const shownChanges = windows.flatMap((w) => w.changes);
  const outcomes = await lastOutcomes(
    db,
    shownChanges.map((c) => c.id)
  );
  const outcomeDefaults = Object.fromEntries(
    shownChanges
      .filter((c) => canChange && c.status === "scheduled" && c.plannedStart)
      .map((c) => [
        c.id,
        outcomeFormDefaults({ plannedStart: c.plannedStart!, plannedMinutes: c.plannedMinutes }, zone),
      ])
  );
  return {
    plant: { code: plant.code, name: plant.name, timeZone: zone },
    ...shown,
    days: itemsByDay(
      weeks,
      blackoutsFirst(windows).map((w): CalendarItem & { startsAt: string; endsAt: string; timeZone: string } => ({
        id: w.id,
        text: w.title,
        href: `?view=list#window-${w.id}`,
        title: w.localRange,
        kind: w.kind,
        status: w.status,
        conflict: w.conflicts.length > 0,
        note: statusLabel(w.status).toLowerCase(),
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        timeZone: w.timeZone,
      })),
      DAY_ITEMS
    ),
    months,
    windows,
    needsWindow: upcoming.needsWindow.map((c) => ({ ...c, moves: moves.get(c.id) ?? [] })),
    ignored,
    canWindow,
    canChange,
    conduits,
    now: now.toISOString(),
    nowLocal,
    outcomes: Object.fromEntries(outcomes),
    outcomeDefaults,
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
  const act: WindowsAct = { request, db: getDb(), user, plant, form };
  switch (intent) {
    case "create-window":
      return createWindowAct(act);
    case "window-status":
      return windowStatusAct(act);
    case "schedule-change":
      return scheduleChangeAct(act);
    case "record-outcome":
      return recordOutcomeAct(act);
    case "cancel-change":
      return cancelChangeAct(act);
    case "move-change":
      return moveChangeAct(act);
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
}

// ——— parts ———

function MonthGrid() {
  const { weeks, days, plant, month, monthLabel, prevMonth, nextMonth } = useLoaderData<typeof loader>();
  return (
    <MonthCalendar
      heading={
        <>
          {monthLabel} <span className="muted">({plant.timeZone})</span>
        </>
      }
      month={month}
      prev={{ href: `?view=month&month=${prevMonth}`, label: prevMonth }}
      next={{ href: `?view=month&month=${nextMonth}`, label: nextMonth }}
      weeks={weeks}
      days={days}
      moreHref={() => "?view=list"}
    />
  );
}

export default function PlantWindowsPage() {
  const { plant, view, months, needsWindow, ignored, canWindow, canChange, clock, month } =
    useLoaderData<typeof loader>();
  const { windows } = useLoaderData<typeof loader>();
  const reply = windowReplyFor(
    useActionData(),
    INTENTS.filter((intent) => intent !== "create-window")
  );
  // A reply about a window or change the page does not show (the month grid, or one that is gone) shows on top.
  const shownChange = (target: string | null | undefined) =>
    view === "list" &&
    windows.some((w) => w.changes.some((c) => String(c.id) === target && c.status !== "needs_window"));
  const shown =
    ((reply?.intent === "move-change" || reply?.intent === "cancel-change") &&
      needsWindow.some((c) => String(c.id) === reply.target)) ||
    (view === "list" &&
      windows.some((w) =>
        reply?.intent === "window-status" || reply?.intent === "schedule-change"
          ? String(w.id) === reply.target
          : shownChange(reply?.target)
      ));
  // A change moved or cancelled where the page does not list it (the month grid, a window long past): said on top.
  const root = useRouteLoaderData<{ confirmation?: { intent: string; target?: string | null } }>("root");
  const confirmedElsewhere =
    root?.confirmation &&
    ["move-change", "cancel-change", RECORD_OUTCOME_INTENT].includes(root.confirmation.intent) &&
    !shownChange(root.confirmation.target);
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
      {reply && !shown ? (
        <div className="form-error" role="alert" id="page-error">
          <p>{reply.formError}</p>
          {Object.values(reply.fieldErrors).flat().length > 0 ? (
            <ul>
              {Object.values(reply.fieldErrors)
                .flat()
                .map((message) => (
                  <li key={message}>{message}</li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {confirmedElsewhere ? <Confirmation intents={["move-change", "cancel-change", RECORD_OUTCOME_INTENT]} /> : null}
      <NeedsWindowPanel changes={needsWindow} anchored item={(c) => <NeedsWindowItem c={c} />} />

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
                <WindowCard key={w.id} w={w} />
              ))}
            </ul>
          </section>
        ))
      )}

      {canWindow ? (
        <CreateWindowForm />
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
