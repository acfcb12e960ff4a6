import { useId, type ReactNode } from "react";
import { TableScroll } from "~/components/DataTable";
import { CheckboxGroup, Field } from "~/components/forms";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import type { PageWindow } from "~/domain/listing";
import { ROLE_LABELS, ROLES } from "~/domain/vocabulary";
import type { PlantChoice } from "~/models/accounts.server";

// What the administration's sections share: a role to choose, the plants to tick, and a list as a table.

export function RoleField({ defaultValue }: { defaultValue?: string }) {
  return (
    <Field as="select" name="role" label="Role" required defaultValue={defaultValue ?? ""}>
      <option value="" disabled>
        Choose a role
      </option>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </Field>
  );
}

/** Plants as checkboxes (a group, not one control): its problems under it, as a Field shows them. */
export function PlantPicker({
  legend,
  hint,
  plants,
  selected,
}: {
  legend: string;
  hint: string;
  plants: PlantChoice[];
  selected: readonly string[];
}) {
  return (
    <CheckboxGroup
      name="plants"
      legend={legend}
      hint={hint}
      selected={selected}
      empty="No plants in the program yet."
      options={plants.map((plant) => ({
        value: plant.code,
        label: (
          <>
            <span className="mono">{plant.code}</span> {plant.name}
          </>
        ),
      }))}
    />
  );
}

/**
 * A section's list: a captioned table of one page of rows, whose last column holds each row's actions, and the pager
 * when the list runs past one page.
 */
export function AdminTable<Row>({
  caption,
  columns,
  list,
  row,
  noun,
  param,
  anchor,
  empty,
}: {
  caption: ReactNode;
  columns: readonly string[];
  list: { rows: readonly Row[]; window: PageWindow; total: number };
  row: (row: Row) => ReactNode;
  noun: string;
  param?: string;
  anchor: string;
  /** The row that says the list is empty. */
  empty?: string;
}) {
  const captionId = useId();
  return (
    <>
      <TableScroll labelledBy={captionId}>
        <table>
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th scope="col" key={column}>
                  {column}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.total === 0 && empty ? (
              <tr>
                <td colSpan={columns.length + 1} className="muted">
                  {empty}
                </td>
              </tr>
            ) : null}
            {list.rows.map(row)}
          </tbody>
        </table>
      </TableScroll>
      <PagerPastOnePage list={list} noun={noun} param={param} anchor={anchor} />
    </>
  );
}
