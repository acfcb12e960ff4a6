import { Form, useFormAction, type FormProps } from "@remix-run/react";
import { createContext, useContext, useEffect, useRef, type ReactNode } from "react";
import { RevisionChanges } from "~/components/RevisionConflict";
import { allFieldErrors, replyFor, type FormReply } from "~/utils/reply";

/** What an ActForm tells its fields: its id (their ids derive from it) and the reply if it concerns this form. */
interface ActFormState {
  id: string;
  reply: FormReply | undefined;
}

const ActFormContext = createContext<ActFormState | null>(null);

export function useActForm(): ActFormState | null {
  return useContext(ActFormContext);
}

export interface ActFormProps extends Omit<FormProps, "method" | "id" | "children" | "target" | "hidden"> {
  /**
   * The act: sent as the hidden `intent` field. Several acts (one per submit button, each `name="intent"`): no hidden
   * field, and a reply to any of them is this form's.
   */
  intent: string | readonly string[];
  /** Which instance of a repeated form (e.g. a row id): sent as the hidden `target` field. */
  target?: string | number | null;
  /** The action's answer (useActionData); shown only when it concerns this form (and target). */
  reply: unknown;
  /** The form's id; the page lands on it after a refused post, with or without JavaScript. */
  id: string;
  /** Other acts whose replies this form shows (the act it offered before the page was read again). */
  claims?: readonly string[];
  /** Hidden fields the act needs (a revision, a row id). Their problems are listed in the form's message. */
  hiddenFields?: Record<string, string | number | null | undefined>;
  children: ReactNode;
}

/**
 * A form posting one act. It carries the intent (and target), shows the form's message at its top, lends the reply
 * to its <Field>s, and when its act was refused brings itself into view: with JavaScript it scrolls there and focuses
 * the first field marked invalid; without, its action ends in #id so the browser lands on it after the post.
 */
export function ActForm({
  intent,
  claims,
  target,
  reply,
  id,
  hiddenFields,
  children,
  action,
  className,
  ...rest
}: ActFormProps) {
  const mine = replyFor(
    reply,
    [...(typeof intent === "string" ? [intent] : intent), ...(claims ?? [])],
    target ?? undefined
  );
  const current = useFormAction(action);
  const ref = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const form = ref.current;
    if (!mine || !form) return;
    form.scrollIntoView({ block: "start" });
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? form.querySelector<HTMLElement>(".form-error"))?.focus({ preventScroll: true });
  }, [mine]);

  const hiddenErrors = mine
    ? Object.entries(mine.fieldErrors)
        .filter(([name]) => hiddenFields && name in hiddenFields)
        .flatMap(([, messages]) => messages)
    : [];
  const alertText = mine?.formError ?? null;
  const alert =
    alertText || hiddenErrors.length > 0 ? (
      <div className="form-error" role="alert" tabIndex={-1} id={`${id}-error`}>
        {alertText ? <p>{alertText}</p> : null}
        {hiddenErrors.length > 0 ? (
          <ul>
            {hiddenErrors.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        ) : null}
      </div>
    ) : null;

  return (
    <ActFormContext.Provider value={{ id, reply: mine }}>
      <Form
        method="post"
        id={id}
        ref={ref}
        action={`${current.split("#")[0]}#${id}`}
        className={[className, "act-form"].filter(Boolean).join(" ")}
        {...rest}
      >
        {typeof intent === "string" ? <input type="hidden" name="intent" value={intent} /> : null}
        {target !== undefined && target !== null ? <input type="hidden" name="target" value={target} /> : null}
        {Object.entries(hiddenFields ?? {}).map(([name, value]) =>
          value === undefined || value === null ? null : <input key={name} type="hidden" name={name} value={value} />
        )}
        {mine?.conflict ? (
          <div className="conflict-notice">
            {alert}
            <RevisionChanges conflict={mine.conflict} />
          </div>
        ) : (
          alert
        )}
        {children}
      </Form>
    </ActFormContext.Provider>
  );
}

/**
 * A refused act's message, every field's problem and, after a conflict, the object as it now stands: for where the
 * refused form is no longer offered once the page is read again (the act is not open to this person any more).
 * It takes the form's id, so the page still lands on it.
 */
export function ReplyNotice({
  reply,
  intent,
  target,
  id,
  offered,
}: {
  reply: unknown;
  intent: string | readonly string[];
  target?: string | number | null;
  /** The refused form's id (or how to name it from the reply), so that the page lands here. */
  id: string | ((reply: FormReply) => string);
  /** Whether the page still offers the refused form (which then shows the reply itself): nothing is shown here. */
  offered?: (reply: FormReply) => boolean;
}) {
  const mine = replyFor(reply, intent, target);
  if (!mine || offered?.(mine)) return null;
  const messages = allFieldErrors(mine);
  // No field is shown here to be marked: the fields' messages are listed instead.
  const formError = mine.formError?.replace(/\s*Check the (?:field|\d+ fields) marked below\./, "").trim() || null;
  return (
    <div
      className={mine.conflict ? "reply-notice conflict-notice" : "reply-notice"}
      id={typeof id === "string" ? id : id(mine)}
    >
      <div className="form-error" role="alert">
        {formError ? <p>{formError}</p> : null}
        {messages.length > 0 ? (
          <ul>
            {messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {mine.conflict ? <RevisionChanges conflict={mine.conflict} /> : null}
    </div>
  );
}
