// IPv4 and IPv6 addresses and CIDR blocks: the one parser of the app, and the one canonical text every boundary
// (Zeek ingest, inventory import, program file, zone ranges) stores, so that one host is one string however a
// tool spelled it. Pure; bad input gives null (or a reason), never a throw.
//
// What is read:
// - IPv4 as four dotted decimal parts of 1 to 3 digits, each 0–255. A leading zero is decimal, never octal:
//   `10.0.0.010` is 10.0.0.10, because inventory tools zero-pad to three digits (`010.000.000.001`). Short
//   forms (`10.1`) and hexadecimal parts are refused.
// - IPv6 as RFC 4291 text: groups of 1 to 4 hex digits in any case, one `::`, an IPv4 tail in dotted form. A zone
//   index (`fe80::1%eth0`) is dropped: it names the interface the address was seen on, not the host.
// Canonical text:
// - IPv4: dotted decimal without leading zeros.
// - IPv6: RFC 5952: lower case, no leading zeros in a group, the longest run of two or more zero groups (the first
//   of equal runs) written `::`, and IPv4-mapped addresses (::ffff:0:0/96) as `::ffff:a.b.c.d`.
// - A CIDR block: its network address in canonical text, `/`, the prefix length in decimal. A bare address is a
//   block of one (/32 or /128). A block whose address has host bits set (`10.0.0.7/24`) is refused with the
//   block it probably means: read as written it is ambiguous (the /24, or the host with a typo'd prefix?).

export type IpVersion = 4 | 6;

export interface Address {
  version: IpVersion;
  value: bigint;
}

export interface Cidr {
  version: IpVersion;
  network: bigint;
  prefix: number;
}

/** Longer text is no address: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` is 45 characters, plus a zone. */
const MAX_ADDRESS_LENGTH = 100;
const V4_PART = /^\d{1,3}$/;
const V6_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ZONE_INDEX = /%[0-9A-Za-z_.-]+$/;
const PREFIX = /^\d{1,3}$/;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!V4_PART.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(input: string): bigint | null {
  const text = input.replace(ZONE_INDEX, "");
  if (!text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string): string[] => (half === "" ? [] : half.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  // An IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
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
    if (!V6_GROUP.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return v4 === null ? value : (value << 32n) | v4;
}

/** An address as a number with its family, or null when the text is not an IP address. */
export function parseAddress(text: string): Address | null {
  if (text.length > MAX_ADDRESS_LENGTH) return null;
  const trimmed = text.trim();
  const v4 = parseV4(trimmed);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseV6(trimmed);
  return v6 === null ? null : { version: 6, value: v6 };
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

function formatV6(value: bigint): string {
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
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** The canonical text of an address (see the top of this module). */
export function formatAddress(address: Address): string {
  return address.version === 4 ? formatV4(address.value) : formatV6(address.value);
}

/** The canonical text of an address given as text, or null when it is not an IP address. */
export function canonicalAddress(text: string): string | null {
  const address = parseAddress(text);
  return address === null ? null : formatAddress(address);
}

export type CidrReading = { ok: true; cidr: Cidr; text: string } | { ok: false; reason: string };

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/**
 * A CIDR block ("10.10.10.0/24", "2001:db8::/32", or a bare address for a block of one) with its canonical text,
 * or the reason, in words, why the text is not one.
 */
export function readCidr(text: string): CidrReading {
  const notCidr = { ok: false as const, reason: `${quote(text)} is not a CIDR block` };
  const [addressText, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || addressText === undefined) return notCidr;
  const address = parseAddress(addressText);
  if (!address) return notCidr;
  const bits = address.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !PREFIX.test(prefixText)) return notCidr;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return notCidr;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  const cidr: Cidr = { version: address.version, network: address.value & mask, prefix };
  if (cidr.network !== address.value) {
    return {
      ok: false,
      reason: `${quote(text)} has host bits set: the block is ${formatCidr(cidr)} (or write ${formatAddress(
        address
      )}/${bits} for the one host)`,
    };
  }
  return { ok: true, cidr, text: formatCidr(cidr) };
}

export function parseCidr(text: string): Cidr | null {
  const reading = readCidr(text);
  return reading.ok ? reading.cidr : null;
}

/** The canonical text of a CIDR block, or null when the text is not one (host bits set included). */
export function canonicalCidr(text: string): string | null {
  const reading = readCidr(text);
  return reading.ok ? reading.text : null;
}

function formatCidr(cidr: Cidr): string {
  return `${formatAddress({ version: cidr.version, value: cidr.network })}/${cidr.prefix}`;
}

function cidrContains(cidr: Cidr, address: Address): boolean {
  if (cidr.version !== address.version) return false;
  const bits = cidr.version === 4 ? 32 : 128;
  const shift = BigInt(bits - cidr.prefix);
  return address.value >> shift === cidr.network >> shift;
}

/** Finds, for an address, the value of the most specific block containing it (longest prefix wins). */
export class CidrMatcher<T> {
  private readonly blocks: { cidr: Cidr; value: T }[] = [];

  add(cidrText: string, value: T): boolean {
    const cidr = parseCidr(cidrText);
    if (!cidr) return false;
    this.blocks.push({ cidr, value });
    this.blocks.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
    return true;
  }

  get size(): number {
    return this.blocks.length;
  }

  match(addressText: string): T | null {
    const address = parseAddress(addressText);
    if (!address) return null;
    for (const block of this.blocks) if (cidrContains(block.cidr, address)) return block.value;
    return null;
  }
}

/** Whether two blocks share an address: of one version, and the shorter prefix holds the other's network. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const shift = BigInt((a.version === 4 ? 32 : 128) - Math.min(a.prefix, b.prefix));
  return a.network >> shift === b.network >> shift;
}
