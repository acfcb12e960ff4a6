import type { ReactNode } from "react";

/** One column of a DataTable: its header and how a row fills its cell. */
export interface Column<Row> {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** A count: header and cells align right. */
  numeric?: boolean;
  /** The cells' class, when not the numeric one (e.g. "mono"). */
  className?: string;
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

/** A plain table of rows, one column per entry, in its scrolling wrapper. */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
}: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
}) {
  return (
    <div className="table-wrap">
      <table>
        <TableHead columns={columns} />
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column, index) => (
                <td className={column.className ?? (column.numeric ? "num" : undefined)} key={index}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
