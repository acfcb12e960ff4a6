import type { Principal } from "~/domain/permissions";

/** Who an audit event is attributed to. */
export interface AuditActor {
  personId: number | null;
  tokenId: number | null;
  /** As shown in the trail: "Dana Reyes (program lead)", or "API token “sensor-DAY”". */
  label: string;
}

/** Someone acting in the app: a signed-in person, or a machine holding an API token. */
export interface Actor extends Principal, AuditActor {
  kind: "person" | "token";
  name: string;
  email: string | null;
}

/** Work the program does on its own (migrations, the demo seed): attributed, but to no person. */
export function systemActor(what: string): AuditActor {
  return { personId: null, tokenId: null, label: `system (${what})` };
}
