import { ActForm } from "~/components/forms/ActForm";
import { Field } from "~/components/forms/Field";
import type { AssetImportSummary } from "~/domain/asset-import";
import { replyFor } from "~/utils/reply";

/** What a clean import answers: the counts, shown beside the form. */
export interface ImportDone {
  intent: "import-assets";
  imported: AssetImportSummary;
}

function isImportDone(value: unknown): value is ImportDone {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as ImportDone).intent === "import-assets" &&
    "imported" in value
  );
}

/**
 * Upload of a passive monitoring tool's inventory export (CSV). The whole file is one act: every bad row is listed
 * under the file, and nothing is loaded until the file is clean.
 */
export function AssetImportForm({ reply }: { reply: unknown }) {
  const done = isImportDone(reply) ? reply.imported : undefined;
  const refused = replyFor(reply, "import-assets");
  return (
    <details className="asset-import" open={done !== undefined || refused !== undefined}>
      <summary>Import an inventory export (CSV)</summary>
      <p className="muted">
        A header row, then one asset per row. Columns are read by name: IP, MAC, Vendor, Model, Firmware, Kind (or
        Device Type), Name (or Hostname) and Zone; other columns are ignored. New hosts are staged for triage; hosts
        already known by zone, IP and MAC are updated. See <a href="#import-mapping">the column mapping</a>.
      </p>
      {done ? (
        <p className="confirmation" role="status">
          {`Imported ${done.rows} rows: ${done.created} new (staged), ${done.updated} updated, ${done.unchanged} unchanged.`}
          {done.ignoredColumns.length > 0 ? ` Ignored columns: ${done.ignoredColumns.join(", ")}.` : ""}
        </p>
      ) : null}
      <ActForm
        intent="import-assets"
        id="import-assets"
        reply={reply}
        encType="multipart/form-data"
        className="stacked"
        preventScrollReset
      >
        <Field label="CSV file" name="file" type="file" accept=".csv,text/csv" required />
        <button type="submit">Import</button>
      </ActForm>
      <details id="import-mapping">
        <summary>Column mapping</summary>
        <dl className="mapping">
          <dt>IP</dt>
          <dd>IP, IP Address, IPv4, IPv6, Address, Host IP</dd>
          <dt>MAC</dt>
          <dd>MAC, MAC Address, HW Address, Physical Address</dd>
          <dt>Vendor</dt>
          <dd>Vendor, Manufacturer, Make</dd>
          <dt>Model</dt>
          <dd>Model, Product, Product Name, Device Model</dd>
          <dt>Firmware</dt>
          <dd>Firmware, Firmware Version, FW, Version, Software Version, OS Version</dd>
          <dt>Kind</dt>
          <dd>
            Kind, Type, Device Type, Asset Type, Category, Class (values such as PLC, Controller, HMI, EWS, Switch)
          </dd>
          <dt>Name</dt>
          <dd>Name, Hostname, Device Name, Asset Name</dd>
          <dt>Zone</dt>
          <dd>Zone, Zone Name, Network Zone (otherwise the zone whose range holds the IP)</dd>
        </dl>
      </details>
    </details>
  );
}
