import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { DisabledAct } from "~/components/DisabledAct";
import { ActForm, Confirmation, Field, ReplyNotice } from "~/components/forms";
import { changeHref } from "~/domain/network-changes";
import { can } from "~/domain/permissions";
import { reviewParts, stopPhrase, stopPlace, stopReviewSigningRefusals } from "~/domain/production-stops";
import { PART_LABELS, PART_OWNER_LABELS, PART_PERMISSION, PART_ROLE } from "~/domain/signoffs";
import { getStop } from "~/models/production-stops.server";
import { requirePlantDetail } from "~/http/plant-guard.server";
import { stopReviewIntents } from "~/http/stop-acts.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { replyFor } from "~/utils/reply";

// One production stop: what stopped, where and for how long, the change it is put down to, and its post-incident
// review — the text (each edit a new revision, leaving earlier signatures stale), the cause concluded, and both
// owners' signatures with the sign button for whoever signs each part. "Under review" until both are signed at the
// review's current revision; until then the plant's next cutover is not marked done.

function stopIdOf(raw: string | undefined): number {
  const id = Number(raw);
  if (!/^\d{1,12}$/.test(raw ?? "") || !Number.isSafeInteger(id) || id <= 0) {
    throw data(`There is no stop “${(raw ?? "").slice(0, 40)}”.`, { status: 404 });
  }
  return id;
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const stop = await getStop(getDb(), plant.id, stopIdOf(params.stopId));
  if (!stop) throw data(`${plant.code} has no stop ${params.stopId}.`, { status: 404 });
  const parts = reviewParts(stop).map((state) => {
    // Only the part's role sees its button: disabled with the first reason when it cannot sign now.
    const refusals = stopReviewSigningRefusals(
      state.part,
      { role: user.role, personId: user.personId, permitted: can(user, PART_PERMISSION[state.part], plant.id) },
      { ...stop, label: "This post-incident review" }
    );
    return {
      ...state,
      label: PART_LABELS[state.part],
      owner: PART_OWNER_LABELS[state.part],
      mine: user.role === PART_ROLE[state.part],
      why: refusals[0]?.message ?? null,
    };
  });
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    stop,
    phrase: stopPhrase(stop, plant.time_zone),
    parts,
    canEdit: can(user, "record:stop", plant.id),
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const form = Object.fromEntries(await request.formData());
  const stopId = stopIdOf(params.stopId);
  const answer = await runIntent(stopReviewIntents, { db: getDb(), user, plant, stopId }, request, form);
  if (!("data" in answer) || form.intent !== "write-review") return answer;
  const review = typeof form.review === "string" ? form.review.slice(0, 10_000) : "";
  return data({ ...answer.data, draft: { review } }, answer.init ?? undefined);
}

function local(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).setZone(zone).toFormat("ccc d LLL yyyy HH:mm ZZZZ");
}

function ReviewSection() {
  const { stop, canEdit } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const draft = replyFor(reply, "write-review")?.draft?.review;
  return (
    <section className="panel" aria-labelledby="review-title" id="review">
      <h2 id="review-title">
        Post-incident review{" "}
        <span className="muted">{stop.review ? `(revision ${stop.reviewRevision})` : "(not written yet)"}</span>
      </h2>
      <Confirmation intents="write-review" />
      {stop.review ? <p className="review-text">{stop.review}</p> : <p className="muted">Nobody has written it yet.</p>}
      {canEdit ? (
        <ActForm
          intent="write-review"
          id="write-review"
          reply={reply}
          hiddenFields={{ revision: stop.reviewRevision }}
          className="stacked"
        >
          <Field
            as="textarea"
            name="review"
            label={stop.review ? "Edit the review" : "Write the review"}
            rows={6}
            required
            minLength={3}
            maxLength={10000}
            defaultValue={draft ?? stop.review ?? ""}
            hint="What happened, the root cause, what changes so it does not happen again. An edit needs both owners to sign again."
          />
          <button type="submit">Save the review</button>
        </ActForm>
      ) : (
        <ReplyNotice reply={reply} intent="write-review" id="write-review" />
      )}
    </section>
  );
}

function CauseSection() {
  const { stop, canEdit } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <section className="panel" aria-labelledby="cause-title" id="cause">
      <h2 id="cause-title">Cause</h2>
      <Confirmation intents="conclude-cause" />
      <p>
        <strong>{stop.causeLabel}</strong>
      </p>
      {canEdit ? (
        <ActForm intent="conclude-cause" id="conclude-cause" reply={reply} className="inline-form">
          <Field
            as="select"
            name="cause"
            label="Conclude the cause"
            defaultValue={stop.cause === "suspected" ? "network" : stop.cause}
          >
            <option value="network">Caused by the network</option>
            <option value="not_network">Not the network</option>
          </Field>
          <button type="submit" className="secondary">
            Conclude
          </button>
        </ActForm>
      ) : (
        <ReplyNotice reply={reply} intent="conclude-cause" id="conclude-cause" />
      )}
    </section>
  );
}

function SignaturesSection() {
  const { stop, parts, plant } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <section className="panel" aria-labelledby="signatures-title" id="signatures">
      <h2 id="signatures-title">
        Signatures{" "}
        {stop.reviewed ? <span className="badge ok">Reviewed</span> : <span className="badge warn">Under review</span>}
      </h2>
      <ul className="signoff-parts">
        {parts.map((p) => (
          <li key={p.part} id={`part-${p.part}`}>
            <strong>{p.label}</strong> <span className="muted">({p.owner})</span>:{" "}
            {p.signed ? (
              <span>
                <span className="badge ok">Signed</span> by {p.signed.personName},{" "}
                {local(p.signed.signedAt, plant.timeZone)}
              </span>
            ) : p.stale ? (
              <span>
                <span className="badge warn">Stale</span> {p.stale.personName} signed revision {p.stale.reviewRevision};
                the current revision is not signed.
              </span>
            ) : (
              <span className="badge bad">Not signed</span>
            )}
            <Confirmation intents="sign-review" target={p.part} />
            {p.mine && !p.signed ? (
              p.why ? (
                <DisabledAct id={`sign-${p.part}-why`} label={`Sign as ${p.owner}`} why={p.why} />
              ) : (
                <ActForm
                  intent="sign-review"
                  target={p.part}
                  id={`sign-${p.part}`}
                  reply={reply}
                  hiddenFields={{ part: p.part, revision: stop.reviewRevision }}
                  className="inline-form"
                >
                  <button type="submit">Sign as {p.owner}</button>
                </ActForm>
              )
            ) : (
              <ReplyNotice reply={reply} intent="sign-review" target={p.part} id={`sign-${p.part}`} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function StopPage() {
  const { plant, stop, phrase } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> /{" "}
        <Link to={`/plants/${plant.code}/stops`}>Stops</Link> / {stop.id}
      </nav>
      <div className="page-head" id="stop">
        <div>
          <h1>{phrase}</h1>
          <p className="lede">
            {stop.reviewed ? (
              <span className="badge ok">Reviewed</span>
            ) : (
              <span className="badge warn">Under review</span>
            )}{" "}
            {stop.causeLabel}
          </p>
        </div>
      </div>
      <Confirmation intents="record-stop" />
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">What stopped</h2>
        <dl className="facts">
          <dt>Where</dt>
          <dd>{stopPlace(stop)}</dd>
          <dt>Started</dt>
          <dd>{local(stop.startedAt, plant.timeZone)}</dd>
          <dt>Production lost</dt>
          <dd>{stop.minutesLost.toLocaleString("en-US")} minutes</dd>
          <dt>Change</dt>
          <dd>
            {stop.changeId && stop.changeTitle ? (
              <>
                <a href={changeHref(plant.code, stop.changeId)}>{stop.changeTitle}</a>
                {stop.changeOutcomeLabel ? <span className="muted"> · {stop.changeOutcomeLabel}</span> : null}
              </>
            ) : (
              <span className="muted">not put down to a change</span>
            )}
          </dd>
          <dt>Ticket</dt>
          <dd>{stop.ticket ?? <span className="muted">none</span>}</dd>
          <dt>Description</dt>
          <dd>{stop.description}</dd>
          <dt>Recorded by</dt>
          <dd>
            {stop.recordedBy}, {local(stop.createdAt, plant.timeZone)}
          </dd>
        </dl>
      </section>
      <ReviewSection />
      <CauseSection />
      <SignaturesSection />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.phrase : "Stop"} · Segmentation Tracker` },
];
