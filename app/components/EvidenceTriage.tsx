import { Link } from "@remix-run/react";
import { ActForm, ReplyNotice } from "~/components/forms/ActForm";
import { TableHead } from "~/components/DataTable";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { formatLocal } from "~/domain/time";
import { ASSET_KIND_LABELS, ASSET_KINDS, DISCOVERY_SOURCE_LABELS, labelFor } from "~/domain/vocabulary";
import type { StagedHost, StagedHostCounts, Violation } from "~/domain/triage";
import type { PageWindow } from "~/domain/listing";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { replyFor } from "~/utils/reply";

const TRIAGE_INTENTS = ["confirm-host", "mark-transient", "escalate-host"] as const;
const VIOLATION_INTENTS = ["acknowledge-violation"] as const;

/** A flow tuple as ingest records it (`origin|responder|proto|port`), as a reader reads it. */
function formatTuple(tuple: string): string {
  const [origin, responder, proto, port] = tuple.split("|");
  if (!origin || !responder || !proto) return tuple;
  return `${origin} → ${responder} ${proto}${port && port !== "-" ? `/${port}` : ""}`;
}

/** The headings of the columns that describe a staged host; a page adds its own columns beside them. */
export const STAGED_HOST_COLUMNS = ["Host", "IP", "MAC", "Zone", "Seen by", "State"] as const;

/** One staged host's cells under STAGED_HOST_COLUMNS (the plant page's triage and the bulk triage view). */
export function StagedHostCells({ host, timeZone }: { host: StagedHost; timeZone: string }) {
  return (
    <>
      <th scope="row">
        {host.name}
        {host.vendor || host.model ? (
          <div className="muted">{[host.vendor, host.model].filter(Boolean).join(" ")}</div>
        ) : null}
      </th>
      <td>
        <code>{host.ip ?? "—"}</code>
      </td>
      <td>
        <code>{host.mac ?? "—"}</code>
      </td>
      <td>{host.zoneName ?? <span className="muted">not placed</span>}</td>
      <td>
        {labelFor(DISCOVERY_SOURCE_LABELS, host.discoverySource)}
        <div className="muted">{formatLocal(host.discoveredAt, timeZone)}</div>
      </td>
      <td>
        {host.triage === "escalated" ? (
          <>
            <span className="badge bad">escalated</span>
            <div className="muted">
              {host.triagedBy}: {host.triageNote}
            </div>
          </>
        ) : (
          <span className="badge warn">to triage</span>
        )}
      </td>
    </>
  );
}

/**
 * Hosts seen in traffic or imported that nobody has reviewed: confirm each into the inventory with its zone and
 * kind, mark it known-transient (it stays out of the inventory and is never staged again), or escalate it.
 */
export function StagedHosts({
  plantCode,
  hosts,
  transient,
  zones,
  timeZone,
  canTriage,
  reply,
}: {
  plantCode: string;
  hosts: { rows: StagedHost[]; window: PageWindow; counts: StagedHostCounts };
  transient: { rows: StagedHost[]; window: PageWindow };
  zones: { id: number; name: string }[];
  timeZone: string;
  canTriage: boolean;
  /** The action's answer: a refused act shows in its row's form. */
  reply: unknown;
}) {
  const { counts } = hosts;
  return (
    <section className="panel" aria-labelledby="staged-title" id="staged-hosts">
      <h2 id="staged-title">
        Staged hosts ({counts.open.toLocaleString("en-US")}
        {counts.escalated > 0 ? `, ${counts.escalated.toLocaleString("en-US")} escalated` : ""}){" "}
        <span className="muted">INV-STAGED</span>
      </h2>
      <Confirmation intents={TRIAGE_INTENTS} />
      <ReplyNotice
        reply={reply}
        intent={TRIAGE_INTENTS}
        id={(r) => `${r.intent === "confirm-host" ? "confirm-host" : "triage-host"}-${r.target}`}
        offered={(r) => canTriage && hosts.rows.some((host) => String(host.id) === r.target)}
      />
      {canTriage && counts.open > 1 ? (
        <p>
          <Link to={`/plants/${plantCode}/triage`}>Triage several hosts at once</Link>
        </p>
      ) : null}
      {counts.open === 0 ? (
        <p className="muted">Nothing to triage: every host seen in traffic or imported has been reviewed.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>Hosts awaiting review, newest first (times in {timeZone})</caption>
            <TableHead columns={[...STAGED_HOST_COLUMNS, ...(canTriage ? ["Triage"] : [])]} />
            <tbody>
              {hosts.rows.map((host) => (
                <tr key={host.id} id={`host-${host.id}`}>
                  <StagedHostCells host={host} timeZone={timeZone} />
                  {canTriage ? (
                    <td>
                      <details className="triage" open={replyFor(reply, TRIAGE_INTENTS, host.id) ? true : undefined}>
                        <summary>Triage {host.ip ?? host.name}</summary>
                        <ActForm
                          intent="confirm-host"
                          target={host.id}
                          id={`confirm-host-${host.id}`}
                          reply={reply}
                          hiddenFields={{ assetId: host.id }}
                          className="stacked"
                          preventScrollReset
                        >
                          <Field label="Name" name="name" defaultValue={host.name} maxLength={120} />
                          <Field label="Zone" name="zoneId" as="select" required defaultValue={host.zoneId ?? ""}>
                            <option value="" disabled>
                              Choose a zone
                            </option>
                            {zones.map((zone) => (
                              <option key={zone.id} value={zone.id}>
                                {zone.name}
                              </option>
                            ))}
                          </Field>
                          <Field label="Kind" name="kind" as="select" required defaultValue={host.kind ?? ""}>
                            <option value="" disabled>
                              Choose a kind
                            </option>
                            {ASSET_KINDS.map((kind) => (
                              <option key={kind} value={kind}>
                                {ASSET_KIND_LABELS[kind]}
                              </option>
                            ))}
                          </Field>
                          <button type="submit">Confirm into the inventory</button>
                        </ActForm>
                        <ActForm
                          intent={["mark-transient", "escalate-host"]}
                          target={host.id}
                          id={`triage-host-${host.id}`}
                          reply={reply}
                          hiddenFields={{ assetId: host.id }}
                          className="stacked"
                          preventScrollReset
                        >
                          <Field
                            label="Note"
                            name="note"
                            required
                            minLength={3}
                            maxLength={500}
                            placeholder="Vendor laptop during the PM visit"
                          />
                          <div className="button-row">
                            <button type="submit" name="intent" value="mark-transient">
                              Known-transient
                            </button>
                            {host.triage !== "escalated" ? (
                              <button type="submit" name="intent" value="escalate-host" className="secondary">
                                Escalate to security
                              </button>
                            ) : null}
                          </div>
                        </ActForm>
                      </details>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PagerPastOnePage
        list={{ ...hosts, total: counts.open }}
        noun="staged hosts"
        param="hostsPage"
        anchor="staged-hosts"
      />
      {counts.transient > 0 ? (
        <details open={transient.window.page > 1}>
          <summary>Known-transient hosts ({counts.transient.toLocaleString("en-US")})</summary>
          <ul>
            {transient.rows.map((host) => (
              <li key={host.id}>
                <code>{host.ip ?? host.mac ?? host.name}</code> — {host.triageNote}{" "}
                <span className="muted">
                  ({host.triagedBy}, {host.triagedAt ? formatLocal(host.triagedAt, timeZone) : "—"})
                </span>
              </li>
            ))}
          </ul>
          <PagerPastOnePage
            list={{ ...transient, total: counts.transient }}
            noun="known-transient hosts"
            param="transientPage"
            anchor="staged-hosts"
          />
        </details>
      ) : null}
    </section>
  );
}

/** Flows a conduit does not allow (wrong, not merely unusual), per conduit, with first and last seen. */
export function Violations({
  violations,
  timeZone,
  canAcknowledge,
  reply,
}: {
  violations: { rows: Violation[]; window: PageWindow; total: number; open: number };
  timeZone: string;
  canAcknowledge: boolean;
  /** The action's answer: a refused acknowledgement shows in its row's form. */
  reply: unknown;
}) {
  const acknowledgeable = (v: Violation) => canAcknowledge && (v.acknowledgedAt === null || v.seenSinceAcknowledged);
  return (
    <section className="panel" aria-labelledby="violations-title" id="violations">
      <h2 id="violations-title">
        Policy violations ({violations.open.toLocaleString("en-US")} open of {violations.total.toLocaleString("en-US")})
      </h2>
      <Confirmation intents={VIOLATION_INTENTS} />
      <ReplyNotice
        reply={reply}
        intent={VIOLATION_INTENTS}
        id={(r) => `acknowledge-${r.target}`}
        offered={(r) => violations.rows.some((v) => String(v.id) === r.target && acknowledgeable(v))}
      />
      {violations.total === 0 ? (
        <p className="muted">No flow outside any conduit's allowed flows has been seen.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>Wrong flows by conduit (times in {timeZone})</caption>
            <TableHead
              columns={[
                "Conduit",
                "Flow (originator → responder, protocol/port)",
                { header: "Connections", numeric: true },
                "First seen",
                "Last seen",
                "Acknowledged",
              ]}
            />
            <tbody>
              {violations.rows.map((v) => (
                <tr key={v.id}>
                  <th scope="row">{v.conduitName}</th>
                  <td>
                    <code>{formatTuple(v.tuple)}</code>
                  </td>
                  <td className="num">{v.count}</td>
                  <td>{formatLocal(v.firstSeen, timeZone)}</td>
                  <td>{formatLocal(v.lastSeen, timeZone)}</td>
                  <td>
                    {v.acknowledgedAt ? (
                      <div>
                        {v.acknowledgedBy}, {formatLocal(v.acknowledgedAt, timeZone)}: {v.acknowledgedNote}
                        {v.seenSinceAcknowledged ? <div className="badge bad">seen again since</div> : null}
                      </div>
                    ) : (
                      <span className="badge bad">open</span>
                    )}
                    {acknowledgeable(v) ? (
                      <ActForm
                        intent="acknowledge-violation"
                        target={v.id}
                        id={`acknowledge-${v.id}`}
                        reply={reply}
                        hiddenFields={{ violationId: v.id }}
                        className="inline-form"
                        preventScrollReset
                      >
                        <Field
                          label={
                            <span className="visually-hidden">
                              What the flow was ({formatTuple(v.tuple)} on {v.conduitName})
                            </span>
                          }
                          name="note"
                          required
                          minLength={3}
                          maxLength={500}
                          placeholder="What it was, what was done"
                        />
                        <button type="submit">Acknowledge</button>
                      </ActForm>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PagerPastOnePage list={violations} noun="wrong flows" param="violationsPage" anchor="violations" />
    </section>
  );
}
