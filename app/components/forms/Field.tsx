import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useActForm } from "~/components/forms/ActForm";

/** What a custom control receives to be tied to its label, hint and errors. */
export interface ControlProps {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

type ControlAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement> &
    TextareaHTMLAttributes<HTMLTextAreaElement> &
    SelectHTMLAttributes<HTMLSelectElement>,
  "name" | "id" | "children" | "aria-invalid" | "aria-describedby"
>;

export interface FieldProps extends ControlAttributes {
  label: ReactNode;
  name: string;
  /** The control: an input (default), a textarea or a select (whose options are the children). */
  as?: "input" | "textarea" | "select";
  /** Says "(optional)" after the label. */
  optional?: boolean;
  /** A sentence under the control saying what to write. */
  hint?: ReactNode;
  /** Options of a select, or a render prop drawing a custom control from the props that tie it to the field. */
  children?: ReactNode | ((control: ControlProps) => ReactNode);
  /** Messages to show besides the reply's (rarely needed). */
  errors?: readonly string[];
  /** Class of the wrapper. */
  fieldClassName?: string;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "-");
}

/**
 * One field of an ActForm: its label, its control, a hint, and the reply's problems for it right under the control
 * (the control is marked aria-invalid and described by them). Outside an ActForm it is a plain labelled control.
 */
export function Field({
  label,
  name,
  as = "input",
  optional,
  hint,
  children,
  errors,
  fieldClassName,
  ...control
}: FieldProps) {
  const form = useActForm();
  const messages = [...(form?.reply?.fieldErrors[name] ?? []), ...(errors ?? [])];
  const id = `${form?.id ?? "field"}-${slug(name)}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = messages.length > 0 ? `${id}-error` : undefined;
  const tie: ControlProps = {
    id,
    name,
    "aria-invalid": messages.length > 0 ? true : undefined,
    "aria-describedby": [errorId, hintId].filter(Boolean).join(" ") || undefined,
  };
  let element: ReactNode;
  if (typeof children === "function") element = children(tie);
  else if (as === "select")
    element = (
      <select {...control} {...tie}>
        {children}
      </select>
    );
  else if (as === "textarea") element = <textarea {...control} {...tie} />;
  else element = <input {...control} {...tie} />;

  return (
    <div className={["field", fieldClassName].filter(Boolean).join(" ")}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="muted"> (optional)</span> : null}
        {element}
      </label>
      {hint ? (
        <p className="hint muted" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <ul className="field-error" id={errorId}>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
