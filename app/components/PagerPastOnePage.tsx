import type { PageWindow } from "~/domain/listing";
import { Pager } from "~/components/Pager";

/**
 * The pager of a list, shown only when the list runs past one page: a list that fits a page needs no pager.
 * `window` is the page of the list the loader chose; `total` counts the whole list.
 */
export function PagerPastOnePage({
  window,
  total,
  shown,
  noun,
  param,
  anchor,
}: {
  window: PageWindow;
  total: number;
  shown: number;
  noun: string;
  param?: string;
  anchor?: string;
}) {
  if (total <= window.limit) return null;
  return <Pager {...window} total={total} shown={shown} noun={noun} param={param} anchor={anchor} />;
}
