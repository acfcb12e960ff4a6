import { NeedsWindowPanel } from "~/components/NeedsWindowPanel";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { TableHead } from "~/components/DataTable";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { DateTime } from "luxon";
import { IgnoredParams } from "~/components/IgnoredParams";
import { localInputValues } from "~/domain/local-time";
import { can } from "~/domain/permissions";
import { localClock } from "~/domain/time";
import { listConduitDetails } from "~/models/conduits.server";
import { upcomingWindows, type UpcomingWindow } from "~/models/outage-windows.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { requirePlant } from "~/http/plant-guard.server";
import {
  cancelChangeAct,
  completeChangeAct,
  createWindowAct,
  scheduleChangeAct,
  windowStatusAct,
  type WindowsAct,
} from "./acts.server";
import { statusLabel, WindowCard } from "./cards";
import { CreateWindowForm } from "./create-window";
import { windowReplyFor } from "./reply";

// A plant's outage windows and the network changes scheduled into them: a list (grouped by plant-local month) or a
// month grid, every time in the plant's own clock with its zone abbreviation. Forms (for those who schedule) take
// plant-local dates and times; the server turns them into instants and answers a time that does not exist or
// happens twice. Every form works without JavaScript. The acts are in acts.server.ts, the window cards in cards.tsx.

const INTENTS = ["create-window", "window-status", "schedule-change", "complete-change", "cancel-change"] as const;

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
  const act: WindowsAct = { request, db: getDb(), user, plant, form };
  switch (intent) {
    case "create-window":
      return createWindowAct(act);
    case "window-status":
      return windowStatusAct(act);
    case "schedule-change":
      return scheduleChangeAct(act);
    case "complete-change":
      return completeChangeAct(act);
    case "cancel-change":
      return cancelChangeAct(act);
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
}

// ——— parts ———

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
        <TableHead columns={["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]} />
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
  const { windows } = useLoaderData<typeof loader>();
  const reply = windowReplyFor(
    useActionData(),
    INTENTS.filter((intent) => intent !== "create-window")
  );
  // A reply about a window or change the page does not show (the month grid, or one that is gone) shows on top.
  const shown =
    view === "list" &&
    windows.some((w) =>
      reply?.intent === "window-status" || reply?.intent === "schedule-change"
        ? String(w.id) === reply.target
        : w.changes.some((c) => String(c.id) === reply?.target)
    );
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

      <NeedsWindowPanel
        changes={needsWindow}
        item={(c) => (
          <>
            {c.title} <span className="muted">· {c.kindLabel}</span>
          </>
        )}
      />

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
