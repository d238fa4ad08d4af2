/**
 * Renders a plan as a runnable bash script: `set -euo pipefail`, every value single-quoted,
 * `up` and `down` sections. `down` removes ensure-created objects only when they carry the
 * lab's ownership mark, so a pre-existing VLAN link is never deleted. Nothing a user wrote
 * reaches the script unquoted: values are single-quoted arguments, standard input is a quoted
 * argument of `printf`, and comment lines carry only printable characters.
 * @module
 */
import { iproute2, type IpCommand } from "./iproute2.ts";
import type { Op, PlanData } from "./types.ts";

/**
 * Quotes one value for bash (single quotes; `'` becomes `'\''`).
 *
 * @example
 * ```ts
 * shellQuote("eth0");      // "eth0"
 * shellQuote("it's here"); // "'it'\\''s here'"
 * ```
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text for a `#` comment: one line of printable characters (anything else is shown escaped). */
function comment(text: string): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u2027\u202a-\uffff]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function ns(netns: string | null): string {
  return netns === null ? "''" : shellQuote(netns);
}

function line(c: IpCommand): string {
  const run = `in_ns ${ns(c.netns)} ${c.argv.map(shellQuote).join(" ")}`;
  return c.input === undefined ? run : `printf '%s\\n' ${shellQuote(c.input)} | ${run}`;
}

function varName(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "_");
}

function upLine(op: Op, ensured: ReadonlyMap<string, Op>): string {
  const body = line(iproute2(op));
  if (op.kind === "netns-add" && op.ensure) return `if [ ! -e /run/netns/${shellQuote(op.name)} ]; then ${body}; fi`;
  if (op.kind === "vlan-ensure") {
    return `if ! in_ns ${ns(op.netns)} ip link show dev ${shellQuote(op.dev)} >/dev/null 2>&1; then ${body}; created_${varName(op.id)}=1; fi`;
  }
  if (op.dependsOn !== undefined) {
    const dep = ensured.get(op.dependsOn);
    if (dep !== undefined) return `if [ "\${created_${varName(dep.id)}:-0}" = 1 ]; then ${body}; fi`;
  }
  return body;
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
    `# underlay plan for lab ${comment(plan.lab)} — generated, do not edit.`,
    `# usage: bash $0 up | down        (needs root, iproute2, util-linux nsenter)`,
    "set -euo pipefail",
    "",
    "in_ns() {",
    '  local ns=$1; shift',
    '  if [ -z "$ns" ]; then "$@"; else nsenter --net="/run/netns/$ns" -- "$@"; fi',
    "}",
    `MARK=${shellQuote(plan.mark)}`,
    "",
    "up() {",
  ];
  plan.ops.forEach((op, i) => {
    out.push(`  # ${i + 1}/${plan.ops.length} ${comment(op.summary)}`);
    out.push(`  ${upLine(op, ensured)}`);
  });
  out.push("  :", "}", "", "down() {");
  // Teardown: endpoint namespaces first (releases their links), then host-namespace objects newest first.
  const owned = new Set(plan.ops.flatMap((o) => (o.kind === "netns-add" && !o.ensure ? [o.name] : [])));
  for (const op of [...plan.ops].reverse()) {
    if (op.undo === null || (op.scope !== null && owned.has(op.scope))) continue;
    if (op.kind === "netns-add" && op.ensure) continue; // a host namespace that may pre-exist is never deleted by the script
    const undo = line(iproute2(op.undo));
    if (op.kind === "vlan-ensure") {
      out.push(`  # ${comment(op.summary)} (undo only if it carries our mark)`);
      out.push(`  if in_ns ${ns(op.netns)} ip -o link show dev ${shellQuote(op.dev)} 2>/dev/null | grep -qF "alias $MARK"; then ${undo}; fi`);
      continue;
    }
    out.push(`  # undo: ${comment(op.summary)}`);
    out.push(`  ${undo} 2>/dev/null || true`);
  }
  out.push("  :", "}", "", 'case "${1:-up}" in', "  up) up ;;", "  down) down ;;", '  *) echo "usage: $0 up|down" >&2; exit 2 ;;', "esac", "");
  return out.join("\n");
}
