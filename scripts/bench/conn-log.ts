import fs from "node:fs";
import { once } from "node:events";
import { createRandom } from "../../db/seed/random";
import { CONDUITS, hostIp, MONITORED_CONDUITS } from "./program";

// A Zeek conn.log (TSV, with Zeek's header) for one bench plant's address space: mostly allowed flows over its
// monitored conduits, some flows inside one zone, some flows a conduit does not allow, some over conduits with no
// cutover yet, a few hosts missing from the inventory, and a few addresses outside the plant. Deterministic.

const HEADER = [
  "#separator \\x09",
  "#set_separator\t,",
  "#empty_field\t(empty)",
  "#unset_field\t-",
  "#path\tconn",
  "#open\t2026-11-25-00-00-00",
  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents",
  "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]",
];

const WRONG_PORTS = [21, 23, 80, 445, 8080, 5900];
const SERVICES: Record<number, string> = { 443: "ssl", 22: "ssh", 80: "http", 502: "modbus", 44818: "enip" };

/** Writes `lines` connection lines (plus the header) for plant `plantIndex`, over the `days` days before `end`. */
export async function writeConnLog(
  file: string,
  options: { plantIndex: number; lines: number; end: Date; days?: number; seed?: number }
): Promise<void> {
  const random = createRandom(options.seed ?? 7);
  const out = fs.createWriteStream(file);
  const endTs = options.end.getTime() / 1000;
  const span = (options.days ?? 3) * 86_400;
  const step = span / Math.max(1, options.lines);
  const p = options.plantIndex;
  // Hosts 10–150 of each zone are in the inventory the bench program generates; 3,000 and up never are.
  const known = (zone: number) => hostIp(p, zone, random.int(10, 150));
  const unknown = (zone: number) => hostIp(p, zone, 3000 + random.int(0, 39));
  // Each conduit carries a fixed set of flows, as OT traffic does (the same clients polling the same servers):
  // about a hundred allowed tuples and a handful it does not allow. A few clients are not in the inventory.
  type Flow = { orig: string; resp: string; proto: string; port: number };
  const pools = CONDUITS.map((conduit) => {
    const allowed: Flow[] = [];
    const wrong: Flow[] = [];
    for (let k = 0; k < random.int(60, 140); k++) {
      const [proto, port, direction] = random.pick(conduit.flows);
      const forward = direction === "a_to_b" || (direction === "both" && random.chance(0.5));
      const [from, to] = forward ? [conduit.a, conduit.b] : [conduit.b, conduit.a];
      allowed.push({
        orig: random.chance(0.02) ? unknown(from) : known(from),
        resp: known(to),
        proto,
        port: port ?? 0,
      });
    }
    for (let k = 0; k < random.int(3, 12); k++) {
      wrong.push({ orig: known(conduit.a), resp: known(conduit.b), proto: "tcp", port: random.pick(WRONG_PORTS) });
    }
    return { allowed, wrong };
  });
  let buffer = HEADER.join("\n") + "\n";
  for (let n = 0; n < options.lines; n++) {
    const ts = endTs - span + n * step + random.next() * step;
    const roll = random.next();
    let flow: Flow;
    if (roll < 0.8) {
      // A conduit: allowed (most), or a flow the conduit does not allow; a few on conduits without a cutover.
      const index =
        roll < 0.02 ? random.int(MONITORED_CONDUITS, CONDUITS.length - 1) : random.int(0, MONITORED_CONDUITS - 1);
      const pool = pools[index]!;
      flow = random.pick(roll > 0.77 ? pool.wrong : pool.allowed);
    } else if (roll < 0.97) {
      const zone = random.int(0, 5);
      const port = random.pick([502, 44818, 2222, 102]);
      flow = { orig: known(zone), resp: known(zone), proto: port === 2222 ? "udp" : "tcp", port };
    } else {
      flow = { orig: `198.51.100.${random.int(1, 254)}`, resp: known(0), proto: "tcp", port: 443 };
    }
    const { orig, resp, proto, port } = flow;
    const origPort = random.int(1024, 65535);
    const origBytes = random.int(40, 20_000);
    const respBytes = random.int(40, 200_000);
    buffer += `${ts.toFixed(6)}\tC${n.toString(36)}\t${orig}\t${origPort}\t${resp}\t${port}\t${proto}\t${
      SERVICES[port] ?? "-"
    }\t${(random.next() * 30).toFixed(6)}\t${origBytes}\t${respBytes}\tSF\tT\tT\t0\tShADadFf\t${random.int(2, 200)}\t${
      origBytes + 400
    }\t${random.int(2, 200)}\t${respBytes + 400}\t(empty)\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  buffer += `#close\t2026-11-26-00-00-00\n`;
  out.end(buffer);
  await once(out, "finish");
}
