/**
 * `defineTasks`: declares a project's tasks (a DAG with optional undo steps) for `underlay run`.
 * @module
 */
import { invalidSpec } from "../../sdk/errors.ts";
import { taskIssues } from "./graph.ts";
import type { TaskDefinition, TaskSet } from "./types.ts";

/**
 * Declares tasks. Checks the graph at once (unknown deps, cycles, missing `run`) and throws
 * `INVALID_SPEC` listing every problem. The tasks file's default export is the result.
 *
 * @example
 * ```ts
 * export default defineTasks({
 *   lab: { run: (ctx) => ctx.apply(myLab) },
 *   smoke: { deps: ["lab"], run: async (ctx) => { await ctx.$`ip netns list`; } },
 * });
 * ```
 */
export function defineTasks(tasks: Readonly<Record<string, TaskDefinition>>): TaskSet {
  const issues = taskIssues(tasks);
  if (issues.length > 0) throw invalidSpec(issues, "tasks");
  return Object.freeze({ kind: "underlay-tasks", tasks: Object.freeze({ ...tasks }) });
}

/**
 * Whether a value is a task set (checked by brand, so a tasks file that imports the runner by
 * another path still works).
 *
 * @example
 * ```ts
 * if (!isTaskSet(mod.default)) throw new Error("export default defineTasks({...})");
 * ```
 */
export function isTaskSet(value: unknown): value is TaskSet {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "underlay-tasks" && typeof (value as { tasks?: unknown }).tasks === "object";
}
