import { BaselineStatusBadge } from "~/components/BaselineBadge";
import { gapText } from "~/components/BaselineEvidence";
import { TableHead, TableScroll } from "~/components/DataTable";
import { BlockerFlag } from "~/components/dashboard/BlockerFlag";
import { MustActList } from "~/components/dashboard/MustAct";
import { AcknowledgementList, PartBadge } from "~/components/SignoffParts";
import { countedDaysText, maturityText, type BaselineThresholds } from "~/domain/baseline";
import { ageInWords } from "~/domain/rollup";
import { PART_LABELS } from "~/domain/signoffs";
import { formatDate, formatDuration, formatLocal } from "~/domain/time";
import { CHANGE_STATUS_LABELS, labelFor, PHASE_LABELS, ROLE_LABELS } from "~/domain/vocabulary";
import type { ReviewData } from "./route";

// The parts of the gate review: every one a plain table (rows never cut by a page break in print) or a list.

type Gate = ReviewData["gate"];

const STATE_BADGE = {
  met: { className: "badge ok", text: "✓ Met" },
  waived: { className: "badge warn", text: "~ Waived" },
  unmet: { className: "badge bad", text: "✗ Unmet" },
} as const;

/** The gate's standing in words: passed (when, by whom), ready to pass, or blocked by how many criteria. */
export function GateStatusLine({ gate }: { gate: Gate }) {
  const unmet = gate.criteria.filter((c) => c.state === "unmet").length;
  return (
    <p className="review-gate-status">
      <strong>{gate.current ? "Current gate" : "Gate reviewed"}: </strong>
      {gate.status === "passed" ? (
        <span className="badge ok">
          ✓ Passed {gate.passedAt} by {gate.passedBy}
        </span>
      ) : gate.status === "ready" ? (
        <span className="badge ok">✓ Ready to pass: every criterion met or waived</span>
      ) : (
        <span className="badge bad">
          ✗ Blocked: {unmet} of {gate.criteria.length} criteria unmet
        </span>
      )}
    </p>
  );
}

/** Every criterion of the gate: its state, what the readiness engine says of it, and who ticked or waived it. */
export function CriteriaTable({ criteria, full }: { criteria: Gate["criteria"]; full: boolean }) {
  return (
    <TableScroll label="Criteria of the gate">
      <table className="review-table review-criteria">
        <caption>The state of each criterion now, and its evidence</caption>
        <TableHead columns={["Code", "Criterion and evidence", "State", "Ticked, waived by"]} />
        <tbody>
          {criteria.map((c) => (
            <tr key={c.code} data-criterion={c.code}>
              <th scope="row" className="mono">
                {c.code}
              </th>
              <td>
                <strong>{c.title}</strong>
                <div>{c.message}</div>
                {c.objects.length > 0 ? <div className="muted">Concerns: {c.objects.join(", ")}</div> : null}
              </td>
              <td>
                <span className={STATE_BADGE[c.state].className}>{STATE_BADGE[c.state].text}</span>
              </td>
              <td>
                {c.waived ? (
                  <div>
                    Waived by {c.waived.by}, {c.waived.at}: “{c.waived.justification}”
                  </div>
                ) : null}
                {c.tick ? (
                  <div>
                    {c.tick.ticked ? "Ticked" : "Unticked"} by {c.tick.by}, {c.tick.at}: “{c.tick.note}”
                  </div>
                ) : null}
                {!c.waived && !c.tick ? (
                  <span className="muted">
                    {c.checklist ? (full ? "Not ticked" : "—") : "Judged from the program's data"}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The unmet criteria of the plant's current gate, with what holds them, who must act and since when. */
export function BlockersTable({ blockers }: { blockers: ReviewData["blockers"] }) {
  if (blockers.length === 0) return <p>No open blocker: the current gate holds nothing back.</p>;
  return (
    <TableScroll label="Open blockers">
      <table className="review-table review-blockers">
        <caption>
          {blockers.length} open {blockers.length === 1 ? "blocker" : "blockers"}; each dates from the plant's entry
          into its phase
        </caption>
        <TableHead columns={["Criterion", "Who must act", "Open since", "Age"]} />
        <tbody>
          {blockers.map((b) => (
            <tr key={b.code} data-blocker={b.code}>
              <th scope="row">
                <strong>
                  <span className="mono">{b.code}</span> {b.title}
                </strong>
                {b.object ? <> — {b.object}</> : null}
                <div className="muted">{b.message}</div>
              </th>
              <td>
                <MustActList acts={b.mustAct} />
              </td>
              <td>{formatDate(b.since)}</td>
              <td data-age-days={b.ageDays}>
                {ageInWords(b.ageDays)}
                {b.flag ? (
                  <div>
                    <BlockerFlag flag={b.flag} />
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Every conduit of the plant: its track, its baseline (counted days, sensor gaps, maturity) and its wrong flows. */
export function BaselineTable({
  conduits,
  thresholds,
  timeZone,
}: {
  conduits: ReviewData["conduits"];
  thresholds: BaselineThresholds;
  timeZone: string;
}) {
  if (conduits.length === 0) return <p className="muted">No conduit is defined yet.</p>;
  return (
    <TableScroll label="Baselines of the conduits">
      <table className="review-table review-baselines">
        <caption>
          Counted days toward maturity ({thresholds.matureDays} needed; stalled at {thresholds.stallDays} if never
          mature), days in {timeZone}
        </caption>
        <TableHead
          columns={[
            "Conduit",
            "Track",
            "Baseline",
            { header: "Counted days", numeric: true },
            "Epoch from",
            "Sensor gaps",
            { header: "Wrong flows", numeric: true },
            "Maturity",
          ]}
        />
        <tbody>
          {conduits.map((c) => (
            <tr key={c.id} data-conduit={c.name}>
              <th scope="row">
                <strong>{c.name}</strong>
                <div className="muted review-zones">{c.zones}</div>
              </th>
              <td>{c.state.replace("_", " ")}</td>
              <td>
                {c.monitored ? <BaselineStatusBadge status={c.status} /> : <span className="badge">not monitored</span>}
                {c.monitored && c.status === "none" && c.reason ? <div className="muted">{c.reason}</div> : null}
              </td>
              <td className="num">{c.monitored ? countedDaysText(c, thresholds) : "—"}</td>
              <td className="nowrap">{formatDate(c.epochStart)}</td>
              <td>{c.monitored ? gapText(c.gaps) : "—"}</td>
              <td className="num">{c.wrongTotal === 0 ? "0" : `${c.wrongOpen} open of ${c.wrongTotal}`}</td>
              <td className="nowrap">{maturityText(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The plant's next planned or confirmed windows and the changes scheduled into each. */
export function WindowsList({ windows, timeZone }: { windows: ReviewData["windows"]; timeZone: string }) {
  if (windows.length === 0) return <p>No planned or confirmed window ahead.</p>;
  return (
    <TableScroll label="Next windows">
      <table className="review-table review-windows">
        <caption>
          The next {windows.length} windows, in the plant's local time ({timeZone})
        </caption>
        <TableHead columns={["Window", "When", "Kind, status", "Changes scheduled"]} />
        <tbody>
          {windows.map((w) => (
            <tr key={w.id} data-window={w.id}>
              <th scope="row">
                <strong>{w.title}</strong>
              </th>
              <td>
                <time dateTime={w.startsAt}>{w.localRange}</time>
                <div className="muted">{formatDuration(w.durationMinutes)}</div>
              </td>
              <td>
                {w.kind}
                <div className="muted">{w.status}</div>
              </td>
              <td>
                {w.changes.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <ul className="review-changes">
                    {w.changes.map((c) => (
                      <li key={c.id}>
                        {c.kind}: {c.title}
                        {c.object ? ` (${c.object})` : ""}{" "}
                        <span className="muted">· {labelFor(CHANGE_STATUS_LABELS, c.status)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

type Record_ = NonNullable<ReviewData["record"]>;
type PartRow = Record_["split"][number];

function SignedBy({ state, timeZone }: { state: PartRow; timeZone: string }) {
  if (state.valid) {
    return (
      <>
        {state.valid.personName}, {formatLocal(state.valid.signedAt, timeZone)} (revision {state.valid.revision})
      </>
    );
  }
  return <span className="muted">{state.reason ?? "—"}</span>;
}

/** The gates passed, and the two owners' signatures on the ownership split and on each conduit. */
export function SignoffRecord({ record, timeZone }: { record: Record_; timeZone: string }) {
  const subjects = [
    { key: "split", name: "Ownership split", parts: record.split },
    ...record.conduits.map((c) => ({ key: `conduit-${c.id}`, name: `Conduit “${c.name}”`, parts: c.parts })),
  ];
  return (
    <>
      <TableScroll label="Gates passed">
        <table className="review-table review-passes">
          <caption>Gates passed</caption>
          <TableHead columns={["Gate", "Passed", "By"]} />
          <tbody>
            {record.passes.length === 0 ? (
              <tr>
                <td colSpan={3}>No gate passed yet.</td>
              </tr>
            ) : (
              record.passes.map((p) => (
                <tr key={p.phase}>
                  <th scope="row">
                    <strong>Exit of {labelFor(PHASE_LABELS, p.phase).toLowerCase()}</strong>
                  </th>
                  <td>{p.at}</td>
                  <td>{p.by}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <TableScroll label="Signatures">
        <table className="review-table review-signoffs">
          <caption>The owners' signatures on the current revision of each object</caption>
          <TableHead columns={["Object", "Part", "State", "Signed by, when"]} />
          <tbody>
            {subjects.flatMap((s) =>
              s.parts.map((state) => (
                <tr key={`${s.key}-${state.part}`}>
                  <th scope="row">
                    <strong>{s.name}</strong>
                  </th>
                  <td>{PART_LABELS[state.part]}</td>
                  <td>
                    <PartBadge state={state} />
                  </td>
                  <td>
                    <SignedBy state={state} timeZone={timeZone} />
                    {state.valid ? (
                      <AcknowledgementList acknowledgements={record.acknowledgements[state.valid.id]} />
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** The lines the meeting signs: the plant's engineers, corporate security and the program's leads. */
export function SignatureBlock({
  signatories,
  gateName,
  plant,
}: {
  signatories: ReviewData["signatories"];
  gateName: string;
  plant: { code: string; name: string };
}) {
  return (
    <section className="review-section review-signatures" aria-labelledby="review-signatures-title" id="signatures">
      <h2 id="review-signatures-title">Signatures</h2>
      <p>
        Reviewed at the meeting for the {gateName.toLowerCase()} gate of {plant.name} ({plant.code}). Decision:{" "}
        <span className="review-choice">☐ pass</span> <span className="review-choice">☐ pass with waivers</span>{" "}
        <span className="review-choice">☐ not yet</span>
      </p>
      <ul className="signature-lines">
        {signatories.map((s) => (
          <li key={`${s.role}-${s.name}`} className="signature-line">
            <div className="signature-who">
              <strong>{s.name}</strong>
              <div className="muted">
                {ROLE_LABELS[s.role]}
                {s.title ? `, ${s.title}` : ""}
              </div>
            </div>
            <div className="signature-field">Signature</div>
            <div className="signature-field signature-date">Date</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
