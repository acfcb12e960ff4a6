import type { Permission } from "~/domain/permissions";
import { findConduitInScope } from "~/models/conduits.server";
import { apiError, requireApiActor, requireApiPermission } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

/**
 * The conduit an API address names (`/api/conduits/:id/…`), for a caller allowed `permission` at its plant: the
 * token's or session's actor, the conduit, and the database. A conduit that does not exist or lies outside the
 * token's plants answers 404 (thrown), a caller without the permission 403.
 */
export async function requireApiConduit(request: Request, id: string | undefined, permission: Permission) {
  const actor = await requireApiActor(request);
  const db = getDb();
  const conduit = await findConduitInScope(db, actor, id);
  if (!conduit) throw apiError(404, `No conduit ${id ?? ""}.`);
  requireApiPermission(actor, permission, conduit.plantId);
  return { actor, db, conduit };
}
