import type { Kysely } from "kysely";

// Addresses in one canonical text (app/domain/cidr.ts says which), so that a host is one string however a tool
// spelled it. Until now the Zeek ingest stored hosts as the log wrote them (`10.0.0.010`, `2001:DB8:0:0::1`), the
// inventory import lower-cased them only, and the program import kept IPv6 addresses and ranges as written, host
// bits included (`10.0.0.7/24`). This rewrites what they stored:
// - asset IPs, and the `host-<ip>` names the ingest gave the hosts it staged;
// - zone ranges, host bits masked off (as the range matcher always read them); a range that becomes another of its
//   zone's ranges is deleted, being the same block.
// Text that is no address is left as it is. Connections and flow tuples an ingest recorded keep the text they were
// keyed by: Zeek writes canonical text itself, so only hand-made logs could differ.
//
// Migrations never import app code (they are frozen in time), so the reading and writing of addresses the app
// had on this date is copied here.

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseV6(input: string): bigint | null {
  const text = input.replace(/%[0-9A-Za-z_.-]+$/, "");
  if (!text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string): string[] => (half === "" ? [] : half.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const last = halves.length === 2 ? tail : head;
  let v4: bigint | null = null;
  if (last.length > 0 && last[last.length - 1]!.includes(".")) {
    v4 = parseV4(last.pop()!);
    if (v4 === null) return null;
  }
  const given = head.length + tail.length + (v4 === null ? 0 : 2);
  if (halves.length === 2 ? given > 7 : given !== 8) return null;
  const groups = [...head, ...Array<string>(8 - given).fill("0"), ...tail];
  let value = 0n;
  for (const group of groups.slice(0, v4 === null ? 8 : 6)) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return v4 === null ? value : (value << 32n) | v4;
}

function parseAddress(text: string): { version: 4 | 6; value: bigint } | null {
  if (text.length > 100) return null;
  const v4 = parseV4(text.trim());
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseV6(text.trim());
  return v6 === null ? null : { version: 6, value: v6 };
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

function format(address: { version: 4 | 6; value: bigint }): string {
  if (address.version === 4) return formatV4(address.value);
  const value = address.value;
  if (value >> 32n === 0xffffn) return `::ffff:${formatV4(value & 0xffffffffn)}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(":");
  return bestStart === -1 ? hex(0, 8) : `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

function canonicalAddress(text: string): string | null {
  const address = parseAddress(text);
  return address === null ? null : format(address);
}

/** The block's canonical text with host bits masked off, or null when the text is not a block. */
function canonicalRange(text: string): string | null {
  const [addressText, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || addressText === undefined) return null;
  const address = parseAddress(addressText);
  if (!address) return null;
  const bits = address.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return `${format({ version: address.version, value: address.value & mask })}/${prefix}`;
}

export async function up(db: Kysely<any>): Promise<void> {
  const assets: { id: number; ip: string; name: string }[] = await db
    .selectFrom("asset")
    .select(["id", "ip", "name"])
    .where("ip", "is not", null)
    .execute();
  for (const asset of assets) {
    const ip = canonicalAddress(asset.ip);
    if (ip === null || ip === asset.ip) continue;
    await db
      .updateTable("asset")
      .set({ ip, name: asset.name === `host-${asset.ip}` ? `host-${ip}` : asset.name })
      .where("id", "=", asset.id)
      .execute();
  }

  const ranges: { id: number; zone_id: number; cidr: string }[] = await db
    .selectFrom("zone_range")
    .select(["id", "zone_id", "cidr"])
    .orderBy("id")
    .execute();
  const held = new Set(ranges.map((r) => `${r.zone_id} ${r.cidr}`));
  for (const range of ranges) {
    const cidr = canonicalRange(range.cidr);
    if (cidr === null || cidr === range.cidr) continue;
    const key = `${range.zone_id} ${cidr}`;
    if (held.has(key)) {
      await db.deleteFrom("zone_range").where("id", "=", range.id).execute();
    } else {
      await db.updateTable("zone_range").set({ cidr }).where("id", "=", range.id).execute();
      held.add(key);
    }
  }
}

/** The text as each tool wrote it is gone; canonical text is valid in the older schema too. */
export async function down(): Promise<void> {}
