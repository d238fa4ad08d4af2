/**
 * `check`: the ping matrix — every endpoint pings every other endpoint's addresses, compared with
 * what the documents' rules expect.
 * @module
 */
import { settleLimit } from "../lib/map-limit.ts";
import { defaultExecutor, planFor, type Plannable } from "./context.ts";
import type { CheckOptions, CheckReport, ProbeResult } from "./options.ts";
import { expectedMatrix } from "./reachability.ts";

function matrixTable(probes: readonly ProbeResult[]): string {
  const names = [...new Set(probes.flatMap((p) => [p.from, p.to]))];
  const cell = (from: string, to: string): string => {
    const ps = probes.filter((p) => p.from === from && p.to === to);
    if (ps.length === 0) return "-";
    return ps.map((p) => (p.seen === p.expected ? (p.seen ? "✓" : "·") : "!")).join("");
  };
  const w = Math.max(7, ...names.map((n) => n.length));
  const head = `${"from\\to".padEnd(w + 2)}${names.map((n) => n.padEnd(w + 2)).join("")}`;
  const rows = names.map((a) => `${a.padEnd(w + 2)}${names.map((b) => (a === b ? "" : cell(a, b)).padEnd(w + 2)).join("")}`);
  const bad = probes.filter((p) => p.seen !== p.expected).map((p) => `  ! ${p.from} → ${p.to} ${p.address}: expected ${p.expected ? "reachable" : "unreachable"} (${p.why}), saw ${p.seen ? "reachable" : "unreachable"}`);
  return [head, ...rows, "", "✓ reachable as expected, · unreachable as expected, ! unexpected (one mark per target address)", ...bad].join("\n");
}

/** Pings every other endpoint's addresses from every endpoint (IPv4 and IPv6) and compares with the documents' rules. */
export async function check(lab: Plannable, options: CheckOptions = {}): Promise<CheckReport> {
  const executor = options.executor ?? (await defaultExecutor());
  const plan = (await planFor(lab, executor)).toJSON();
  const probes = expectedMatrix(plan);
  const wait = String(options.timeout ?? 1);
  const results = await settleLimit(probes, options.parallel ?? 8, async (p): Promise<ProbeResult> => {
    const argv = ["ping", ...(p.family === 6 ? ["-6"] : []), "-c", "1", "-W", wait, "-q", p.address];
    const r = await executor.run({ netns: p.netns, argv });
    return { ...p, seen: r.code === 0 };
  });
  const seen = results.map((r, i) => (r.status === "fulfilled" ? r.value : { ...(probes[i] as (typeof probes)[number]), seen: false }));
  return { lab: lab.name, ok: seen.every((p) => p.seen === p.expected), probes: seen, table: matrixTable(seen) };
}

