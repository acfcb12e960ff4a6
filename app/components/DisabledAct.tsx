import type { ReactNode } from "react";

/** An act the person may not do now: its button, disabled, and the reason beside it (the button is described by it). */
export function DisabledAct({
  id,
  label,
  why,
  className,
}: {
  /** The id of the reason. */
  id: string;
  label: ReactNode;
  why: ReactNode;
  className?: string;
}) {
  return (
    <p className={["control-why", className].filter(Boolean).join(" ")}>
      <button type="button" disabled aria-describedby={id}>
        {label}
      </button>{" "}
      <span id={id} className="muted">
        {why}
      </span>
    </p>
  );
}
