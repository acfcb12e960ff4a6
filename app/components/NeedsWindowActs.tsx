import { Choices } from "~/components/Choices";
import { DisabledAct } from "~/components/DisabledAct";
import { ActForm, Field } from "~/components/forms";
import { CANCEL_REASON_MAX } from "~/domain/network-changes";
import { replyFor } from "~/utils/reply";

// The forms that end a change's wait for a new window: move it into a window of its plant that takes it, or cancel it
// with a reason. The plant's windows page and the person's queue (/me) render these same forms, posting the same acts.

/** A window of the plant the change fits into, as the move form offers it. */
export interface MoveOption {
  windowId: number;
  revision: number;
  title: string;
  localRange: string;
}

/** A refusal whose form is no longer on the page (the window or change was closed meanwhile). */
export function Unplaced({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** Why a change is cancelled: required, as the audit trail records it. */
function ReasonField({ defaultValue }: { defaultValue: string }) {
  return (
    <Field
      name="reason"
      label="Reason"
      hint="Why the change will not happen; the audit trail keeps it."
      type="text"
      required
      minLength={3}
      maxLength={CANCEL_REASON_MAX}
      defaultValue={defaultValue}
    />
  );
}

/** The form that cancels a change with a reason; `hiddenFields` are posted along with the change's id. */
export function CancelChangeForm({
  change,
  reply,
  hiddenFields = {},
  defaultReason,
}: {
  change: { id: number; title: string };
  reply: unknown;
  hiddenFields?: Record<string, string | number>;
  defaultReason: string;
}) {
  return (
    <ActForm
      intent="cancel-change"
      target={change.id}
      id={`change-${change.id}-cancel`}
      reply={reply}
      hiddenFields={{ ...hiddenFields, changeId: change.id }}
      className="inline-form"
      aria-label={`Cancel ${change.title}`}
    >
      <ReasonField defaultValue={defaultReason} />
      <button type="submit" className="danger">
        Cancel the change
      </button>
    </ActForm>
  );
}

/**
 * The move and cancel forms of one change waiting for a window. `hiddenFields` are added to both forms (the plant a
 * page serving several plants needs); `noMove` says why no window is offered.
 */
export function NeedsWindowActs({
  change,
  reply,
  hiddenFields = {},
  noMove,
}: {
  change: { id: number; title: string; moves: readonly MoveOption[] };
  reply: unknown;
  hiddenFields?: Record<string, string | number>;
  noMove: string;
}) {
  const c = change;
  const moveReply = replyFor(reply, "move-change", c.id);
  const cancelReply = replyFor(reply, "cancel-change", c.id);
  return (
    <div className="needs-window-acts">
      {c.moves.length > 0 ? (
        <ActForm
          intent="move-change"
          target={c.id}
          id={`change-${c.id}-move`}
          reply={reply}
          hiddenFields={{ ...hiddenFields, changeId: c.id }}
          className="inline-form"
          aria-label={`Move ${c.title} into another window`}
        >
          <Field
            as="select"
            name="target"
            label="Move into window"
            hint="It goes in after the changes the window already holds."
            required
            defaultValue={moveReply?.draft?.target ?? `${c.moves[0]!.windowId}:${c.moves[0]!.revision}`}
          >
            <Choices choices={c.moves.map((m) => [`${m.windowId}:${m.revision}`, `${m.title} — ${m.localRange}`])} />
          </Field>
          <button type="submit">Move the change</button>
        </ActForm>
      ) : (
        <>
          <Unplaced message={moveReply?.formError} />
          <DisabledAct id={`change-${c.id}-move-why`} label="Move the change" why={noMove} />
        </>
      )}
      <CancelChangeForm
        change={c}
        reply={reply}
        hiddenFields={hiddenFields}
        defaultReason={cancelReply?.draft?.reason ?? ""}
      />
    </div>
  );
}
