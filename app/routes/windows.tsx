import { NeedsWindowPanel } from "~/components/NeedsWindowPanel";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "~/utils/zod";
import { ActForm, Confirmation, replyFor } from "~/components/forms";
import { UtcInstant } from "~/components/UtcInstant";
import { DataTable, type Column } from "~/components/DataTable";
import { choicesOf, FilterSelect } from "~/components/Choices";
import { IgnoredParams } from "~/components/IgnoredParams";
import { formatDuration } from "~/domain/time";
import { changeActsHref } from "~/domain/network-changes";
import { MonthCalendar, type CalendarItem } from "~/components/MonthCalendar";
import { blackoutsFirst, isIsoDay, itemsByDay, localDay, spanDays, windowsView } from "~/domain/calendar";
import { can } from "~/domain/permissions";
import { isOneOf, WINDOW_KIND_LABELS, WINDOW_KINDS, WINDOW_STATUS_LABELS, WINDOW_STATUSES } from "~/domain/vocabulary";
import { createFeedToken, listFeedTokens, revokeFeedToken } from "~/models/calendar-feeds.server";
import { readablePlantIds, upcomingWindows } from "~/models/outage-windows.server";
import { listPlantSummaries } from "~/models/plants.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { answer, attempt, confirmed, parseForm } from "~/utils/forms.server";

// The program's outage windows over the next 30 days across the plants the viewer reads, sorted by instant, each
// in its own plant's clock (with UTC alongside), conflicts highlighted; and the viewer's personal calendar-feed
// tokens for Outlook or Google Calendar.

const DAYS = 30;
/** The most windows a day of the month view shows; the rest are "+N more", listed under the grid. */
const DAY_ITEMS = 4;
const RevokeFeedSchema = z.object({ feedId: z.coerce.number().int().positive("Choose a feed token.") });

interface FeedCreated {
  intent: "create-feed";
  token: string;
  prefix: string;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const db = getDb();
  const url = new URL(request.url);
  const ignored: string[] = [];
  const readable = new Set(await readablePlantIds(db, user));
  const plants = (await listPlantSummaries(db)).filter((p) => readable.has(p.id));
  const regions = [...new Set(plants.map((p) => p.region))].sort();

  let plantCode = "";
  const rawPlant = url.searchParams.get("plant");
  if (rawPlant) {
    const match = plants.find((p) => p.code === rawPlant.toUpperCase());
    if (match) plantCode = match.code;
    else ignored.push(`plant “${rawPlant.slice(0, 40)}” is not a plant you read; showing every plant.`);
  }
  let region = "";
  const rawRegion = url.searchParams.get("region");
  if (rawRegion) {
    const match = regions.find((r) => r.toLowerCase() === rawRegion.toLowerCase());
    if (match) region = match;
    else ignored.push(`region “${rawRegion.slice(0, 40)}” is not a region of the program; showing every region.`);
  }
  const chosen = plants.filter((p) => (!plantCode || p.code === plantCode) && (!region || p.region === region));
  const now = new Date();

  // The month view: the program's windows on a month grid, each on its days in its own plant's clock.
  const today = localDay(now, "UTC");
  const shown = windowsView(url.searchParams, today, ignored);
  const { view, month, weeks } = shown;
  const rawDay = url.searchParams.get("day");
  const inGrid = (date: string) => weeks.some((week) => week.some((d) => d.date === date));
  let day: string | null = null;
  if (rawDay !== null && view === "month") {
    if (isIsoDay(rawDay) && inGrid(rawDay)) day = rawDay;
    else ignored.push(`day “${rawDay.slice(0, 40)}” is not a day of ${month}'s grid; showing none.`);
  }
  // Every zone's days of the grid: from a day before its first (UTC) to a day after its last.
  const upcoming =
    view === "month"
      ? await upcomingWindows(db, {
          now: new Date(Date.parse(`${weeks[0]![0]!.date}T00:00:00Z`) - 86_400_000),
          days: weeks.length * 7 + 2,
          plantIds: chosen.map((p) => p.id),
        })
      : await upcomingWindows(db, { now, days: DAYS, plantIds: chosen.map((p) => p.id) });
  const feeds = user.personId === null ? [] : await listFeedTokens(db, user.personId);
  return {
    plants: plants.map((p) => ({ code: p.code, name: p.name, region: p.region })),
    regions,
    filters: { plant: plantCode, region },
    ignored,
    from: upcoming.from,
    to: upcoming.to,
    truncated: upcoming.truncated,
    ...shown,
    day,
    days: itemsByDay(
      weeks,
      blackoutsFirst(upcoming.windows).map(
        (w): CalendarItem & { startsAt: string; endsAt: string; timeZone: string } => ({
          id: w.id,
          text: `${w.plantCode} · ${w.title}`,
          href: `/plants/${w.plantCode}/windows#window-${w.id}`,
          title: `${w.plantName}: ${w.localRange}`,
          kind: w.kind,
          status: w.status,
          conflict: w.conflicts.length > 0,
          note: w.kind === "blackout" ? "blackout" : undefined,
          startsAt: w.startsAt,
          endsAt: w.endsAt,
          timeZone: w.timeZone,
        })
      ),
      DAY_ITEMS
    ),
    windows: (view === "month"
      ? upcoming.windows.filter((w) => {
          if (day === null) return false;
          const span = spanDays(w.startsAt, w.endsAt, w.timeZone);
          return span.first <= day && day <= span.last;
        })
      : upcoming.windows
    ).map((w) => ({
      id: w.id,
      plantCode: w.plantCode,
      plantName: w.plantName,
      timeZone: w.timeZone,
      title: w.title,
      kind: w.kind,
      status: w.status,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      localRange: w.localRange,
      durationMinutes: w.durationMinutes,
      conflicts: w.conflicts,
      changeCount: w.changes.filter((c) => c.status === "scheduled").length,
    })),
    needsWindow: upcoming.needsWindow.map((c) => ({ id: c.id, title: c.title, plantCode: c.plantCode })),
    feeds,
    canFeed: user.kind === "person" && user.personId !== null && can(user, "read:program"),
    origin: url.origin,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const db = getDb();
  switch (intent) {
    case "create-feed": {
      let created: { token: string; prefix: string } | null = null;
      const failure = await attempt(intent, async () => {
        created = await createFeedToken(db, user);
      });
      if (failure) return failure;
      const made = created as { token: string; prefix: string } | null;
      if (!made) throw new Error("The feed token was not created.");
      return data<FeedCreated>({ intent: "create-feed", token: made.token, prefix: made.prefix }, { status: 201 });
    }
    case "revoke-feed": {
      const target = typeof form.feedId === "string" ? form.feedId.slice(0, 40) : null;
      const parsed = parseForm(RevokeFeedSchema, form, intent, target);
      if (!parsed.ok) return answer(parsed.reply);
      const failure = await attempt(intent, () => revokeFeedToken(db, user, parsed.data.feedId), undefined, target);
      if (failure) return failure;
      return confirmed(
        request,
        { intent, message: "Feed token revoked: calendars subscribed with it no longer update." },
        "/windows#feeds"
      );
    }
    default:
      throw data(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 });
  }
}

function utc(instant: string): string {
  return `${instant.slice(0, 16).replace("T", " ")} UTC`;
}

const statusBadge = (status: string) =>
  status === "confirmed" ? "badge ok" : status === "cancelled" ? "badge bad" : "badge";

const WINDOW_COLUMNS: Column<Awaited<ReturnType<typeof loader>>["windows"][number]>[] = [
  {
    header: "Plant",
    cell: (w) => (
      <>
        <Link to={`/plants/${w.plantCode}/windows#window-${w.id}`}>{w.plantCode}</Link>
        <div className="muted">{w.timeZone}</div>
      </>
    ),
  },
  {
    header: "Window",
    cell: (w) => (
      <>
        <span className={w.kind === "blackout" ? "badge warn" : "badge"}>
          {isOneOf(WINDOW_KINDS, w.kind) ? WINDOW_KIND_LABELS[w.kind] : w.kind}
        </span>{" "}
        {w.title}
        {w.changeCount > 0 ? (
          <div className="muted">
            {w.changeCount} scheduled {w.changeCount === 1 ? "change" : "changes"}
          </div>
        ) : null}
      </>
    ),
  },
  { header: "Plant-local time", className: "local-range", cell: (w) => w.localRange },
  {
    header: "UTC",
    className: "nowrap muted",
    cell: (w) => (
      <>
        <UtcInstant iso={w.startsAt} /> – <UtcInstant iso={w.endsAt} />
      </>
    ),
  },
  { header: "Duration", className: "nowrap", cell: (w) => formatDuration(w.durationMinutes) },
  {
    header: "Status",
    cell: (w) => (
      <span className={statusBadge(w.status)}>
        {isOneOf(WINDOW_STATUSES, w.status) ? WINDOW_STATUS_LABELS[w.status] : w.status}
      </span>
    ),
  },
  {
    header: "Conflicts",
    cell: (w) =>
      w.conflicts.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <ul className="conflicts">
          {w.conflicts.map((c) => (
            <li key={c.message}>
              <span className="badge bad">Conflict</span> {c.message}
            </li>
          ))}
        </ul>
      ),
  },
];

export default function ProgramWindowsPage() {
  const data = useLoaderData<typeof loader>();
  const { plants, regions, filters, ignored, windows, truncated, needsWindow, feeds, canFeed, origin, from, to } = data;
  const { view, month, prevMonth, nextMonth, weeks, days, day } = data;
  /** This page's address with the filters kept and `extra` set. */
  const here = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    if (filters.plant) params.set("plant", filters.plant);
    if (filters.region) params.set("region", filters.region);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return `/windows?${params.toString()}`;
  };
  const reply = useActionData<typeof action>();
  const created = reply && "token" in reply ? reply : null;
  // A refused revoke whose token is no longer listed as revocable shows above the list.
  const revoke = replyFor(reply, "revoke-feed");
  const revokeUnplaced =
    revoke && !feeds.some((f) => String(f.id) === revoke.target && !f.revokedAt) ? revoke.formError : null;
  const feedPlants = filters.plant ? plants.filter((p) => p.code === filters.plant) : plants;
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / Windows
      </nav>
      <div className="page-head">
        <div>
          <h1>Upcoming outage windows</h1>
          <p className="lede">
            {view === "list" ? (
              <>
                The next {DAYS} days ({utc(from)} – {utc(to)}), across the plants, sorted by when they happen. Each
                window is shown in its plant's own time, with UTC alongside.
              </>
            ) : (
              <>
                The windows of {data.monthLabel} across the plants, each on the days of its own plant's clock; blackouts
                shaded.
              </>
            )}
          </p>
        </div>
        <p className="computed-at">
          {view === "list" ? (
            <>
              <strong>List</strong> · <Link to={here({ view: "month", month })}>Month</Link>
            </>
          ) : (
            <>
              <Link to={here({ view: "list" })}>List</Link> · <strong>Month</strong>
            </>
          )}
        </p>
      </div>
      <IgnoredParams ignored={ignored} />

      <Form method="get" className="filters" aria-label="Filter windows">
        {view === "month" ? (
          <>
            <input type="hidden" name="view" value="month" />
            <input type="hidden" name="month" value={month} />
          </>
        ) : null}
        <FilterSelect
          label="Plant"
          name="plant"
          defaultValue={filters.plant ?? ""}
          any="Every plant"
          choices={plants.map((p) => [p.code, `${p.code} ${p.name}`] as const)}
        />
        <FilterSelect
          label="Region"
          name="region"
          defaultValue={filters.region ?? ""}
          any="Every region"
          choices={choicesOf(regions)}
        />
        <button type="submit">Filter</button>
      </Form>

      <NeedsWindowPanel
        changes={needsWindow}
        item={(c) => (
          <>
            <Link to={`/plants/${c.plantCode}/windows`}>{c.plantCode}</Link> ·{" "}
            <a href={changeActsHref(c.plantCode, c.id)}>{c.title}</a>
          </>
        )}
      />

      {view === "month" ? (
        <MonthCalendar
          heading={data.monthLabel}
          month={month}
          prev={{ href: here({ view: "month", month: prevMonth }), label: prevMonth }}
          next={{ href: here({ view: "month", month: nextMonth }), label: nextMonth }}
          weeks={weeks}
          days={days}
          moreHref={(date) => `${here({ view: "month", month, day: date })}#upcoming-title`}
        />
      ) : null}
      {truncated && view === "month" ? (
        <p className="notice" role="status">
          The month holds more windows than one page shows; choose a plant or a region to see them all.
        </p>
      ) : null}

      {view === "month" && day === null ? null : (
        <section className="panel" aria-labelledby="upcoming-title">
          <h2 id="upcoming-title">{view === "month" ? `Windows on ${day}` : "Windows"}</h2>
          {truncated && view === "list" ? (
            <p className="notice" role="status">
              Showing the first {windows.length.toLocaleString("en-US")} windows of the next {DAYS} days; choose a plant
              or a region to see the others.
            </p>
          ) : null}
          {windows.length === 0 ? (
            <p className="muted">
              {view === "month"
                ? "No windows that day for these plants."
                : `No windows in the next ${DAYS} days for these plants.`}
            </p>
          ) : (
            <DataTable
              className="program-windows"
              columns={WINDOW_COLUMNS}
              rows={windows}
              rowKey={(w) => w.id}
              rowProps={(w) => ({
                className: w.conflicts.length ? "window-conflict" : undefined,
                id: `window-${w.id}`,
              })}
            />
          )}
        </section>
      )}

      {canFeed ? (
        <section className="panel" aria-labelledby="feeds-title" id="feeds">
          <h2 id="feeds-title">Calendar feeds</h2>
          <p>
            A personal feed token lets Outlook or Google Calendar subscribe to the windows you can read, without signing
            in. Anyone holding the address sees what you see: revoke a token you no longer use.
          </p>
          {created ? (
            <div className="form-success new-feed" role="status">
              <p>
                Your new feed token <span className="mono">{created.prefix}…</span> is shown once; copy the addresses
                now:
              </p>
              <label>
                Every plant's windows
                <input
                  type="text"
                  readOnly
                  className="mono"
                  id="feed-url-program"
                  value={`${origin}/feeds/${created.token}/windows.ics`}
                />
              </label>
              {feedPlants.map((p) => (
                <label key={p.code}>
                  {p.code} only
                  <input
                    type="text"
                    readOnly
                    className="mono"
                    value={`${origin}/feeds/${created.token}/plants/${p.code}.ics`}
                  />
                </label>
              ))}
            </div>
          ) : null}
          <Confirmation intents="revoke-feed" />
          {revokeUnplaced ? (
            <p className="form-error" role="alert">
              {revokeUnplaced}
            </p>
          ) : null}
          <ActForm intent="create-feed" id="create-feed" reply={reply} className="inline-form">
            <button type="submit">Create a feed token</button>
          </ActForm>
          {feeds.length === 0 ? (
            <p className="muted">You have no feed tokens.</p>
          ) : (
            <DataTable
              wrap={false}
              className="feed-tokens"
              columns={[
                { header: "Token", className: "mono", cell: (f) => `${f.prefix}…` },
                { header: "Created", cell: (f) => utc(f.createdAt) },
                {
                  header: "State",
                  cell: (f) =>
                    f.revokedAt ? (
                      <span className="muted">revoked {utc(f.revokedAt)}</span>
                    ) : (
                      <ActForm
                        intent="revoke-feed"
                        target={f.id}
                        id={`revoke-feed-${f.id}`}
                        reply={reply}
                        hiddenFields={{ feedId: f.id }}
                        className="inline-form"
                      >
                        <button type="submit" className="secondary">
                          Revoke {f.prefix}…
                        </button>
                      </ActForm>
                    ),
                },
              ]}
              rows={feeds}
              rowKey={(f) => f.id}
            />
          )}
        </section>
      ) : null}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Upcoming windows · Segmentation Tracker" }];
