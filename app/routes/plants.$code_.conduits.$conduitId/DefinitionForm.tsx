import { useLoaderData } from "@remix-run/react";
import { Choices } from "~/components/Choices";
import { ActForm } from "~/components/forms/ActForm";
import { Field } from "~/components/forms/Field";
import { formatFlow } from "~/domain/conduits";
import { CONTROL_TYPE_LABELS, CONTROL_TYPES } from "~/domain/vocabulary";
import { replyFor } from "~/utils/reply";
import type { loader } from "./route";

/** The conduit's definition as a form: saving makes a new revision, which both owners must sign again. */
export function DefinitionForm({ reply }: { reply: unknown }) {
  const { conduit, zones } = useLoaderData<typeof loader>();
  // After a conflict the form holds what the person wrote, over the conduit as it now stands.
  const mine = replyFor(reply, "edit-conduit");
  const draft = mine?.conflict ? mine.draft : undefined;
  const optional = (name: "purpose" | "monitoringPoint" | "compensatingNote") =>
    (draft ? draft[name] : conduit[name]) ?? "";
  return (
    <section className="panel" aria-labelledby="edit-title" id="edit">
      <h2 id="edit-title">Edit the definition</h2>
      <p className="muted">Saving makes revision {conduit.revision + 1}; both owners must sign it again.</p>
      <ActForm
        intent="edit-conduit"
        id="edit-conduit"
        reply={reply}
        hiddenFields={{ revision: conduit.revision }}
        className="stacked"
        key={`${conduit.revision}:${draft ? "draft" : ""}`}
      >
        <Field
          label="Name"
          name="name"
          type="text"
          required
          maxLength={120}
          defaultValue={draft?.name ?? conduit.name}
        />
        <div className="filters">
          {(["zoneAId", "zoneBId"] as const).map((name) => (
            <Field
              key={name}
              label={`Endpoint zone ${name === "zoneAId" ? "A" : "B"}`}
              name={name}
              as="select"
              defaultValue={draft?.[name] ?? conduit[name]}
            >
              <Choices choices={zones.map((zone) => [zone.id, zone.name])} />
            </Field>
          ))}
          <Field
            label="Control type"
            name="controlType"
            as="select"
            defaultValue={draft?.controlType ?? conduit.controlType ?? ""}
          >
            <option value="">None yet</option>
            <Choices choices={CONTROL_TYPES.map((type) => [type, CONTROL_TYPE_LABELS[type]])} />
          </Field>
        </div>
        <Field label="Purpose" name="purpose" type="text" maxLength={500} defaultValue={optional("purpose")} />
        <Field label="Monitored" name="monitored" fieldClassName="checkbox-field">
          {(tie) => (
            <input type="checkbox" {...tie} defaultChecked={draft ? draft.monitored === "on" : conduit.monitored} />
          )}
        </Field>
        <Field
          label="Monitoring point"
          name="monitoringPoint"
          type="text"
          maxLength={200}
          defaultValue={optional("monitoringPoint")}
        />
        <Field
          label="Allowed flows"
          name="flows"
          as="textarea"
          hint="One per line: protocol (tcp, udp, icmp or any) port (a number, a range like 2222-2223, any, or - for ICMP) direction (a_to_b, b_to_a or both) description, e.g. “tcp 44818 a_to_b EtherNet/IP”. The design review warns of any protocol, any port and wide ranges."
          rows={Math.max(4, conduit.flows.length + 2)}
          className="mono"
          defaultValue={draft?.flows ?? conduit.flows.map(formatFlow).join("\n")}
        />
        <Field
          label="Compensating note"
          name="compensatingNote"
          as="textarea"
          rows={2}
          maxLength={1000}
          hint="When the zones' target security levels differ by two or more: the countermeasures that make up for it."
          defaultValue={optional("compensatingNote")}
        />
        <button type="submit">Save as revision {conduit.revision + 1}</button>
      </ActForm>
    </section>
  );
}
