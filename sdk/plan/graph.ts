/**
 * Topology as a graph: parent → VLAN sub-interface → networks → endpoints with addresses,
 * rendered as Mermaid and as Graphviz DOT. Pure.
 * @module
 */
import type { PlanData } from "./types.ts";

function id(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Mermaid flowchart text of the lab's topology.
 *
 * @example
 * ```ts
 * console.log(toMermaid(plan.toJSON())); // flowchart LR …
 * ```
 */
export function toMermaid(plan: PlanData): string {
  const out = ["flowchart LR"];
  const seen = new Set<string>();
  for (const n of plan.networks) {
    const parentId = `p_${id(n.parent)}`;
    if (n.vlan !== null) {
      const base = n.vlanBase ?? n.parent;
      const baseId = `p_${id(base)}`;
      if (!seen.has(baseId)) out.push(`  ${baseId}["${base}"]`);
      seen.add(baseId);
      if (!seen.has(parentId)) out.push(`  ${parentId}["${n.parent} (VLAN ${n.vlan})"]`, `  ${baseId} --> ${parentId}`);
    } else if (!seen.has(parentId)) {
      out.push(`  ${parentId}["${n.parent}${n.parentSource === "dummy" ? " (isolated)" : ""}"]`);
    }
    seen.add(parentId);
    out.push(`  n_${id(n.name)}{{"${n.name}: ${n.driver} ${n.mode}${n.flag === null ? "" : ` ${n.flag}`}<br/>${n.subnets.map((s) => s.cidr).join(", ")}"}}`);
    out.push(`  ${parentId} --> n_${id(n.name)}`);
  }
  for (const e of plan.endpoints) {
    out.push(`  e_${id(e.name)}["${e.name}"]`);
    for (const i of e.interfaces) out.push(`  n_${id(i.network)} -- "${i.name} ${i.addresses.join(" ")}" --> e_${id(e.name)}`);
  }
  return out.join("\n");
}

/**
 * Graphviz DOT text of the same topology (render with `dot -Tsvg`).
 *
 * @example
 * ```ts
 * writeFileSync("lab.dot", toDot(plan.toJSON()));
 * ```
 */
export function toDot(plan: PlanData): string {
  const out = [`digraph "${plan.lab}" {`, "  rankdir=LR; node [fontname=Helvetica];"];
  for (const n of plan.networks) {
    if (n.vlan !== null) {
      const base = n.vlanBase ?? n.parent;
      out.push(`  "${base}" [shape=box]; "${base}" -> "${n.parent}" [label="VLAN ${n.vlan}"];`);
    }
    out.push(`  "${n.parent}" [shape=box]; "net:${n.name}" [shape=hexagon,label="${n.name}\\n${n.driver} ${n.mode}\\n${n.subnets.map((s) => s.cidr).join("\\n")}"];`);
    out.push(`  "${n.parent}" -> "net:${n.name}";`);
  }
  for (const e of plan.endpoints) {
    for (const i of e.interfaces) out.push(`  "net:${i.network}" -> "${e.name}" [label="${i.name}\\n${i.addresses.join("\\n")}"];`);
  }
  out.push("}");
  return out.join("\n");
}
