import type { ReactNode } from "react";
import { Link } from "@remix-run/react";
import { TableHead } from "~/components/DataTable";
import type { DayItems, MonthDay } from "~/domain/calendar";

// One month as a server-rendered grid (a table, Monday first) with its windows on their days and month navigation
// by links: the plant's windows page and the program's windows page both draw it. Works without JavaScript.

export interface CalendarItem {
  id: number;
  /** What the item reads: the window's title (and its plant on the program's calendar). */
  text: string;
  href: string;
  /** Shown on hover: the window's plant-local times. */
  title: string;
  kind: string;
  status: string;
  conflict: boolean;
  /** A word after the text, e.g. the status. */
  note?: string;
}

export function MonthCalendar({
  heading,
  month,
  prev,
  next,
  weeks,
  days,
  moreHref,
}: {
  heading: ReactNode;
  /** "YYYY-MM" */
  month: string;
  prev: { href: string; label: string };
  next: { href: string; label: string };
  weeks: readonly MonthDay[][];
  days: Record<string, DayItems<CalendarItem>>;
  /** Where "+N more" of a day leads (the list of that day's windows). */
  moreHref: (date: string) => string;
}) {
  return (
    <section className="panel" aria-labelledby="month-title">
      <h2 id="month-title">{heading}</h2>
      <p className="month-nav">
        <Link to={prev.href}>← {prev.label}</Link> · <Link to={next.href}>{next.label} →</Link>
      </p>
      <p className="muted month-legend">
        <span className="legend-blackout">Shaded</span> days hold a blackout: nothing may happen on the network.
      </p>
      <table className="month-grid" aria-label={`Windows in ${month}`}>
        <TableHead columns={["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]} />
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]!.date}>
              {week.map((day) => {
                const items = days[day.date];
                const blackout = items?.shown.some((w) => w.kind === "blackout" && w.status !== "cancelled");
                return (
                  <td
                    key={day.date}
                    className={[
                      day.inMonth ? "" : "other-month",
                      day.today ? "today" : "",
                      blackout ? "blackout-day" : "",
                    ]
                      .filter(Boolean)
                      .join(" ")}
                    aria-label={`${day.date}${blackout ? ", blackout" : ""}`}
                  >
                    <span className="day-number">{day.day}</span>
                    {items ? (
                      <ul>
                        {items.shown.map((w) => (
                          <li
                            key={w.id}
                            className={`month-window window-${w.kind}${w.conflict ? " window-conflict" : ""}${
                              w.status === "cancelled" ? " window-cancelled" : ""
                            }`}
                          >
                            <a href={w.href} title={w.title}>
                              {w.text}
                            </a>
                            {w.note ? <span className="muted"> ({w.note})</span> : null}
                          </li>
                        ))}
                        {items.more > 0 ? (
                          <li className="month-more">
                            <a href={moreHref(day.date)}>+{items.more} more</a>
                          </li>
                        ) : null}
                      </ul>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
