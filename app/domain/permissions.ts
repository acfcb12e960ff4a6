import type { Role } from "./vocabulary";

// Who may do what. Permissions are `action:entity` strings; each role grants some of them either on every
// plant or only on the plants the person (or token) is assigned to. Anything not granted is denied.

export const PERMISSIONS = [
  "read:program", // the overview and every plant's summary
  "read:plant", // a plant in full: inventory, conduit details, signoffs
  "edit:plant", // the plant's ownership split text
  "edit:conduit", // a conduit's definition and its owners
  "sign:design", // sign as design & change-control owner (plant engineering)
  "sign:monitoring", // sign as monitoring & incident-response owner (corporate security)
  "tick:criterion", // tick or untick a checklist criterion
  "pass:gate",
  "waive:criterion",
  "wire:alerts",
  "write:rule", // record a detection rule on a conduit
  "review:rule", // review a detection rule as plant engineering
  "edit:settings", // the program's thresholds
  "read:audit",
  "manage:accounts",
  "manage:tokens",
  "schedule:window", // create and edit a plant's outage windows (and cancel, confirm, complete them)
  "schedule:change", // schedule network changes into a plant's windows, mark them done or cancel them
  "write:observations", // record a conduit's daily baseline evidence (sensor pipelines)
  "triage:asset", // confirm a staged host into the inventory, mark it known-transient, or escalate it
  "import:assets", // load a passive monitoring tool's inventory export into a plant
  "acknowledge:violation", // acknowledge a conduit's policy violation (a wrong flow)
  "manage:notifications", // webhook endpoints, and the outbox of every message sent or kept
  "record:stop", // record a production stop, write its post-incident review and conclude its cause
] as const;
export type Permission = (typeof PERMISSIONS)[number];

type Reach = "all" | "assigned";

const ROLE_GRANTS: Record<Role, Partial<Record<Permission, Reach>>> = {
  program_lead: {
    "read:program": "all",
    "read:plant": "all",
    "edit:plant": "all",
    "edit:conduit": "all",
    "tick:criterion": "all",
    "pass:gate": "all",
    "waive:criterion": "all",
    "edit:settings": "all",
    "read:audit": "all",
    "schedule:window": "all",
    "schedule:change": "all",
    "write:observations": "all",
    "triage:asset": "all",
    "import:assets": "all",
    "acknowledge:violation": "all",
    "record:stop": "all",
  },
  executive: {
    "read:program": "all",
    "read:plant": "all",
    "read:audit": "all",
  },
  plant_engineer: {
    "read:program": "all",
    "read:plant": "assigned",
    "edit:plant": "assigned",
    "edit:conduit": "assigned",
    "sign:design": "assigned",
    "tick:criterion": "assigned",
    "pass:gate": "assigned",
    "wire:alerts": "assigned",
    "write:rule": "assigned",
    "review:rule": "assigned",
    "schedule:window": "assigned",
    "schedule:change": "assigned",
    "write:observations": "assigned",
    "triage:asset": "assigned",
    "import:assets": "assigned",
    "acknowledge:violation": "assigned",
    "record:stop": "assigned",
  },
  corporate_security: {
    "read:program": "all",
    "read:plant": "all",
    "sign:monitoring": "all",
    "wire:alerts": "all",
    "write:rule": "all",
    "write:observations": "all",
    "triage:asset": "all",
    "acknowledge:violation": "all",
    "record:stop": "all",
  },
  admin: {
    "manage:accounts": "all",
    "manage:tokens": "all",
    "manage:notifications": "all",
  },
};

export interface Principal {
  role: Role;
  /** Plants the person is assigned to (plant engineers). */
  assignedPlantIds: readonly number[];
  /** For API tokens limited to some plants: nothing outside them, whatever the role grants. */
  plantScope: readonly number[] | null;
}

/**
 * Whether the principal holds the permission, on one plant when `plantId` is given. Without a plant, the
 * answer is whether the permission is held anywhere (to decide what to show in menus, never to authorize
 * an act on a plant).
 */
export function can(principal: Principal, permission: Permission, plantId?: number): boolean {
  const reach = ROLE_GRANTS[principal.role][permission];
  if (!reach) return false;
  if (plantId === undefined) return true;
  if (principal.plantScope && !principal.plantScope.includes(plantId)) return false;
  return reach === "all" || principal.assignedPlantIds.includes(plantId);
}

/**
 * How far the principal holds the permission: on every plant, only on the plants assigned to them, or nowhere.
 * For deciding what a page spans (the program or one's own plants); an act on a plant is authorized with can().
 */
export function reachOf(principal: Principal, permission: Permission): Reach | null {
  const reach = ROLE_GRANTS[principal.role][permission] ?? null;
  if (reach === "all" && principal.plantScope) return "assigned";
  return reach;
}

/** Where each role's day starts: the page that holds its work. */
const HOME_PATHS: Record<Role, string> = {
  executive: "/dashboard",
  plant_engineer: "/me",
  corporate_security: "/me",
  program_lead: "/plants",
  admin: "/admin",
};

/** Where a signed-in person lands (after signing in, and at `/`). */
export function homePath(role: Role): string {
  return HOME_PATHS[role];
}
