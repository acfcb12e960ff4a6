import { useId, type HTMLAttributes, type ReactNode } from "react";
import type { SortDirection } from "~/domain/listing";
import { SortHeader } from "~/components/SortHeader";

/** One column of a {@link DataTable}: its header, and how a row fills its cell. */
export interface Column<Row> {
  /** The header's text; with `sort`, a link that sorts the list by this column. */
  header: string;
  cell: (row: Row) => ReactNode;
  /** A number column: right-aligned, header included. */
  num?: boolean;
  /** The cell names the row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Extra class of the cell (not the header). */
  className?: string;
  /** The sort key this column's header sorts by, and which way a first click sorts. */
  sort?: { column: string; firstDir?: SortDirection };
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;

interface DataTableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  caption?: ReactNode;
  className?: string;
  /** Attributes of each row: an id, a class, `data-*` hooks. */
  rowProps?: (row: Row) => RowAttributes;
  /** The list's current sort, for the sortable headers. */
  sorted?: { sort: string; dir: SortDirection };
  /** A row of its own when there is no row (otherwise the table shows an empty body). */
  empty?: ReactNode;
  /** Wrap in the horizontally scrolling `.table-wrap` (default; its rows become cards on a phone), or give its class. */
  wrap?: string | false;
  /** The scrolling box's name when the table has no caption to name it. */
  label?: string;
}

/**
 * The box a table too wide for the screen scrolls in, so the page itself never scrolls sideways: a named region
 * that takes the keyboard's focus, so it can be scrolled with the arrow keys (its first column stays in view, see
 * `.table-wrap` in app.css). Named by `label`, or by the element `labelledBy` names (the table's caption).
 */
export function TableScroll({
  label,
  labelledBy,
  className = "table-wrap",
  children,
}: {
  label?: string;
  labelledBy?: string;
  className?: string;
  children: ReactNode;
}) {
  const named = label !== undefined || labelledBy !== undefined;
  return (
    <div
      className={className}
      role={named ? "region" : undefined}
      aria-label={label}
      aria-labelledby={labelledBy}
      tabIndex={named ? 0 : undefined}
    >
      {children}
    </div>
  );
}

/**
 * A table drawn from column definitions: a caption, one header per column (a sorting link where the column sorts)
 * and one row per item. Plain HTML, so it reads, sorts by links and prints without JavaScript.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  caption,
  className,
  rowProps,
  sorted,
  empty,
  wrap = "table-wrap",
  label,
}: DataTableProps<Row>) {
  const captionId = useId();
  // A list in the plain box becomes cards on a phone; a table given its own box (a grid of numbers) stays a table.
  const stacks = wrap === "table-wrap";
  const table = (
    <table className={[className, stacks ? "stack-on-phone" : ""].join(" ").trim() || undefined}>
      {caption === undefined ? null : <caption id={captionId}>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) =>
            c.sort && sorted ? (
              <SortHeader
                key={c.header}
                column={c.sort.column}
                label={c.header}
                sort={sorted.sort}
                dir={sorted.dir}
                numeric={c.num}
                firstDir={c.sort.firstDir}
              />
            ) : (
              <th key={c.header} scope="col" className={c.num ? "num" : undefined}>
                {c.header}
              </th>
            )
          )}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowProps?.(row)}>
            {columns.map((c) => {
              const className = [c.num ? "num" : "", c.className ?? ""].join(" ").trim() || undefined;
              return c.rowHeader ? (
                <th key={c.header} scope="row" className={className} data-label={c.header}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.header} className={className} data-label={c.header}>
                  {c.cell(row)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return wrap ? (
    <TableScroll className={wrap} label={label} labelledBy={caption === undefined || label ? undefined : captionId}>
      {table}
    </TableScroll>
  ) : (
    table
  );
}

/**
 * A plant's code and name, linking to its page (or to `to`): a plain link, for the long lists of plants, which sit
 * in an `InAppLinks` box (app/components/RenderedOnce.tsx) that takes its clicks into the app's own navigation.
 */
export function PlantName({ code, name, to }: { code: string; name: string; to?: string }) {
  return (
    <a href={to ?? `/plants/${code}`}>
      <span className="mono">{code}</span> {name}
    </a>
  );
}

/** A header cell: its text, or its text and whether the column is a count (aligned right). */
export type HeaderCell = string | { header: ReactNode; numeric?: boolean };

/** A table's column headers. */
export function TableHead({ columns }: { columns: readonly HeaderCell[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) =>
          typeof column === "string" ? (
            <th scope="col" key={index}>
              {column}
            </th>
          ) : (
            <th scope="col" className={column.numeric ? "num" : undefined} key={index}>
              {column.header}
            </th>
          )
        )}
      </tr>
    </thead>
  );
}
