import { z } from "../utils/zod";
import type { BaselineSettings } from "./baseline";

// The program's baseline thresholds: the rules every door that writes them applies, the settings page and the
// program file alike. Values arrive as text (a form field, the program file's stored text) and read as numbers.

export { SETTING_KEYS } from "./baseline";

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number(`${label} must be a number.`)
    .int(`${label} is a whole number.`)
    .min(min, `${label} is at least ${min}.`)
    .max(max, `${label} is at most ${max}.`);

/** Each threshold's own range. */
export const settingFields = {
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
  maxPortRange: whole("The widest port range", 2, 65535),
  wrongFlowDays: whole("Days a wrong flow may stay unacknowledged", 1, 365),
  recertificationMonths: whole("Months before a signoff is signed again", 1, 60),
  ruleReviewDays: whole("Days between reviews of a detection rule", 7, 730),
} satisfies Record<keyof BaselineSettings, z.ZodType<number, unknown>>;

export const SettingsSchema = z.object(settingFields);

/** Why a set of thresholds cannot work together, or null. */
export function settingsProblem(settings: BaselineSettings): { field: keyof BaselineSettings; message: string } | null {
  if (settings.stallDays <= settings.matureDays) {
    return {
      field: "stallDays",
      message: "A baseline stalls only after it had the chance to mature: stall days must exceed mature days.",
    };
  }
  if (settings.convergenceDays > settings.matureDays) {
    return {
      field: "convergenceDays",
      message: "Convergence days cannot exceed the counted days needed for maturity.",
    };
  }
  if (settings.ephemeralPortMin > settings.ephemeralPortMax) {
    return { field: "ephemeralPortMin", message: "The ephemeral range must start at or below its end." };
  }
  return null;
}
