import type { Migration } from "kysely";
import * as program from "./2026-11-25T0000_program";
import * as access from "./2026-11-25T0100_access";
import * as readiness from "./2026-11-25T0200_readiness";
import * as feeds from "./2026-11-25T0300_feeds";
import * as evidence from "./2026-11-25T0400_evidence";
import * as triage from "./2026-11-26T0000_triage";
import * as performance from "./2026-11-26T0100_performance";
import * as canonicalAddresses from "./2026-12-05T0010_canonical_addresses";
import * as revisions from "./2026-12-05T0020_revisions";
import * as signInPruning from "./2026-12-05T0030_sign_in_pruning";
import * as ingestAggregates from "./2026-12-05T0100_ingest_aggregates";
import * as designRules from "./2026-12-06T0000_design_rules";
import * as signoffAcknowledgements from "./2026-12-06T0100_signoff_acknowledgements";
import * as notifications from "./2026-12-06T0200_notifications";
import * as floor from "./2026-12-07T0000_floor";

// Every migration, by its sortable name. A new migration is a new file added here; old ones never change.
export const migrations: Record<string, Migration> = {
  "2026-11-25T0000_program": program,
  "2026-11-25T0100_access": access,
  "2026-11-25T0200_readiness": readiness,
  "2026-11-25T0300_feeds": feeds,
  "2026-11-25T0400_evidence": evidence,
  "2026-11-26T0000_triage": triage,
  "2026-11-26T0100_performance": performance,
  "2026-12-05T0010_canonical_addresses": canonicalAddresses,
  "2026-12-05T0020_revisions": revisions,
  "2026-12-05T0030_sign_in_pruning": signInPruning,
  "2026-12-05T0100_ingest_aggregates": ingestAggregates,
  "2026-12-06T0000_design_rules": designRules,
  "2026-12-06T0100_signoff_acknowledgements": signoffAcknowledgements,
  "2026-12-06T0200_notifications": notifications,
  "2026-12-07T0000_floor": floor,
};
