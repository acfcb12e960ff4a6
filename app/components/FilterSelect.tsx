/** One choice of a GET filter form: a labelled select whose first option means "no filter". */
export function FilterSelect({
  label,
  name,
  value,
  any,
  options,
  labels,
}: {
  label: string;
  name: string;
  value: string | null | undefined;
  /** The first option's text, the one that does not filter. */
  any: string;
  /** The values to choose from; each shows its label from `labels`, or itself. */
  options: readonly string[];
  labels?: Readonly<Record<string, string>>;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ""}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}
