// IPv4 and IPv6 CIDR blocks and the addresses inside them. Pure; bad input gives null, never a throw.

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefix: number;
}

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
  let text = input.replace(/%.*$/, "");
  if (!text.includes(":")) return null;
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseV4(tail);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  let all: string[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    all = [...head, ...Array<string>(missing).fill("0"), ...rest];
  } else {
    all = head;
  }
  if (all.length !== 8) return null;
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** An address as a number with its family, or null when it is not an IP address. */
export function parseAddress(text: string): { version: 4 | 6; value: bigint } | null {
  const trimmed = text.trim();
  const v4 = parseV4(trimmed);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseV6(trimmed);
  return v6 === null ? null : { version: 6, value: v6 };
}

/** "10.10.10.0/24", "2001:db8::/32"; a bare address is a /32 or /128. Host bits are masked off. */
export function parseCidr(text: string): Cidr | null {
  const [addressText, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || addressText === undefined) return null;
  const address = parseAddress(addressText);
  if (!address) return null;
  const bits = address.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { version: address.version, network: address.value & mask, prefix };
}

export function cidrContains(cidr: Cidr, address: { version: 4 | 6; value: bigint }): boolean {
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
