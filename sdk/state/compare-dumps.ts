/**
 * Compares two state dumps and lists every difference in words: namespaces that appeared or
 * disappeared, links/addresses/routes added or removed, and fields that changed
 * (`namespace ut1-h: link p0: mtu 1500 → 1400`).
 * @module
 */
import type { DumpObject, NamespaceDump, StateDump } from "./dump-shape.ts";
import { addrKey, linkKey, routeKey } from "./dump-shape.ts";

/** The result of {@link compareDumps}. */
export interface DumpComparison {
  /** `true` when nothing differs. */
  readonly equal: boolean;
  /** One line per difference. */
  readonly differences: string[];
}

/**
 * Compares two dumps taken with the same selection.
 *
 * @example
 * ```ts
 * const { equal, differences } = compareDumps(before, after);
 * expect(differences).toEqual([]);
 * ```
 */
export function compareDumps(before: StateDump, after: StateDump): DumpComparison {
  const differences: string[] = [];
  const afterNetns = new Set(after.netns);
  const beforeNetns = new Set(before.netns);
  for (const n of before.netns) if (!afterNetns.has(n)) differences.push(`namespace ${n} disappeared`);
  for (const n of after.netns) if (!beforeNetns.has(n)) differences.push(`namespace ${n} appeared`);
  const afterByName = new Map(after.namespaces.map((n) => [n.name, n]));
  const beforeByName = new Map(before.namespaces.map((n) => [n.name, n]));
  for (const b of before.namespaces) {
    const a = afterByName.get(b.name);
    if (a === undefined) {
      if (b.name === null || afterNetns.has(b.name)) differences.push(`${label(b.name)} was dumped before but not after`);
      continue;
    }
    compareNamespace(b, a, differences);
  }
  for (const a of after.namespaces) {
    if (!beforeByName.has(a.name) && (a.name === null || beforeNetns.has(a.name))) {
      differences.push(`${label(a.name)} was dumped after but not before`);
    }
  }
  return { equal: differences.length === 0, differences };
}

function compareNamespace(before: NamespaceDump, after: NamespaceDump, out: string[]): void {
  const where = label(before.name);
  compareObjects(where, before.links, after.links, linkKey, out);
  compareObjects(where, before.addrs, after.addrs, addrKey, out);
  compareObjects(where, before.routes, after.routes, routeKey, out);
}

function compareObjects(where: string, before: readonly DumpObject[], after: readonly DumpObject[], key: (o: DumpObject) => string, out: string[]): void {
  const group = (list: readonly DumpObject[]): Map<string, DumpObject[]> => {
    const m = new Map<string, DumpObject[]>();
    for (const o of list) m.set(key(o), [...(m.get(key(o)) ?? []), o]);
    return m;
  };
  const b = group(before);
  const a = group(after);
  for (const [k, bs] of b) {
    const as = a.get(k) ?? [];
    for (let i = 0; i < Math.max(bs.length, as.length); i++) {
      const x = bs[i];
      const y = as[i];
      if (y === undefined) out.push(`${where}: ${k} removed`);
      else if (x !== undefined) {
        for (const change of fieldChanges(x, y)) out.push(`${where}: ${k}: ${change}`);
      }
    }
  }
  for (const [k, as] of a) {
    const count = b.get(k)?.length ?? 0;
    for (let i = count; i < as.length; i++) out.push(`${where}: ${k} added`);
  }
}

function fieldChanges(before: DumpObject, after: DumpObject): string[] {
  const x = flatten(before);
  const y = flatten(after);
  const changes: string[] = [];
  for (const [path, v] of x) {
    const w = y.get(path);
    if (w === undefined) changes.push(`${path} ${v} → (absent)`);
    else if (w !== v) changes.push(`${path} ${v} → ${w}`);
  }
  for (const [path, w] of y) if (!x.has(path)) changes.push(`${path} (absent) → ${w}`);
  return changes;
}

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

function label(name: string | null): string {
  return name === null ? "own namespace" : `namespace ${name}`;
}
