/**
 * Renders a plan for people: one line per step, `terraform plan` style, with a summary line.
 * @module
 */
import type { PlanData } from "./types.ts";

/** How a step relates to the live state (`+` create, `-` delete, `~` change, ` ` already in place). */
export type ChangeMark = "+" | "-" | "~" | " ";

/** A rendered line's input. */
export interface TextStep {
  /** What happens. */
  readonly mark: ChangeMark;
  /** Op id. */
  readonly id: string;
  /** Summary. */
  readonly summary: string;
}

/**
 * Renders steps with marks and a summary line.
 *
 * @example
 * ```ts
 * console.log(renderSteps("demo", [{ mark: "+", id: "netns:demo-a", summary: "create namespace demo-a" }]));
 * ```
 */
export function renderSteps(lab: string, steps: readonly TextStep[]): string {
  const count = { "+": 0, "-": 0, "~": 0, " ": 0 };
  const lines = steps.map((s) => {
    count[s.mark]++;
    return `  ${s.mark} ${s.summary}`;
  });
  const summary =
    count["+"] + count["-"] + count["~"] === 0
      ? `Lab ${lab}: no changes — the kernel already matches the plan (${count[" "]} steps in place).`
      : `Lab ${lab}: ${count["+"]} to add, ${count["~"]} to change, ${count["-"]} to remove${count[" "] > 0 ? `, ${count[" "]} already in place` : ""}.`;
  return [...lines, "", summary].join("\n");
}

/**
 * Renders a whole plan as if nothing existed yet (every step `+`), followed by endpoints and notes.
 *
 * @example
 * ```ts
 * console.log(toText(plan.toJSON()));
 * ```
 */
export function toText(plan: PlanData): string {
  const steps = renderSteps(plan.lab, plan.ops.map((o) => ({ mark: "+" as const, id: o.id, summary: o.summary })));
  const eps = plan.endpoints.map((e) => {
    const ifs = e.interfaces.map((i) => {
      const routes = i.routes.map((r) => `${r.dst}${r.via === undefined ? "" : ` via ${r.via}`} dev ${r.dev}`).join(", ");
      return `    ${i.name} (${i.network}) ${i.addresses.join(" ")}${i.mac === null ? "" : ` mac ${i.mac}`}${routes === "" ? "" : ` — ${routes}`}`;
    });
    return [`  ${e.name} [netns ${e.netns}]`, ...ifs].join("\n");
  });
  const notes = plan.diagnostics.map((d) => `  ${d.level === "warning" ? "!" : "i"} ${d.path}: ${d.message}`);
  return [
    `underlay plan — lab ${plan.lab}${plan.host === null ? "" : ` (host namespace ${plan.host}${plan.sandbox ? ", sandbox" : ""})`}`,
    "",
    steps,
    "",
    "Endpoints:",
    ...eps,
    ...(notes.length > 0 ? ["", "Notes:", ...notes] : []),
  ].join("\n");
}
