import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { DEFAULT_BASELINE_SETTINGS, type BaselineSettings } from "~/domain/baseline";
import { can } from "~/domain/permissions";
import { SettingsSchema } from "~/domain/settings";
import { loadSettings } from "~/models/readiness.server";
import { updateSettings } from "~/models/settings.server";
import { attempt, invalid, type ActFailure } from "~/utils/act.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

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

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "edit:settings");
  const parsed = SettingsSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid("settings", parsed.error);
  const failure = await attempt("settings", () => updateSettings(getDb(), user, parsed.data));
  if (failure) return failure;
  throw redirect("/settings");
}

export default function Settings() {
  const { settings, defaults, canEdit } = useLoaderData<typeof loader>();
  const failure = useActionData<ActFailure>();
  return (
    <>
      <p className="eyebrow">Program settings</p>
      <h1>Baseline thresholds</h1>
      <p className="lede">
        Every plant's baselines are judged with these thresholds; changes apply to every readiness computed afterwards.
      </p>
      {failure ? (
        <p className="form-error" role="alert">
          {failure.error}
        </p>
      ) : null}
      <section className="panel">
        <Form method="post" className="stacked settings-form">
          {FIELDS.map((field) => {
            const errors = failure?.fieldErrors[field.name];
            return (
              <div key={field.name}>
                <label>
                  {field.label}
                  <input
                    type="number"
                    name={field.name}
                    step={field.step ?? "1"}
                    defaultValue={settings[field.name]}
                    disabled={!canEdit}
                    required
                    aria-invalid={errors ? true : undefined}
                    aria-describedby={`${field.name}-hint`}
                  />
                </label>
                <p className="muted" id={`${field.name}-hint`}>
                  {field.hint} Default {defaults[field.name]}.
                </p>
                {errors ? <p className="field-error">{errors[0]}</p> : null}
              </div>
            );
          })}
          {canEdit ? (
            <button type="submit">Save thresholds</button>
          ) : (
            <p className="muted">Only a program lead changes these.</p>
          )}
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Program settings · Segmentation Tracker" }];
