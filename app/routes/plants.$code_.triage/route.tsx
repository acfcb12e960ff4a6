import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { TableHead } from "~/components/DataTable";
import { STAGED_HOST_COLUMNS, StagedHostCells } from "~/components/EvidenceTriage";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { ActForm, ReplyNotice } from "~/components/forms/ActForm";
import { Confirmation } from "~/components/forms/Confirmation";
import { Field } from "~/components/forms/Field";
import { requestedWindow } from "~/domain/listing";
import { queueSections } from "~/domain/queue";
import { BULK_TRIAGE_INTENTS, TRIAGE_BATCH_LIMIT } from "~/domain/triage";
import { ASSET_KIND_LABELS, ASSET_KINDS, labelFor } from "~/domain/vocabulary";
import { listZones } from "~/models/plants.server";
import { countStagedHosts, listStagedHosts } from "~/models/triage.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { requirePlant } from "~/http/plant-guard.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { replyFor } from "~/utils/reply";
import { triageIntents } from "./intents.server";

// A plant's triage view: its staged hosts a page at a time, each with a box to tick, and the acts that take every
// ticked host at once (confirm into the inventory, place in a zone, dismiss as known-transient). Corporate security
// triages the hosts escalated to it (app/domain/queue.ts), everyone else every host still to review.

const PAGE_SIZE = 50;

/** Which hosts the person triages here, by queue.ts's rule; null when they may not triage at all. */
function scopeOf(user: Parameters<typeof queueSections>[0]) {
  const staged = queueSections(user).staged;
  return staged === "escalated" ? "escalated" : "any";
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const plant = await requirePlant(params.code);
  requirePermission(user, "triage:asset", plant.id);
  const db = getDb();
  const only = scopeOf(user);
  const [zones, counts] = await Promise.all([listZones(db, plant.id), countStagedHosts(db, plant.id)]);
  const total = only === "escalated" ? counts.escalated : counts.open;
  const ignored: string[] = [];
  const search = new URL(request.url).searchParams;
  const window = requestedWindow(search, ignored, total, PAGE_SIZE);
  const hosts = await listStagedHosts(db, plant.id, {
    transient: false,
    escalatedOnly: only === "escalated",
    ...window,
  });
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    zones: zones.map((zone) => ({ id: zone.id, name: zone.name })),
    escalatedOnly: only === "escalated",
    counts,
    hosts: { rows: hosts, window, total },
    // "Tick every host on this page" is a link, so it works without JavaScript too.
    tickAll: search.get("tick") === "all",
    ignored,
  };
}

/** The fields of the bulk form kept as the person left them when an act is refused, to fill the form again. */
const KEPT = ["zoneId", "kind", "note"] as const;

export async function action({ params, request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const plant = await requirePlant(params.code);
  const posted = await request.formData();
  // Each ticked box is one `assetIds` field; the acts read them as one list.
  const ticked = posted.getAll("assetIds").filter((v): v is string => typeof v === "string");
  const form: Record<string, FormDataEntryValue> = { ...Object.fromEntries(posted), assetIds: ticked.join(",") };
  const answer = await runIntent(triageIntents, { db: getDb(), user, plant, only: scopeOf(user) }, request, form);
  if (!("data" in answer)) return answer;
  const draft: Record<string, string> = { assetIds: ticked.slice(0, TRIAGE_BATCH_LIMIT).join(",").slice(0, 4000) };
  for (const name of KEPT) if (typeof form[name] === "string") draft[name] = String(form[name]).slice(0, 500);
  return data({ ...answer.data, draft }, answer.init ?? undefined);
}

/** This page of the view, with every box ticked or none. */
function pageHref(code: string, page: number, tickAll: boolean): string {
  const params = new URLSearchParams();
  if (page > 1) params.set("page", String(page));
  if (tickAll) params.set("tick", "all");
  const query = params.toString();
  return `/plants/${code}/triage${query ? `?${query}` : ""}#triage-hosts`;
}

export default function TriageView() {
  const { plant, zones, escalatedOnly, counts, hosts, tickAll, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const mine = replyFor(reply, BULK_TRIAGE_INTENTS);
  const kept = mine?.draft ?? {};
  const ticked = new Set((kept.assetIds ?? "").split(","));
  const idsError = mine?.fieldErrors.assetIds;
  const noun = escalatedOnly ? "escalated hosts" : "staged hosts";
  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">
            <Link to={`/plants/${plant.code}/hosts`}>
              {plant.code} {plant.name}
            </Link>
          </p>
          <h1>Triage {noun}</h1>
          <p className="lede">
            {escalatedOnly
              ? "Hosts plant engineering escalated to corporate security; tick several and act on them at once."
              : "Hosts seen in traffic or imported that nobody has reviewed yet; tick several and act on them at once."}{" "}
            Each host's change is recorded in the audit trail.
          </p>
        </div>
      </div>
      <IgnoredParams ignored={ignored} />

      <section className="panel" aria-labelledby="triage-title">
        <h2 id="triage-title">
          {hosts.total.toLocaleString("en-US")} {noun} to triage
          {!escalatedOnly && counts.escalated > 0 ? ` (${counts.escalated.toLocaleString("en-US")} escalated)` : ""}
        </h2>
        <Confirmation intents={BULK_TRIAGE_INTENTS} />
        <ReplyNotice reply={reply} intent={BULK_TRIAGE_INTENTS} id="triage-hosts" offered={() => hosts.total > 0} />
        {hosts.total === 0 ? (
          <p className="muted">
            Nothing to triage at {plant.code}. <Link to={`/plants/${plant.code}#evidence`}>Back to the plant</Link>
          </p>
        ) : (
          <ActForm intent={BULK_TRIAGE_INTENTS} id="triage-hosts" reply={reply} className="bulk-triage">
            <fieldset aria-describedby={idsError ? "triage-hosts-assetIds-error" : undefined}>
              <legend>Hosts on this page (tick up to {TRIAGE_BATCH_LIMIT.toLocaleString("en-US")} at once)</legend>
              <p className="button-row">
                {tickAll ? (
                  <Link to={pageHref(plant.code, hosts.window.page, false)} preventScrollReset>
                    Untick every host
                  </Link>
                ) : (
                  <Link to={pageHref(plant.code, hosts.window.page, true)} preventScrollReset>
                    Tick every host on this page
                  </Link>
                )}
              </p>
              {idsError ? (
                <ul className="field-error" id="triage-hosts-assetIds-error">
                  {idsError.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              ) : null}
              <div className="table-wrap">
                <table>
                  <caption>
                    {noun[0]!.toUpperCase() + noun.slice(1)}, newest first (times in {plant.timeZone})
                  </caption>
                  <TableHead columns={["Choose", ...STAGED_HOST_COLUMNS, "Kind"]} />
                  <tbody>
                    {hosts.rows.map((host) => (
                      <tr key={host.id} id={`host-${host.id}`} data-host={host.name}>
                        <td>
                          <input
                            // A new box when "tick every host" changes, since a box keeps its own state once drawn.
                            key={String(tickAll)}
                            type="checkbox"
                            name="assetIds"
                            value={host.id}
                            id={`choose-${host.id}`}
                            defaultChecked={tickAll || ticked.has(String(host.id))}
                            aria-invalid={idsError ? true : undefined}
                          />
                          <label htmlFor={`choose-${host.id}`} className="visually-hidden">
                            Choose {host.name}
                          </label>
                        </td>
                        <StagedHostCells host={host} timeZone={plant.timeZone} />
                        <td>
                          {host.kind ? (
                            labelFor(ASSET_KIND_LABELS, host.kind)
                          ) : (
                            <span className="muted">not known</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </fieldset>
            <PagerPastOnePage list={hosts} noun={noun} anchor="triage-hosts" />

            <fieldset className="bulk-acts">
              <legend>Act on the ticked hosts</legend>
              <div className="bulk-act">
                <Field
                  label="Zone"
                  name="zoneId"
                  as="select"
                  defaultValue={kept.zoneId ?? ""}
                  hint="To place the hosts in, or to confirm them into; left as is, each keeps its own zone."
                >
                  <option value="">Each host's own zone</option>
                  {zones.map((zone) => (
                    <option key={zone.id} value={zone.id}>
                      {zone.name}
                    </option>
                  ))}
                </Field>
                <Field
                  label="Kind"
                  name="kind"
                  as="select"
                  defaultValue={kept.kind ?? ""}
                  hint="For confirming; left as is, each keeps its own kind."
                >
                  <option value="">Each host's own kind</option>
                  {ASSET_KINDS.map((kind) => (
                    <option key={kind} value={kind}>
                      {ASSET_KIND_LABELS[kind]}
                    </option>
                  ))}
                </Field>
                <div className="button-row">
                  <button type="submit" name="intent" value="confirm-hosts">
                    Confirm into the inventory
                  </button>
                  <button type="submit" name="intent" value="place-hosts" className="secondary">
                    Place in the zone
                  </button>
                </div>
              </div>
              <div className="bulk-act">
                <Field
                  label="Note"
                  name="note"
                  maxLength={500}
                  defaultValue={kept.note ?? ""}
                  placeholder="Vendor laptops during the PM visit"
                  hint="Why the hosts are known-transient (needed to dismiss them); kept with each host."
                />
                <div className="button-row">
                  <button type="submit" name="intent" value="dismiss-hosts" className="secondary">
                    Dismiss as known-transient
                  </button>
                </div>
              </div>
            </fieldset>
          </ActForm>
        )}
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Triage${data ? ` · ${data.plant.code}` : ""} · Segmentation Tracker` },
];
