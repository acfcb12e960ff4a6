import { can, type Permission } from "~/domain/permissions";
import { roleMayNot } from "~/domain/refusals";
import type { Actor } from "~/utils/actor";
import { refuseFirst } from "~/utils/errors";

/** Refuses (403, in words the person can act on) an act the actor's role may not do at the plant. */
export function requireAct(actor: Actor, permission: Permission, plantId: number, what: string): void {
  if (!can(actor, permission, plantId)) refuseFirst([roleMayNot("not_permitted", actor.role, what)]);
}
