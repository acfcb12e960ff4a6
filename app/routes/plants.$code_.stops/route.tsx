import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { Choices } from "~/components/Choices";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { ActForm, Field } from "~/components/forms";
import { requestedWindow } from "~/domain/listing";
import { localInputValues } from "~/domain/local-time";
import { can } from "~/domain/permissions";
import { stopHref, stopPlace } from "~/domain/production-stops";
import { CHANGE_STATUS_LABELS, isOneOf, CHANGE_STATUSES } from "~/domain/vocabulary";
import { listZones } from "~/models/plants.server";
import { attributableChanges, countStops, listStops } from "~/models/production-stops.server";
import { requirePlantDetail } from "~/http/plant-guard.server";
import { recordStopIntents } from "~/http/stop-acts.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { replyFor } from "~/utils/reply";

// A plant's unscheduled production stops caused or suspected of the network, newest first a page at a time, each
// with its review's state; and, for those who record them (the plant's engineers, corporate security, the program
// lead), the form that records one.

const PAGE_SIZE = 25;
/** The form's fields kept as written when it is refused. */
const KEPT = [
  "zoneId",
  "line",
  "startedAt.date",
  "startedAt.time",
  "minutesLost",
  "changeId",
  "ticket",
  "description",
  "cause",
];

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const db = getDb();
  const ignored: string[] = [];
  const total = await countStops(db, plant.id);
  const window = requestedWindow(new URL(request.url).searchParams, ignored, total, PAGE_SIZE);
  const canRecord = can(user, "record:stop", plant.id);
  const [stops, zones, changes] = await Promise.all([
    listStops(db, plant.id, window),
    canRecord ? listZones(db, plant.id) : Promise.resolve([]),
    canRecord ? attributableChanges(db, plant.id) : Promise.resolve([]),
  ]);
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    stops: { rows: stops, window, total },
    canRecord,
    zones: zones.map((z) => ({ id: z.id, name: z.name })),
    changes,
    nowLocal: localInputValues(new Date().toISOString(), plant.time_zone),
    ignored,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const form = Object.fromEntries(await request.formData());
  const answer = await runIntent(recordStopIntents, { db: getDb(), user, plant }, request, form);
  if (!("data" in answer)) return answer;
  const draft: Record<string, string> = {};
  for (const name of KEPT) if (typeof form[name] === "string") draft[name] = String(form[name]).slice(0, 2000);
  return data({ ...answer.data, draft }, answer.init ?? undefined);
}

function local(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).setZone(zone).toFormat("ccc d LLL yyyy HH:mm ZZZZ");
}

function RecordStopForm() {
  const { zones, changes, nowLocal, plant } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const kept = replyFor(reply, "record-stop")?.draft ?? {};
  const timeErrors = replyFor(reply, "record-stop")?.fieldErrors.startedAt ?? [];
  return (
    <section className="panel" aria-labelledby="record-stop-title" id="record">
      <h2 id="record-stop-title">Record a stop</h2>
      <p className="muted">
        An unscheduled stop of production the network caused, or is suspected of. Until its post-incident review is
        signed by both owners, no further conduit cutover of this plant is marked done.
      </p>
      <ActForm intent="record-stop" id="record-stop" reply={reply} className="stacked">
        <Field as="select" name="zoneId" label="Zone" optional defaultValue={kept.zoneId ?? ""}>
          <option value="">— none —</option>
          <Choices choices={zones.map((z) => [z.id, z.name])} />
        </Field>
        <Field
          name="line"
          label="Line"
          optional
          maxLength={100}
          defaultValue={kept.line ?? ""}
          hint="The production line that stopped; give the line, the zone, or both."
        />
        <fieldset
          className="local-time"
          id="record-stop-startedAt"
          aria-invalid={timeErrors.length > 0 ? true : undefined}
          aria-describedby={timeErrors.length > 0 ? "record-stop-startedAt-error" : undefined}
        >
          <legend>
            Started <span className="muted">(plant-local, {plant.timeZone})</span>
          </legend>
          <Field
            name="startedAt.date"
            label="Date"
            type="date"
            required
            defaultValue={kept["startedAt.date"] ?? nowLocal.date}
          />
          <Field
            name="startedAt.time"
            label="Time"
            type="time"
            required
            defaultValue={kept["startedAt.time"] ?? nowLocal.time}
          />
          {timeErrors.length > 0 ? (
            <ul className="field-error" id="record-stop-startedAt-error">
              {timeErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          ) : null}
        </fieldset>
        <Field
          name="minutesLost"
          label="Minutes of production lost"
          type="number"
          min={1}
          max={100000}
          step={1}
          required
          defaultValue={kept.minutesLost ?? ""}
        />
        <Field as="select" name="changeId" label="Put down to the change" optional defaultValue={kept.changeId ?? ""}>
          <option value="">— none —</option>
          <Choices
            choices={changes.map((c) => [
              c.id,
              `${c.title} (${isOneOf(CHANGE_STATUSES, c.status) ? CHANGE_STATUS_LABELS[c.status] : c.status})`,
            ])}
          />
        </Field>
        <Field name="ticket" label="Ticket reference" optional maxLength={100} defaultValue={kept.ticket ?? ""} />
        <Field
          as="textarea"
          name="description"
          label="Description"
          required
          maxLength={2000}
          rows={3}
          defaultValue={kept.description ?? ""}
          hint="What stopped, what was seen, what brought it back."
        />
        <Field as="select" name="cause" label="Cause" defaultValue={kept.cause ?? "suspected"}>
          <option value="network">Caused by the network</option>
          <option value="suspected">Suspected network cause</option>
        </Field>
        <button type="submit">Record the stop</button>
      </ActForm>
    </section>
  );
}

export default function PlantStopsPage() {
  const { plant, stops, canRecord, ignored } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Stops
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Production stops · {plant.name} <span className="muted mono">{plant.code}</span>
          </h1>
          <p className="lede">
            Unscheduled stops the network caused or is suspected of, and their post-incident reviews. Times are the
            plant's own clock ({plant.timeZone}).
          </p>
        </div>
      </div>
      <IgnoredParams ignored={ignored} />
      <section className="panel" aria-labelledby="stops-title" id="stops">
        <h2 id="stops-title">
          {stops.total.toLocaleString("en-US")} {stops.total === 1 ? "stop" : "stops"}, newest first
        </h2>
        {stops.total === 0 ? (
          <p className="muted">No production stop recorded at {plant.code}.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Production stops of {plant.code}</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Where</th>
                  <th scope="col">Minutes lost</th>
                  <th scope="col">Cause</th>
                  <th scope="col">Change</th>
                  <th scope="col">Review</th>
                </tr>
              </thead>
              <tbody>
                {stops.rows.map((s) => (
                  <tr key={s.id} id={`stop-${s.id}`}>
                    <td>
                      <Link to={stopHref(plant.code, s.id)}>{local(s.startedAt, plant.timeZone)}</Link>
                    </td>
                    <td>{stopPlace(s)}</td>
                    <td className="num">{s.minutesLost.toLocaleString("en-US")}</td>
                    <td>{s.causeLabel}</td>
                    <td>{s.changeTitle ?? <span className="muted">none</span>}</td>
                    <td>
                      {s.reviewed ? (
                        <span className="badge ok">Reviewed</span>
                      ) : (
                        <span className="badge warn">Under review</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <PagerPastOnePage list={stops} noun="stops" anchor="stops" />
      </section>
      {canRecord ? <RecordStopForm /> : null}
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Stops${data ? ` · ${data.plant.code}` : ""} · Segmentation Tracker` },
];
