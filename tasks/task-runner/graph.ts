/**
 * The task graph: checks a task set (unknown deps, cycles, missing `run`) and orders the tasks a
 * target needs — deps before dependants, in the order the deps are listed. Pure.
 * @module
 */
import { UnderlayError, type Issue } from "../../sdk/index.ts";
import type { TaskDefinition } from "./types.ts";

/**
 * Every problem of a task set, as issues (`tasks.<name>.deps[i]`, …).
 *
 * @example
 * ```ts
 * taskIssues({ a: { deps: ["b"], run() {} } }); // [{ path: "tasks.a.deps[0]", message: "unknown task \"b\" …" }]
 * ```
 */
export function taskIssues(tasks: Readonly<Record<string, TaskDefinition>>): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(tasks);
  for (const name of names) {
    const t = tasks[name] as TaskDefinition;
    if (!/^[A-Za-z0-9][A-Za-z0-9:._-]*$/.test(name)) {
      issues.push({ path: `tasks.${name}`, message: `a task name must start with a letter or digit and use only A-Z a-z 0-9 : . _ - but received ${JSON.stringify(name)}` });
    }
    if (typeof t?.run !== "function") issues.push({ path: `tasks.${name}.run`, message: "expected a function (async (ctx) => …) — add a run function" });
    if (t?.undo !== undefined && typeof t.undo !== "function") issues.push({ path: `tasks.${name}.undo`, message: "expected a function or nothing" });
    (t?.deps ?? []).forEach((d, i) => {
      if (d === name) issues.push({ path: `tasks.${name}.deps[${i}]`, message: `task ${JSON.stringify(name)} depends on itself — remove it from its deps` });
      else if (!Object.hasOwn(tasks, d)) issues.push({ path: `tasks.${name}.deps[${i}]`, message: `unknown task ${JSON.stringify(d)} — define it or fix the name (known: ${names.join(", ")})` });
    });
  }
  if (issues.length === 0) {
    const cycle = findCycle(tasks);
    if (cycle !== null) issues.push({ path: `tasks.${cycle[0]}.deps`, message: `dependency cycle ${cycle.join(" → ")} — break it by removing one of these deps` });
  }
  return issues;
}

function findCycle(tasks: Readonly<Record<string, TaskDefinition>>): string[] | null {
  const state = new Map<string, "open" | "closed">();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === "closed") return null;
    if (s === "open") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "open");
    stack.push(name);
    for (const d of tasks[name]?.deps ?? []) {
      const c = visit(d);
      if (c !== null) return c;
    }
    stack.pop();
    state.set(name, "closed");
    return null;
  };
  for (const name of Object.keys(tasks)) {
    const c = visit(name);
    if (c !== null) return c;
  }
  return null;
}

/**
 * The tasks a target needs, deps first (depth-first, in listed order), the target last.
 * Throws `USAGE` naming the known tasks if the target does not exist.
 *
 * @example
 * ```ts
 * executionOrder({ a: { run() {} }, b: { deps: ["a"], run() {} } }, "b"); // ["a", "b"]
 * ```
 */
export function executionOrder(tasks: Readonly<Record<string, TaskDefinition>>, target: string): string[] {
  if (!Object.hasOwn(tasks, target)) {
    throw new UnderlayError("USAGE", `no task named ${JSON.stringify(target)} — known tasks: ${Object.keys(tasks).join(", ") || "(none)"}; see \`underlay run --list\``);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const d of tasks[name]?.deps ?? []) visit(d);
    order.push(name);
  };
  visit(target);
  return order;
}
