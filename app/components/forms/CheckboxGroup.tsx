import type { ReactNode } from "react";
import { useActForm } from "~/components/forms/ActForm";

/**
 * Checkboxes of one field (a group, not one control), inside an ActForm: its legend, an optional hint, and the field's
 * problems under it, as a Field shows them.
 */
export function CheckboxGroup({
  name,
  legend,
  hint,
  options,
  selected,
  empty,
  className,
}: {
  name: string;
  legend: string;
  hint?: string;
  options: readonly { value: string; label: ReactNode }[];
  selected: readonly string[];
  /** Said when there is nothing to choose. */
  empty?: string;
  /** Added to the options' box ("kind-options"). */
  className?: string;
}) {
  const form = useActForm();
  const id = `${form?.id ?? "field"}-${name}`;
  const errors = form?.reply?.fieldErrors[name] ?? [];
  const describedBy = [errors.length ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return (
    <fieldset
      className="plant-picker"
      id={id}
      aria-describedby={describedBy || undefined}
      aria-invalid={errors.length ? true : undefined}
    >
      <legend>{legend}</legend>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {options.length === 0 && empty ? <p className="muted">{empty}</p> : null}
      <div className={className ? `plant-options ${className}` : "plant-options"}>
        {options.map((option) => (
          <label key={option.value} className="check">
            <input type="checkbox" name={name} value={option.value} defaultChecked={selected.includes(option.value)} />
            <span>{option.label}</span>
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
