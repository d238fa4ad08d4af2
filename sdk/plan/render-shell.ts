/**
 * Renders a plan as a runnable bash script: `set -euo pipefail`, every value single-quoted,
 * `up` and `down` sections. `down` removes ensure-created objects only when they carry the
 * lab's ownership mark, so a pre-existing VLAN link is never deleted.
 * @module
 */
import type { Command, Op, PlanData } from "./types.ts";

/** Quotes one value for bash (single quotes; `'` becomes `'\''`). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function line(c: Command): string {
  const ns = c.netns === null ? "-" : shellQuote(c.netns);
  const run = `in_ns ${ns} ${c.argv.map(shellQuote).join(" ")}`;
  if (c.input === undefined) return run;
  return `${run} <<'UNDERLAY_INPUT'\n${c.input}\nUNDERLAY_INPUT`;
}

function upLine(op: Op, ensured: Map<string, Op>): string {
  const body = line(op);
  if (op.ensure && op.kind === "netns-add") {
    return `if [ ! -e /run/netns/${shellQuote(op.argv[3] ?? "")} ]; then ${body}; fi`;
  }
  if (op.ensure) {
    const name = op.fact.type === "link" ? op.fact.name : "";
    return `if ! in_ns ${op.netns === null ? "-" : shellQuote(op.netns)} ip link show dev ${shellQuote(name)} >/dev/null 2>&1; then ${body}; created_${varName(op.id)}=1; fi`;
  }
  if (op.dependsOn !== undefined) {
    const dep = ensured.get(op.dependsOn);
    if (dep !== undefined) return `if [ "\${created_${varName(dep.id)}:-0}" = 1 ]; then ${body}; fi`;
  }
  return body;
}

function varName(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "_");
}

/**
 * Renders the shell script. Run it as `bash plan.sh up` or `bash plan.sh down`.
 *
 * @example
 * ```ts
 * writeFileSync("demo.sh", toShell(plan.toJSON()));
 * ```
 */
export function toShell(plan: PlanData): string {
  const ensured = new Map(plan.ops.filter((o) => o.ensure).map((o) => [o.id, o]));
  const out: string[] = [
    "#!/usr/bin/env bash",
    `# underlay plan for lab ${plan.lab} — generated, do not edit.`,
    `# usage: bash $0 up | down        (needs root, iproute2, util-linux nsenter)`,
    "set -euo pipefail",
    "",
    "in_ns() {",
    '  local ns=$1; shift',
    '  if [ "$ns" = - ]; then "$@"; else nsenter --net="/run/netns/$ns" -- "$@"; fi',
    "}",
    `MARK=${shellQuote(plan.mark)}`,
    "",
    "up() {",
  ];
  plan.ops.forEach((op, i) => {
    out.push(`  # ${i + 1}/${plan.ops.length} ${op.summary}`);
    out.push(`  ${upLine(op, ensured).replace(/\n/g, "\n")}`);
  });
  out.push("}", "", "down() {");
  // Teardown: endpoint namespaces first (releases their links), then host-namespace objects newest first.
  const owned = new Set(plan.ops.filter((o) => o.kind === "netns-add" && !o.ensure).map((o) => o.argv[3] as string));
  const undos = [...plan.ops].reverse().filter((o) => o.undo !== null && !(o.scope !== null && owned.has(o.scope)));
  for (const op of undos) {
    const undo = op.undo as Command;
    if (op.ensure) {
      if (op.kind === "netns-add") continue; // a host namespace that may pre-exist is never deleted by the script
      const name = op.fact.type === "link" ? op.fact.name : "";
      const ns = op.netns === null ? "-" : shellQuote(op.netns);
      out.push(`  # ${op.summary} (undo only if it carries our mark)`);
      out.push(`  if in_ns ${ns} ip -o link show dev ${shellQuote(name)} 2>/dev/null | grep -qF "alias $MARK"; then ${line(undo)}; fi`);
      continue;
    }
    out.push(`  # undo: ${op.summary}`);
    out.push(`  ${line(undo)} 2>/dev/null || true`);
  }
  out.push("}", "", 'case "${1:-up}" in', "  up) up ;;", "  down) down ;;", '  *) echo "usage: $0 up|down" >&2; exit 2 ;;', "esac", "");
  return out.join("\n");
}
