import { useId, type ReactNode } from "react";
import { TableScroll } from "~/components/DataTable";
import { Field, useActForm } from "~/components/forms";
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
  const form = useActForm();
  const id = `${form?.id ?? "field"}-plants`;
  const errors = form?.reply?.fieldErrors.plants ?? [];
  const describedBy = [errors.length ? `${id}-error` : null, `${id}-hint`].filter(Boolean).join(" ");
  return (
    <fieldset
      className="plant-picker"
      id={id}
      aria-describedby={describedBy}
      aria-invalid={errors.length ? true : undefined}
    >
      <legend>{legend}</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {plants.length === 0 ? <p className="muted">No plants in the program yet.</p> : null}
      <div className="plant-options">
        {plants.map((plant) => (
          <label key={plant.id} className="check">
            <input type="checkbox" name="plants" value={plant.code} defaultChecked={selected.includes(plant.code)} />
            <span>
              <span className="mono">{plant.code}</span> {plant.name}
            </span>
          </label>
        ))}
      </div>
      {errors.length ? (
        <ul className="field-error" id={`${id}-error`}>
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
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
