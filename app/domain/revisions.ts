import { formatFlow, sortFlows, type AllowedFlow } from "./conduits";
import {
  CONTROL_TYPE_LABELS,
  labelFor,
  ROLE_LABELS,
  WINDOW_KIND_LABELS,
  WINDOW_STATUS_LABELS,
  type ControlType,
} from "./vocabulary";

// Versioned objects (a plant's ownership split, a conduit, an outage window, an account): every edit saves a new
// revision, and an act based on an older revision than the current one is refused, with the object as it now stands
// and what changed since, rather than overwriting what someone else saved or binding a person to text they never
// read. These are the objects' fields as people read them, so that what changed can be said field by field.

/** One field of an object as people read it ("" when empty). */
export interface FieldValue {
  field: string;
  label: string;
  value: string;
}

export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

/** The fields whose value differs between two readings of the same object, in the order of `after`. */
export function changesBetween(before: readonly FieldValue[], after: readonly FieldValue[]): FieldChange[] {
  const earlier = new Map(before.map((f) => [f.field, f.value]));
  return after
    .filter((f) => (earlier.get(f.field) ?? "") !== f.value)
    .map((f) => ({ field: f.field, label: f.label, before: earlier.get(f.field) ?? "", after: f.value }));
}

export interface ConduitFieldsInput {
  name: string;
  zoneAId: number;
  zoneBId: number;
  purpose: string | null;
  controlType: ControlType | null;
  monitored: boolean;
  monitoringPoint: string | null;
  /** Why a gap of two or more target security levels between the zones is acceptable. */
  compensatingNote: string | null;
  flows: readonly AllowedFlow[];
}

/** A conduit's definition, the part its revision counts (owners are not part of it). */
export function conduitFields(conduit: ConduitFieldsInput, zoneName: (id: number) => string): FieldValue[] {
  return [
    { field: "name", label: "Name", value: conduit.name },
    { field: "zoneAId", label: "Endpoint zone A", value: zoneName(conduit.zoneAId) },
    { field: "zoneBId", label: "Endpoint zone B", value: zoneName(conduit.zoneBId) },
    { field: "purpose", label: "Purpose", value: conduit.purpose ?? "" },
    {
      field: "controlType",
      label: "Control",
      value: conduit.controlType ? labelFor(CONTROL_TYPE_LABELS, conduit.controlType) : "",
    },
    { field: "monitored", label: "Monitored", value: conduit.monitored ? "yes" : "no" },
    { field: "monitoringPoint", label: "Monitoring point", value: conduit.monitoringPoint ?? "" },
    { field: "flows", label: "Allowed flows", value: sortFlows(conduit.flows).map(formatFlow).join("\n") },
    // Revisions recorded before the note existed read as without one.
    { field: "compensatingNote", label: "Compensating note", value: conduit.compensatingNote ?? "" },
  ];
}

export function conduitOwnerFields(owners: { designOwner: string | null; monitoringOwner: string | null }) {
  return [
    { field: "designOwnerId", label: "Design & change-control owner", value: owners.designOwner ?? "" },
    { field: "monitoringOwnerId", label: "Monitoring & incident-response owner", value: owners.monitoringOwner ?? "" },
  ];
}

export function ownershipSplitFields(text: string | null): FieldValue[] {
  return [{ field: "text", label: "Ownership split", value: text ?? "" }];
}

export function outageWindowFields(window: {
  title: string;
  kind: string;
  status: string;
  /** The window's times on the plant's clock, as one text. */
  local: string;
  notes: string | null;
}): FieldValue[] {
  return [
    { field: "title", label: "Title", value: window.title },
    { field: "kind", label: "Kind", value: labelFor(WINDOW_KIND_LABELS, window.kind) },
    { field: "status", label: "Status", value: labelFor(WINDOW_STATUS_LABELS, window.status) },
    { field: "times", label: "Times", value: window.local },
    { field: "notes", label: "Notes", value: window.notes ?? "" },
  ];
}

export function accountFields(account: { name: string; role: string; plants: readonly string[] }): FieldValue[] {
  return [
    { field: "name", label: "Name", value: account.name },
    { field: "role", label: "Role", value: labelFor(ROLE_LABELS, account.role) },
    { field: "plants", label: "Plants", value: account.plants.join(", ") },
  ];
}

/** What the person was doing when someone else saved: it decides what the refusal tells them to do next. */
export type ConflictAct = "edit" | "sign" | "wire" | "accept" | "status";

const NEXT_STEP: Record<ConflictAct, (revision: number) => string> = {
  edit: () => "Your text is kept below: review it and save again.",
  sign: (revision) => `Nothing was signed: read revision ${revision} and sign it if you agree.`,
  wire: (revision) => `Alerts were not wired: review revision ${revision} and wire them again.`,
  accept: (revision) => `Nothing was accepted: review revision ${revision} and accept it again.`,
  status: () => "Nothing was changed: review it and choose again.",
};

function utcText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The refusal in plain words: who saved what and when, what changed, and what to do now. `object` names the object
 * as the sentence's subject ("this conduit"); `yours` when the person saved it themselves, in another tab.
 */
export function conflictMessage(input: {
  object: string;
  act: ConflictAct;
  basedOn: number;
  revision: number;
  savedBy: string | null;
  savedAt: string | null;
  changes: readonly FieldChange[] | null;
  yours: boolean;
}): string {
  const facts = [
    input.revision !== input.basedOn ? `revision ${input.revision}` : null,
    input.savedBy && !input.yours ? `by ${input.savedBy}` : null,
    input.savedAt ? `at ${utcText(input.savedAt)}` : null,
  ].filter((fact): fact is string => fact !== null);
  const who = input.yours ? `You saved ${input.object} again elsewhere` : `Someone else saved ${input.object}`;
  const when = input.act === "edit" || input.act === "status" ? "while you were editing" : "since you opened it";
  const changed =
    input.changes === null
      ? `What changed since revision ${input.basedOn} is no longer in the audit trail; here is how it stands now.`
      : input.changes.length === 0
      ? ""
      : `Here is what changed: ${input.changes.map((c) => c.label.toLowerCase()).join(", ")}.`;
  return [
    `${who}${facts.length > 0 ? ` (${facts.join(", ")})` : ""} ${when}.`,
    changed,
    NEXT_STEP[input.act](input.revision),
  ]
    .filter(Boolean)
    .join(" ");
}
