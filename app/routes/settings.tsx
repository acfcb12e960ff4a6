import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ActForm, Confirmation, Field, replyFor } from "~/components/forms";
import { DEFAULT_BASELINE_SETTINGS, type BaselineSettings } from "~/domain/baseline";
import { can } from "~/domain/permissions";
import { SettingsSchema } from "~/domain/settings";
import { loadSettings } from "~/models/readiness.server";
import { updateSettings } from "~/models/settings.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { answer, confirmed, parseForm, replyForError } from "~/utils/forms.server";

const FIELDS: { name: keyof BaselineSettings; label: string; hint: string; step?: string }[] = [
  {
    name: "matureDays",
    label: "Counted days for maturity",
    hint: "A baseline matures after this many counted days, once converged.",
  },
  {
    name: "stallDays",
    label: "Counted days before a stall",
    hint: "Never mature after this many counted days: stalled, needs joint acceptance.",
  },
  {
    name: "convergenceDays",
    label: "Convergence days",
    hint: "The last counted days that must bring no new flow tuple.",
  },
  {
    name: "coverageThreshold",
    label: "Coverage for a counted day",
    hint: "Share of the day the sensor saw traffic (0.5–1).",
    step: "0.01",
  },
  {
    name: "gapDays",
    label: "Sensor gap after",
    hint: "More consecutive days than this without a counted observation are a gap.",
  },
  {
    name: "ephemeralPortMin",
    label: "Ephemeral ports from",
    hint: "Responder ports in this range collapse to one value.",
  },
  { name: "ephemeralPortMax", label: "Ephemeral ports to", hint: "" },
  {
    name: "maxPortRange",
    label: "Widest port range of a flow",
    hint: "The design review warns of an allowed flow whose port range is wider (DES-PORT-RANGE).",
  },
  {
    name: "wrongFlowDays",
    label: "Days a wrong flow may stay unacknowledged",
    hint: "A live plant drifts when a live conduit carries a wrong flow unacknowledged longer (DRIFT-WRONG-FLOWS).",
  },
  {
    name: "recertificationMonths",
    label: "Recertification period, in months",
    hint: "A signoff older than this must be signed again (DRIFT-SIGNOFF-AGED).",
  },
  {
    name: "ruleReviewDays",
    label: "Review period of a detection rule, in days",
    hint: "A rule not reviewed within this many days makes a live plant drift (DRIFT-RULE-UNREVIEWED).",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  return {
    settings: await loadSettings(getDb()),
    defaults: DEFAULT_BASELINE_SETTINGS,
    canEdit: can(user, "edit:settings"),
  };
}

const INTENT = "save-settings";

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "edit:settings");
  const form = await request.formData();
  // A refused form shows what was typed again, not the stored thresholds.
  const draft = Object.fromEntries(FIELDS.map(({ name }) => [name, String(form.get(name) ?? "").slice(0, 40)]));
  const parsed = parseForm(SettingsSchema, form, INTENT);
  if (!parsed.ok) return answer({ ...parsed.reply, draft });
  try {
    await updateSettings(getDb(), user, parsed.data);
  } catch (error) {
    if (!(error instanceof ActError)) throw error;
    return answer({ ...replyForError(error, INTENT), draft }, error.status);
  }
  return confirmed(
    request,
    { intent: INTENT, message: "Thresholds saved. Every readiness and drift judged from now on uses them." },
    "/settings#thresholds"
  );
}

export default function Settings() {
  const { settings, defaults, canEdit } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const mine = replyFor(reply, INTENT);
  const fields = FIELDS.map((field) => (
    <Field
      key={field.name}
      name={field.name}
      label={field.label}
      type="number"
      step={field.step ?? "1"}
      defaultValue={mine?.draft?.[field.name] ?? settings[field.name]}
      disabled={!canEdit}
      required
      hint={`${field.hint ? `${field.hint} ` : ""}Default ${defaults[field.name]}.`}
    />
  ));
  return (
    <>
      <p className="eyebrow">Program settings</p>
      <h1>Baseline thresholds</h1>
      <p className="lede">
        Every plant's baselines and design review are judged with these thresholds; changes apply to every readiness
        computed afterwards.
      </p>
      <section className="panel" id="thresholds" aria-label="Thresholds">
        <Confirmation intents={INTENT} />
        {canEdit ? (
          <ActForm intent="save-settings" id="settings" reply={reply} className="stacked settings-form">
            {fields}
            <button type="submit">Save thresholds</button>
          </ActForm>
        ) : (
          // Read only: the thresholds without a form to send.
          <div className="stacked settings-form">
            {fields}
            <p className="muted">Only a program lead changes these.</p>
          </div>
        )}
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Program settings · Segmentation Tracker" }];
