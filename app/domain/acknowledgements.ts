import { acknowledgementKey, type DesignFinding, type FindingSeverity } from "./design-review";
import type { ObjectRef } from "./readiness";

// A signer of a conduit acknowledges every design-review warning bearing on it, each with a reason, and the
// acknowledgements are kept with the signature. Errors cannot be acknowledged: they keep the conduit from being
// signed at all (signingRefusals). The warnings are judged as they stand when the signature is written, not as the
// page showed them: a warning the signer did not see is refused, and a reason given for a warning that has since gone
// is not recorded (it acknowledges nothing the signature binds).

export const ACK_REASON_MIN = 3;
export const ACK_REASON_MAX = 500;
/** Most reasons a signature's form may carry; more is not a form this page drew. */
export const ACK_MAX_GIVEN = 200;
/** The prefix of a reason's form field, before the warning's acknowledgement key. */
const ACK_FIELD_PREFIX = "ack:";

/** What a signer acknowledged: the warning as it was shown, and why they sign anyway. */
export interface Acknowledgement {
  key: string;
  code: string;
  severity: FindingSeverity;
  message: string;
  reason: string;
}

/** The reason field of a warning in a signature's form. */
export function acknowledgementField(finding: DesignFinding): string {
  return ACK_FIELD_PREFIX + acknowledgementKey(finding);
}

/**
 * The reasons a submitted form gives, by acknowledgement key (at most ACK_MAX_GIVEN, each as written; the decision
 * checks their length). Fields that are not reasons are left alone.
 */
export function reasonsOfForm(form: Readonly<Record<string, unknown>>): Map<string, string> {
  const given = new Map<string, string>();
  for (const [name, value] of Object.entries(form)) {
    if (!name.startsWith(ACK_FIELD_PREFIX) || typeof value !== "string") continue;
    if (given.size >= ACK_MAX_GIVEN) break;
    given.set(name.slice(ACK_FIELD_PREFIX.length), value);
  }
  return given;
}

/** The warnings among a conduit's findings, the ones a signer acknowledges. */
export function warningsOf(findings: readonly DesignFinding[]): DesignFinding[] {
  return findings.filter((f) => f.severity === "warning");
}

export interface AcknowledgementDecision {
  /** What the signature records: one per current warning, in the findings' order (complete only when no refusal). */
  acknowledgements: (Acknowledgement & { objects: ObjectRef[] })[];
  /** Each warning not acknowledged as it must be, under its reason's field. */
  fieldErrors: Record<string, string[]>;
}

/**
 * Whether the reasons given acknowledge every warning bearing on the conduit now. A warning with no reason field at
 * all was not on the page the signer read; one with a blank, short or long reason is refused under its field.
 * Reasons for warnings that no longer stand are ignored.
 */
export function decideAcknowledgements(
  findings: readonly DesignFinding[],
  given: ReadonlyMap<string, string>
): AcknowledgementDecision {
  const acknowledgements: AcknowledgementDecision["acknowledgements"] = [];
  const fieldErrors: Record<string, string[]> = {};
  for (const warning of warningsOf(findings)) {
    const key = acknowledgementKey(warning);
    const field = acknowledgementField(warning);
    const written = given.get(key);
    const reason = written?.trim().replace(/\s+/g, " ") ?? "";
    if (written === undefined) {
      fieldErrors[field] = [
        `The design changed since you opened this page: ${warning.code} now bears on this conduit. Read it and say why you sign anyway.`,
      ];
    } else if (reason.length < ACK_REASON_MIN) {
      fieldErrors[field] = [`Say why you sign despite ${warning.code} (at least ${ACK_REASON_MIN} characters).`];
    } else if (reason.length > ACK_REASON_MAX) {
      fieldErrors[field] = [`Keep the reason under ${ACK_REASON_MAX} characters.`];
    } else {
      acknowledgements.push({
        key,
        code: warning.code,
        severity: warning.severity,
        message: warning.message,
        objects: warning.objects,
        reason,
      });
    }
  }
  return { acknowledgements, fieldErrors };
}
