import { Link, useSearchParams } from "@remix-run/react";
import type { SortDirection } from "~/domain/listing";

interface SortHeaderProps {
  column: string;
  label: string;
  sort: string;
  dir: SortDirection;
  numeric?: boolean;
  /** Direction a first click sorts by; counts read best largest first. */
  firstDir?: SortDirection;
}

/** A column header that sorts by plain links, so sorting works without JavaScript and survives reloads. */
export function SortHeader({ column, label, sort, dir, numeric, firstDir = "asc" }: SortHeaderProps) {
  const [params] = useSearchParams();
  const active = sort === column;
  const next = new URLSearchParams(params);
  next.set("sort", column);
  next.set("dir", active ? (dir === "asc" ? "desc" : "asc") : firstDir);
  next.delete("page");
  return (
    <th
      scope="col"
      className={numeric ? "num" : undefined}
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
    >
      <Link className="sort" to={`?${next.toString()}`} preventScrollReset>
        {label}
        {active ? (
          <span className="arrow" aria-hidden="true">
            {dir === "asc" ? "▲" : "▼"}
          </span>
        ) : null}
      </Link>
    </th>
  );
}
