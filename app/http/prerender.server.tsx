import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { keepMarkup } from "~/components/Prerendered";

/**
 * Renders `element` (which must need no request context: no router, no loader data) once, as the markup a
 * `<Prerendered of={of}>` sends on the server instead of rendering its children again. `of` is a view kept per
 * rollup (`rollupView`): the markup lives as long as the view, and a change makes both afresh.
 */
export function prerender(of: object, element: ReactElement): void {
  keepMarkup(of, renderToString(element));
}
