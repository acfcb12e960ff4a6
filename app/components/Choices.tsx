import type { ReactNode } from "react";

/** A select's options, each a value and what it reads as. */
export type ChoiceList = readonly (readonly [value: string | number, label: ReactNode])[];

/** Choices from a list of values, each read as its label from `labels`, or as itself. */
export function choicesOf(values: readonly string[], labels?: Readonly<Record<string, string>>): ChoiceList {
  return values.map((value) => [value, labels?.[value] ?? value] as const);
}

/** The <option>s of a list of choices. */
export function Choices({ choices }: { choices: ChoiceList }) {
  return (
    <>
      {choices.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

/** A labelled select of a GET filter form, whose first option ("any") sends no filter. */
export function FilterSelect({
  label,
  name,
  defaultValue,
  any,
  choices,
}: {
  label: string;
  name: string;
  defaultValue: string | number;
  any: string;
  choices: ChoiceList;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue}>
        <option value="">{any}</option>
        <Choices choices={choices} />
      </select>
    </label>
  );
}
