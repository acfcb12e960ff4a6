import { data } from "@remix-run/node";
import { instantFromLocalFields, type OffsetCandidate } from "~/domain/local-time";
import type { ActFailure } from "~/utils/act.server";
import { ActError, LocalTimeError, RefusedAct, RevisionConflictError } from "~/utils/errors";

// What the outage-window pages share: a refusal that keeps what was typed (so a form re-rendered without
// JavaScript still holds it), every reason the scheduling rules give, and the offsets to choose from when a
// plant-local time happens twice.

export interface WindowFailure extends ActFailure {
  /** Every reason the server gave (a refused act can have several). */
  reasons: string[];
  /** For a fall-back time that happens twice: the field prefix ("start") and its two candidates. */
  offsets: Record<string, OffsetCandidate[]>;
  /** What the form sent, to fill it again. */
  values: Record<string, string>;
  /** The window or change the form was about, so the answer shows next to the right one. */
  target: string | null;
}

export function windowRefusal(
  intent: string,
  status: number,
  error: string,
  extra: Partial<Omit<WindowFailure, "intent" | "error">> = {}
) {
  return data<WindowFailure>(
    {
      intent,
      error,
      fieldErrors: extra.fieldErrors ?? {},
      reasons: extra.reasons ?? [],
      offsets: extra.offsets ?? {},
      values: extra.values ?? {},
      target: extra.target ?? null,
      ...(extra.conflict ? { conflict: extra.conflict } : {}),
    },
    { status }
  );
}

export function formValues(form: Record<string, FormDataEntryValue>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value === "string" && key !== "intent") values[key] = value.slice(0, 2000);
  }
  return values;
}

export function localField(form: Record<string, FormDataEntryValue>, prefix: string) {
  const text = (key: string) => {
    const value = form[`${prefix}.${key}`];
    return typeof value === "string" ? value.trim() : "";
  };
  return { date: text("date"), time: text("time"), offset: text("offset") || null };
}

/**
 * Reads plant-local fields (`${prefix}.date`, `.time`, `.offset`) for each prefix: the instants, or the refusal
 * naming every field at fault (a gap with the server's message, an ambiguity with both offsets).
 */
export function readLocalInstants(
  form: Record<string, FormDataEntryValue>,
  prefixes: string[],
  zone: string
):
  | { ok: true; instants: Record<string, string> }
  | { ok: false; failure: Omit<WindowFailure, "intent" | "values" | "target"> } {
  const instants: Record<string, string> = {};
  const fieldErrors: WindowFailure["fieldErrors"] = {};
  const offsets: WindowFailure["offsets"] = {};
  const reasons: string[] = [];
  for (const prefix of prefixes) {
    const result = instantFromLocalFields(localField(form, prefix), zone, prefix);
    if (result.ok) {
      instants[prefix] = result.instant;
      continue;
    }
    (fieldErrors[result.field] ??= []).push(result.message);
    reasons.push(result.message);
    if (result.offsets) offsets[prefix] = result.offsets;
  }
  if (reasons.length === 0) return { ok: true, instants };
  const ambiguous = Object.keys(offsets).length > 0;
  return {
    ok: false,
    failure: {
      error: ambiguous
        ? "A time you gave happens twice on the plant's clock (the clocks go back): choose which one you mean."
        : "A time you gave cannot be read on the plant's clock.",
      fieldErrors,
      reasons,
      offsets,
    },
  };
}

/** Runs an act; a refusal becomes the page's answer with its status and every reason, anything else stays an error. */
export async function tryWindowAct(
  intent: string,
  values: Record<string, string>,
  target: string | null,
  act: () => Promise<unknown>
) {
  try {
    await act();
    return null;
  } catch (error) {
    if (error instanceof RefusedAct) {
      const fieldErrors: WindowFailure["fieldErrors"] = {};
      for (const reason of error.reasons) (fieldErrors[reason.field] ??= []).push(reason.message);
      return windowRefusal(
        intent,
        error.status,
        error.reasons.length > 1 ? `Refused, for ${error.reasons.length} reasons:` : "Refused:",
        { fieldErrors, reasons: error.reasons.map((r) => r.message), values, target }
      );
    }
    if (error instanceof RevisionConflictError) {
      return windowRefusal(intent, 409, error.message, {
        reasons: [error.message],
        conflict: error.conflict,
        values,
        target,
      });
    }
    if (error instanceof LocalTimeError) {
      const prefix = (error.field ?? "").split(".")[0] ?? "";
      return windowRefusal(intent, error.status, error.message, {
        fieldErrors: error.field ? { [error.field]: [error.message] } : {},
        reasons: [error.message],
        offsets: error.offsets ? { [prefix]: error.offsets } : {},
        values,
        target,
      });
    }
    if (error instanceof ActError) {
      return windowRefusal(intent, error.status, error.message, {
        fieldErrors: error.field ? { [error.field]: [error.message] } : {},
        reasons: [error.message],
        values,
        target,
      });
    }
    throw error;
  }
}
