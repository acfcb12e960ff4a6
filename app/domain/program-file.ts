import { z } from "../utils/zod";
import { EmailSchema, PersonNameSchema } from "./accounts";
import { DEFAULT_BASELINE_SETTINGS, type BaselineSettings } from "./baseline";
import { canonicalAddress, readCidr } from "./cidr";
import { ConduitNameSchema, RuleNameSchema } from "./conduits";
import { observationFields, observationRules } from "./observations";
import { NotesSchema, TitleSchema } from "./outage-windows";
import { CHECKLIST_CODES, isWaivable } from "./readiness";
import { SETTING_KEYS, settingFields, settingsProblem } from "./settings";
import { SIGNOFF_PARTS } from "./signoffs";
import { isValidTimeZone } from "./time";
import {
  ASSET_KINDS,
  ASSET_STATUSES,
  CHANGE_KINDS,
  CHANGE_OUTCOMES,
  CHANGE_STATUSES,
  CONTROL_TYPES,
  CRITICALITIES,
  DISCOVERY_SOURCES,
  FLOW_DIRECTIONS,
  FLOW_PROTOCOLS,
  PHASES,
  PURDUE_LEVELS,
  ROLES,
  STOP_CAUSES,
  WINDOW_KINDS,
  WINDOW_STATUSES,
  ZONE_KINDS,
} from "./vocabulary";

// The program file: the whole segmentation program as one JSON document that imports into any database. Here are
// its schema, its types, its canonical order and its text; reading a file (JSON text to a checked program, with
// every error) is in ./program-file-reading.
// Objects refer to each other by natural keys (plant codes, zone, conduit and asset names, emails), never by
// database ids, and every list has one canonical order, so export → import → export gives the same bytes.
// docs/program-format.md describes the format field by field.

export const PROGRAM_FORMAT = "segmentation-program";
export const PROGRAM_VERSION = 1;

// Vocabularies the database constrains that have no list in ./vocabulary yet.
const RULE_CLASSES = ["unusual", "wrong"] as const;
export const SIGNOFF_SUBJECT_TYPES = ["ownership_split", "conduit", "baseline_acceptance", "gate_pass"] as const;

/**
 * In place of a content hash: the signoff signed the subject's content as the file states it, and the importing
 * database computes the hash. Conduit and baseline-acceptance hashes include database ids, so a stored hash
 * copied verbatim into another database would leave every such signoff stale.
 */
export const DERIVED_HASH = "derived";

// ---------------------------------------------------------------------------------------------------------------
// Values

/** A value as an error message quotes it: JSON, cut short. */
export function show(value: unknown): string {
  const json = value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

/** Values as a list in an error message: `"a", "b"`. */
export function listWords(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The one form instants are stored in (Date#toISOString), so that text order is time order. */
export function isInstant(value: string): boolean {
  if (!INSTANT.test(value)) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

function isCalendarDate(value: string): boolean {
  return z.iso.date().safeParse(value).success;
}

const MAC = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const name = z
  .string()
  .max(500)
  .refine((v) => v.trim() !== "", { error: "must not be empty" });
const prose = z.string().max(20_000);
const instant = z.string().refine(isInstant, {
  error: (issue) => `${show(issue.input)} is not a UTC instant written like 2026-11-25T15:00:00.000Z`,
});
const calendarDate = z.string().refine(isCalendarDate, {
  error: (issue) => `${show(issue.input)} is not a calendar date written like 2026-11-25`,
});
/** The admin page's rule, so every account the app holds fits in the file and the file holds no other. */
const email = EmailSchema;
const timeZone = z.string().refine(isValidTimeZone, {
  error: (issue) => `${show(issue.input)} is not an IANA time zone (like America/Phoenix)`,
});
/** Read by the app's one address parser and stored in its canonical text, so a file's spelling never splits a host. */
const ipAddress = z.string().transform((value, ctx) => {
  const canonical = canonicalAddress(value);
  if (canonical === null) ctx.addIssue({ code: "custom", message: `${show(value)} is not an IPv4 or IPv6 address` });
  return canonical ?? value;
});
const cidrBlock = z.string().transform((value, ctx) => {
  const reading = readCidr(value);
  if (!reading.ok) ctx.addIssue({ code: "custom", message: reading.reason });
  return reading.ok ? reading.text : value;
});

/** A nullable field may be left out; it reads as null. */
function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/** A list may be left out; it reads as empty. */
function listOf<T extends z.ZodType>(schema: T) {
  return z.array(schema).default([]);
}

// ---------------------------------------------------------------------------------------------------------------
// The schema

const zoneSchema = z.strictObject({
  name,
  kind: z.enum(ZONE_KINDS),
  purdueLevel: orNull(
    z.number().refine((v) => (PURDUE_LEVELS as readonly number[]).includes(v), {
      error: (issue) => `${show(issue.input)} is not a Purdue level (${PURDUE_LEVELS.join(", ")})`,
    })
  ),
  slTarget: orNull(z.number().int().min(1).max(4)),
  /** Holds safety instrumented systems; false when left out. */
  safety: z.boolean().default(false),
  description: orNull(prose),
  createdAt: instant,
  ranges: listOf(cidrBlock),
});

const flowSchema = z
  .strictObject({
    protocol: z.enum(FLOW_PROTOCOLS),
    /** The port, or the first of a range; null for ICMP and for any port. */
    port: orNull(z.number().int().min(0).max(65535)),
    /** The last port of a range; null (or left out) for a single port. */
    portEnd: orNull(z.number().int().min(1).max(65535)),
    direction: z.enum(FLOW_DIRECTIONS),
    description: orNull(prose),
  })
  .superRefine((flow, ctx) => {
    if (flow.protocol === "any" && flow.port !== null)
      ctx.addIssue({ code: "custom", path: ["port"], message: "a flow of any protocol has no port (null)" });
    if (flow.portEnd !== null && (flow.port === null || flow.portEnd <= flow.port))
      ctx.addIssue({
        code: "custom",
        path: ["portEnd"],
        message: `${flow.portEnd} does not end a range: it must follow a port above it`,
      });
  });

/** Findings of the design review, as an export writes them: computed, so an import reads past them. */
const computedFindings = z.unknown().optional();

/** The observations API's schema, with when the pipeline reported the day. */
const observationSchema = z.strictObject({ ...observationFields, recordedAt: instant }).superRefine(observationRules);

const alertWiringSchema = z.strictObject({
  conduitRevision: z.number().int().min(1),
  by: email,
  at: instant,
  siemReference: orNull(prose),
});

const detectionRuleSchema = z.strictObject({
  name: name.pipe(RuleNameSchema),
  class: z.enum(RULE_CLASSES),
  description: orNull(prose),
  reviewedBy: orNull(email),
  reviewedAt: orNull(instant),
  createdBy: email,
  createdAt: instant,
});

const conduitSchema = z.strictObject({
  name: name.pipe(ConduitNameSchema),
  /** Endpoint zones, by name within the plant. */
  zoneA: name,
  zoneB: name,
  purpose: orNull(prose),
  controlType: orNull(z.enum(CONTROL_TYPES)),
  monitored: z.boolean(),
  monitoringPoint: orNull(prose),
  revision: z.number().int().min(1),
  designOwner: orNull(email),
  monitoringOwner: orNull(email),
  createdAt: instant,
  updatedAt: instant,
  flows: listOf(flowSchema),
  /** Why a gap of two or more target security levels between its zones is acceptable. */
  compensatingNote: orNull(z.string().max(1000, "Keep the compensating note under 1000 characters.")),
  findings: computedFindings,
  observations: listOf(observationSchema),
  alertWirings: listOf(alertWiringSchema),
  detectionRules: listOf(detectionRuleSchema),
});

const assetSchema = z.strictObject({
  name,
  kind: orNull(z.enum(ASSET_KINDS)),
  vendor: orNull(name),
  model: orNull(name),
  firmware: orNull(name),
  installYear: orNull(z.number().int().min(1900).max(2200)),
  ip: orNull(ipAddress),
  mac: orNull(
    z.string().regex(MAC, { error: (issue) => `${show(issue.input)} is not a MAC address like 00:1D:9C:0A:12:34` })
  ),
  criticality: orNull(z.enum(CRITICALITIES)),
  discoverySource: z.enum(DISCOVERY_SOURCES),
  status: z.enum(ASSET_STATUSES),
  /** By name within the plant; null while the asset is not placed. */
  zone: orNull(name),
  /** A staged host's triage short of confirmation: known-transient, or escalated to corporate security. */
  triage: orNull(
    z.strictObject({
      state: z.enum(["transient", "escalated"]),
      note: orNull(prose),
      by: orNull(email),
      at: instant,
    })
  ).optional(),
  discoveredAt: instant,
  createdAt: instant,
  updatedAt: instant,
});

const outageWindowSchema = z
  .strictObject({
    /** Unique within the plant; network changes name their window by it. */
    key: name,
    title: name.pipe(TitleSchema),
    kind: z.enum(WINDOW_KINDS),
    status: z.enum(WINDOW_STATUSES),
    startsAt: instant,
    endsAt: instant,
    timeZone,
    notes: orNull(NotesSchema),
    createdBy: orNull(email),
    createdAt: instant,
    updatedAt: instant,
  })
  .superRefine((window, ctx) => {
    if (window.endsAt <= window.startsAt) {
      ctx.addIssue({
        code: "custom",
        path: ["endsAt"],
        message: `${show(window.endsAt)} is not after startsAt ${show(window.startsAt)}`,
      });
    }
  });

/** How one attempt at a change came out (app/domain/change-outcomes.ts), in the order recorded. */
const changeOutcomeSchema = z.strictObject({
  outcome: z.enum(CHANGE_OUTCOMES),
  actualStart: orNull(instant),
  actualEnd: orNull(instant),
  note: orNull(z.string().max(2000)),
  by: email,
  at: instant,
});

const networkChangeSchema = z.strictObject({
  kind: z.enum(CHANGE_KINDS),
  title: name.pipe(TitleSchema),
  conduit: orNull(name),
  conduitRevision: orNull(z.number().int().min(1)),
  /** By name within the plant; the name must be unique there. */
  asset: orNull(name),
  /** The key of one of the plant's outage windows. */
  window: orNull(name),
  plannedStart: orNull(instant),
  plannedMinutes: orNull(z.number().int().min(1)),
  status: z.enum(CHANGE_STATUSES),
  doneAt: orNull(instant),
  createdBy: orNull(email),
  createdAt: instant,
  updatedAt: instant,
  /** Written only when the change has outcomes. */
  outcomes: z.array(changeOutcomeSchema).max(1000).optional(),
});

/** One owner's signature of a stop's post-incident review, at one revision of the review. */
const stopSignatureSchema = z.strictObject({
  part: z.enum(SIGNOFF_PARTS),
  signer: email,
  reviewRevision: z.number().int().min(0),
  signedAt: instant,
});

/** An unscheduled production stop and its post-incident review (app/domain/production-stops.ts). */
const productionStopSchema = z.strictObject({
  /** By name within the plant. */
  zone: orNull(name),
  line: orNull(z.string().max(100)),
  startedAt: instant,
  minutesLost: z.number().int().min(0).max(100_000),
  /** The change it is put down to: its position (from 0) in the plant's networkChanges. */
  change: orNull(z.number().int().min(0)),
  ticket: orNull(z.string().max(100)),
  description: z.string().max(2000),
  cause: z.enum(STOP_CAUSES),
  review: orNull(z.string().max(10_000)),
  reviewRevision: z.number().int().min(0),
  recordedBy: email,
  createdAt: instant,
  updatedAt: instant,
  signatures: z.array(stopSignatureSchema).max(1000).default([]),
});

const checklistTickSchema = z.strictObject({
  code: z.enum(CHECKLIST_CODES),
  ticked: z.boolean(),
  note: prose,
  details: orNull(z.json()),
  by: email,
  at: instant,
});

const waiverSchema = z.strictObject({
  code: z.string().refine(isWaivable, {
    error: (issue) => `${show(issue.input)} cannot be waived: only ${CHECKLIST_CODES.join(", ")} can`,
  }),
  justification: prose.refine((v) => v.trim() !== "", { error: "must not be empty" }),
  by: email,
  at: instant,
  revokedAt: orNull(instant),
  revokedBy: orNull(email),
});

const gatePassSchema = z.strictObject({
  phase: z.enum(PHASES),
  passedAt: instant,
  passedBy: email,
  /** The criteria as they stood when the gate passed, as the app recorded them. */
  criteria: z.array(z.json()),
  note: orNull(prose),
});

const signoffSubjectSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ownership_split") }),
  z.strictObject({ type: z.literal("conduit"), conduit: name }),
  z.strictObject({
    type: z.literal("baseline_acceptance"),
    conduit: name,
    /** The baseline epoch accepted; needed only to derive the content hash. */
    epochStart: orNull(calendarDate),
  }),
  z.strictObject({ type: z.literal("gate_pass"), phase: z.enum(PHASES) }),
]);

/** A design-review warning a conduit's signer acknowledged, as they were shown it, and why. */
const acknowledgementSchema = z.strictObject({
  key: name,
  code: z.string().min(1).max(80),
  severity: z.enum(["error", "warning"]),
  message: prose,
  reason: prose,
});

const signoffSchema = z
  .strictObject({
    subject: signoffSubjectSchema,
    part: z.enum(SIGNOFF_PARTS),
    signer: email,
    role: z.enum(ROLES),
    revision: z.number().int().min(0),
    contentHash: z.string().refine((v) => v === DERIVED_HASH || SHA256_HEX.test(v), {
      error: (issue) => `${show(issue.input)} is neither a sha256 in hex nor "${DERIVED_HASH}"`,
    }),
    signedAt: instant,
    note: orNull(prose),
    revokedAt: orNull(instant),
    revokedReason: orNull(prose),
    /** Written only when the signature acknowledged something. */
    acknowledgements: z.array(acknowledgementSchema).max(200).optional(),
  })
  .superRefine((signoff, ctx) => {
    if (signoff.contentHash !== DERIVED_HASH) return;
    if (signoff.subject.type !== "conduit" && signoff.subject.type !== "baseline_acceptance") {
      ctx.addIssue({
        code: "custom",
        path: ["contentHash"],
        message: `"${DERIVED_HASH}" applies to conduit and baseline-acceptance signoffs only; give the stored hash`,
      });
    } else if (signoff.subject.type === "baseline_acceptance" && signoff.subject.epochStart === null) {
      ctx.addIssue({
        code: "custom",
        path: ["subject", "epochStart"],
        message: `a baseline acceptance with a "${DERIVED_HASH}" hash needs the epoch start it accepted`,
      });
    }
  });

const plantSchema = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, {
    error: (issue) => `${show(issue.input)} is not a plant code (letters, digits, - and _, up to 32)`,
  }),
  name,
  site: name,
  region: name,
  timeZone,
  createdAt: instant,
  /** Target date of each phase's exit. */
  targets: z.strictObject({
    inventory: orNull(calendarDate),
    zoning: orNull(calendarDate),
    conduits: orNull(calendarDate),
    baseline: orNull(calendarDate),
    alerting: orNull(calendarDate),
  }),
  ownershipSplit: z.strictObject({ text: orNull(prose), revision: z.number().int().min(0) }),
  zones: listOf(zoneSchema),
  conduits: listOf(conduitSchema),
  assets: listOf(assetSchema),
  outageWindows: listOf(outageWindowSchema),
  networkChanges: listOf(networkChangeSchema),
  checklistTicks: listOf(checklistTickSchema),
  waivers: listOf(waiverSchema),
  gatePasses: listOf(gatePassSchema),
  signoffs: listOf(signoffSchema),
  /** Written only when the plant has recorded stops. */
  productionStops: z.array(productionStopSchema).max(100_000).optional(),
  /** The design review's findings on zones and addresses; each conduit carries its own. */
  designFindings: computedFindings,
});

const personSchema = z.strictObject({
  email,
  name: PersonNameSchema,
  role: z.enum(ROLES),
  title: orNull(name),
  active: z.boolean(),
  createdAt: instant,
  /** Codes of the plants the person is assigned to. */
  plants: listOf(z.string()),
});

const SETTING_FIELDS = new Map(
  (Object.entries(SETTING_KEYS) as [keyof BaselineSettings, string][]).map(([field, key]) => [key, field])
);

/**
 * Program settings by their stored key, each value read by the settings page's own rules, and the whole set (over
 * the defaults, for settings the file leaves out) by the rules between them: a file the page would refuse is
 * refused, rather than imported for readiness to fall back on defaults.
 */
const settingsSchema = z
  .record(z.string(), z.strictObject({ value: z.string(), updatedAt: instant }))
  .default({})
  .superRefine((settings, ctx) => {
    const values: BaselineSettings = { ...DEFAULT_BASELINE_SETTINGS };
    let readable = true;
    for (const [key, setting] of Object.entries(settings)) {
      const field = SETTING_FIELDS.get(key);
      if (field === undefined) {
        readable = false;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is not a setting this program knows (${listWords([...SETTING_FIELDS.keys()])})`,
        });
        continue;
      }
      const parsed = settingFields[field].safeParse(setting.value);
      if (parsed.success) values[field] = parsed.data;
      else {
        readable = false;
        ctx.addIssue({
          code: "custom",
          path: [key, "value"],
          message: `${show(setting.value)}: ${parsed.error.issues[0]!.message}`,
        });
      }
    }
    const problem = readable ? settingsProblem(values) : null;
    if (problem) {
      const key = SETTING_KEYS[problem.field];
      ctx.addIssue({
        code: "custom",
        path: Object.hasOwn(settings, key) ? [key, "value"] : [],
        message: problem.message,
      });
    }
  });

export const programFileSchema = z.strictObject({
  format: z.literal(PROGRAM_FORMAT),
  version: z.literal(PROGRAM_VERSION),
  exportedAt: instant,
  settings: settingsSchema,
  people: listOf(personSchema),
  plants: listOf(plantSchema),
});

export type ProgramFile = z.output<typeof programFileSchema>;
export type ProgramPlant = ProgramFile["plants"][number];
export type ProgramPerson = ProgramFile["people"][number];
export type ProgramZone = ProgramPlant["zones"][number];
export type ProgramConduit = ProgramPlant["conduits"][number];
export type ProgramAsset = ProgramPlant["assets"][number];
export type ProgramOutageWindow = ProgramPlant["outageWindows"][number];
export type ProgramNetworkChange = ProgramPlant["networkChanges"][number];
export type ProgramChecklistTick = ProgramPlant["checklistTicks"][number];
export type ProgramGatePass = ProgramPlant["gatePasses"][number];
export type ProgramSignoff = ProgramPlant["signoffs"][number];
export type ProgramSignoffSubject = ProgramSignoff["subject"];
