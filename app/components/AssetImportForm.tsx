import { Form } from "@remix-run/react";
import type { AssetImportSummary } from "~/models/asset-import.server";
import type { ActFailure } from "~/utils/act.server";

export type ImportActionData = ActFailure & { imported?: AssetImportSummary };

/**
 * Upload of a passive monitoring tool's inventory export (CSV). The whole file is one act: every bad row is listed
 * and nothing is loaded until the file is clean.
 */
export function AssetImportForm({ result }: { result: ImportActionData | undefined }) {
  const mine = result?.intent === "import-assets" ? result : undefined;
  const problems = mine?.fieldErrors.file ?? [];
  return (
    <details className="asset-import" open={mine !== undefined}>
      <summary>Import an inventory export (CSV)</summary>
      <p className="muted">
        A header row, then one asset per row. Columns are read by name: IP, MAC, Vendor, Model, Firmware, Kind (or
        Device Type), Name (or Hostname) and Zone; other columns are ignored. New hosts are staged for triage; hosts
        already known by zone, IP and MAC are updated. See <a href="#import-mapping">the column mapping</a>.
      </p>
      {mine?.imported ? (
        <p className="form-ok" role="status">
          {`Imported ${mine.imported.rows} rows: ${mine.imported.created} new (staged), ${mine.imported.updated} updated, ${mine.imported.unchanged} unchanged.`}
          {mine.imported.ignoredColumns.length > 0
            ? ` Ignored columns: ${mine.imported.ignoredColumns.join(", ")}.`
            : ""}
        </p>
      ) : null}
      {mine && !mine.imported ? (
        <div className="form-error" role="alert">
          <p>{mine.error}</p>
          {problems.length > 0 ? (
            <ul>
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stacked" preventScrollReset>
        <input type="hidden" name="intent" value="import-assets" />
        <label>
          CSV file
          <input
            type="file"
            name="file"
            accept=".csv,text/csv"
            required
            aria-invalid={problems.length > 0 || undefined}
          />
        </label>
        <button type="submit">Import</button>
      </Form>
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
