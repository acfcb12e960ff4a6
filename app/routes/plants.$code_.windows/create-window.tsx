import { useActionData, useLoaderData } from "@remix-run/react";
import { Choices } from "~/components/Choices";
import { ActForm, Confirmation, Field } from "~/components/forms";
import { WINDOW_KIND_LABELS, WINDOW_KINDS } from "~/domain/vocabulary";
import { LocalDateTime } from "~/components/LocalDateTime";
import { TitleField } from "./local-time-field";
import { windowReplyFor } from "~/utils/window-reply";
import type { loader } from "./route";

/**
 * The warning a window overlapping other outage windows of the plant gets (each overlap naming both windows), and
 * the checkbox that keeps both: the second submit saves the window only when it is ticked.
 */
export function OverlapConfirm({ messages, formId }: { messages: readonly string[] | undefined; formId: string }) {
  if (!messages || messages.length === 0) return null;
  return (
    <div className="overlap-warning" role="alert" id={`${formId}-overlap`}>
      <p>
        <span className="badge warn">Overlap</span> This window shares time with another outage window of the plant:
      </p>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
      <label className="check">
        <input type="checkbox" name="confirmOverlap" value="yes" required /> Keep both windows (they will show as a
        conflict)
      </label>
    </div>
  );
}

/** The form that adds a window to the plant, in the plant's own clock. */
export function CreateWindowForm() {
  const { plant, nowLocal } = useLoaderData<typeof loader>();
  const reply = useActionData();
  const mine = windowReplyFor(reply, "create-window");
  const v = (key: string, fallback: string) => mine?.draft?.[key] ?? fallback;
  return (
    <section className="panel" aria-labelledby="create-window-title" id="create-window">
      <h2 id="create-window-title">Add a window</h2>
      <Confirmation intents="create-window" />
      <ActForm intent="create-window" id="create" reply={reply} className="stacked">
        <TitleField defaultValue={v("title", "")} />
        <Field as="select" name="kind" label="Kind" defaultValue={v("kind", "scheduled_outage")}>
          <Choices choices={WINDOW_KINDS.map((kind) => [kind, WINDOW_KIND_LABELS[kind]])} />
        </Field>
        <Field as="select" name="status" label="Status" defaultValue={v("status", "planned")}>
          <option value="planned">Planned</option>
          <option value="confirmed">Confirmed</option>
        </Field>
        <LocalDateTime
          prefix="start"
          legend="Start"
          zone={plant.timeZone}
          defaults={{ date: nowLocal.date, time: "22:00" }}
        />
        <LocalDateTime
          prefix="end"
          legend="End"
          zone={plant.timeZone}
          defaults={{ date: nowLocal.date, time: "23:59" }}
        />
        <Field
          as="textarea"
          name="notes"
          label={
            <>
              Notes <span className="muted">(optional)</span>
            </>
          }
          rows={2}
          maxLength={4000}
          defaultValue={v("notes", "")}
        />
        <OverlapConfirm messages={mine?.fieldErrors.confirmOverlap} formId="create" />
        <button type="submit">{mine?.fieldErrors.confirmOverlap ? "Add the window anyway" : "Add the window"}</button>
      </ActForm>
    </section>
  );
}
