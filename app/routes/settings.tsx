import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "~/utils/zod";
import { DEFAULT_BASELINE_SETTINGS, type BaselineSettings } from "~/domain/baseline";
import { can } from "~/domain/permissions";
import { loadSettings } from "~/models/readiness.server";
import { updateSettings } from "~/models/settings.server";
import { attempt, invalid, type ActFailure } from "~/utils/act.server";
import { requirePermission, requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number(`${label} must be a number.`)
    .int(`${label} is a whole number.`)
    .min(min, `${label} is at least ${min}.`)
    .max(max, `${label} is at most ${max}.`);

const SettingsSchema = z.object({
  matureDays: whole("Mature days", 1, 365),
  stallDays: whole("Stall days", 2, 730),
  convergenceDays: whole("Convergence days", 1, 90),
  coverageThreshold: z.coerce
    .number("Coverage must be a number.")
    .min(0.5, "Coverage is at least 0.5.")
    .max(1, "Coverage is at most 1."),
  gapDays: whole("Gap days", 1, 30),
  ephemeralPortMin: whole("The ephemeral range's start", 1024, 65535),
  ephemeralPortMax: whole("The ephemeral range's end", 1024, 65535),
});

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
