import { can, type Permission } from "~/domain/permissions";
import { ROLE_LABELS } from "~/domain/vocabulary";
import type { Actor } from "~/utils/actor";
import { ActError } from "~/utils/errors";

/** Refuses (403, in words the person can act on) an act the actor's role may not do at the plant. */
export function requireAct(actor: Actor, permission: Permission, plantId: number, what: string): void {
  if (!can(actor, permission, plantId)) {
    throw new ActError(403, `Your role (${ROLE_LABELS[actor.role].toLowerCase()}) may not ${what} at this plant.`);
  }
}
