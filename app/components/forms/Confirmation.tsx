import { useLocation, useRouteLoaderData } from "@remix-run/react";
import type { Confirmation as ConfirmationData } from "~/utils/reply";
import { sameTarget } from "~/utils/reply";

/**
 * The confirmation a successful act left (read and cleared by the root loader), when it concerns one of `intents`
 * (and `target`) and this page is the one the act redirected to.
 */
function useConfirmation(
  intents: string | readonly string[],
  target?: string | number | null
): ConfirmationData | null {
  const root: { confirmation?: ConfirmationData | null } | undefined = useRouteLoaderData("root");
  const { pathname } = useLocation();
  const confirmation = root?.confirmation ?? null;
  if (!confirmation) return null;
  const wanted: readonly string[] = typeof intents === "string" ? [intents] : intents;
  if (!wanted.includes(confirmation.intent)) return null;
  if (confirmation.path && confirmation.path !== pathname) return null;
  return sameTarget(confirmation.target, target) ? confirmation : null;
}

/** Shows, in the section an act redirects to, what the act did. */
export function Confirmation({
  intents,
  target,
}: {
  intents: string | readonly string[];
  target?: string | number | null;
}) {
  const confirmation = useConfirmation(intents, target);
  if (!confirmation) return null;
  return (
    <p className="confirmation" role="status">
      {confirmation.message}
    </p>
  );
}
