import type { PageWindow } from "~/domain/listing";
import { Pager } from "~/components/Pager";

/**
 * The pager of a list, shown only when the list runs past one page: a list that fits a page needs no pager.
 */
export function PagerPastOnePage({
  list: { window, total, rows },
  ...where
}: {
  /** The page of the list the loader chose: its rows, their window, and how many the whole list holds. */
  list: { window: PageWindow; total: number; rows: readonly unknown[] };
  noun: string;
  param?: string;
  anchor?: string;
}) {
  if (total <= window.limit) return null;
  return <Pager {...window} total={total} shown={rows.length} {...where} />;
}
