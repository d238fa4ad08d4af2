/**
 * `underlay run <task> [-f tasks.ts] [--dry-run] [--keep] [-- args…]` and `underlay run --list`:
 * the task runner's command line.
 * @module
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UnderlayError } from "../../sdk/index.ts";
import { isTaskSet, runTasks, type TaskSet } from "../task-runner/index.ts";
import { booleanOption, stringOption, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { fmtMs, jsonText } from "./format.ts";
import { esExports, importUserModule } from "./ts-loader.ts";

/** The project's own tasks file (demo, bench, kernel-lab): only in a checkout of underlay, not in the package. */
const PROJECT_TASKS = fileURLToPath(new URL("../tasks.ts", import.meta.url));

/**
 * Which tasks file to use: `-f`, else `./tasks.ts`, else `./tasks/tasks.ts`, else the project's own
 * (in a checkout of underlay). Throws `USAGE` when there is none.
 *
 * @example
 * ```ts
 * tasksFile(undefined); // "/work/main/tasks/tasks.ts" when run from /work/main
 * ```
 */
export function tasksFile(explicit: string | undefined): string {
  if (explicit !== undefined) return resolve(explicit);
  for (const candidate of ["tasks.ts", "tasks/tasks.ts"]) if (existsSync(resolve(candidate))) return resolve(candidate);
  if (existsSync(PROJECT_TASKS)) return PROJECT_TASKS;
  throw new UnderlayError("USAGE", `no tasks file: looked for ${resolve("tasks.ts")} and ${resolve("tasks/tasks.ts")} — pass one with -f <tasks.ts>`);
}

/**
 * Imports a tasks file; its default export (or `tasks` export) must come from `defineTasks`.
 *
 * @example
 * ```ts
 * const set = await loadTasks("tasks/tasks.ts");
 * ```
 */
export async function loadTasks(file: string): Promise<TaskSet> {
  if (!existsSync(file)) throw new UnderlayError("USAGE", `tasks file ${file} not found — pass one with -f <tasks.ts>`);
  let mod: Readonly<Record<string, unknown>>;
  try {
    mod = esExports(await importUserModule(file));
  } catch (e) {
    if (e instanceof UnderlayError) throw e;
    throw new UnderlayError("USAGE", `cannot load tasks file ${file}: ${(e as Error).message ?? String(e)}`, { cause: e });
  }
  const set = mod.default ?? mod.tasks;
  if (!isTaskSet(set)) throw new UnderlayError("USAGE", `tasks file ${file} does not export a task set — end it with \`export default defineTasks({ … })\``);
  return set;
}

function listing(set: TaskSet): string {
  const names = Object.keys(set.tasks);
  const w = Math.max(4, ...names.map((n) => n.length));
  return names
    .map((n) => {
      const t = set.tasks[n];
      const deps = t?.deps?.length ? `(after ${t.deps.join(", ")})` : "";
      return `  ${n.padEnd(w)}  ${[t?.description ?? "", deps].filter((x) => x !== "").join(" ")}`.trimEnd();
    })
    .join("\n");
}

/**
 * Runs `underlay run`.
 *
 * @example
 * ```ts
 * await run(ctx); // ▶ demo … ✓ demo  2.1 s
 * ```
 */
export async function run(ctx: CliContext): Promise<number> {
  const file = tasksFile(stringOption(ctx, "file"));
  const set = await loadTasks(file);
  if (booleanOption(ctx, "list")) {
    if (ctx.flags.json) ctx.io.out(jsonText(Object.entries(set.tasks).map(([name, t]) => ({ name, description: t.description ?? null, deps: t.deps ?? [] }))));
    else ctx.io.out(`Tasks in ${file}:\n${listing(set)}`);
    return EXIT.OK;
  }
  const [target, ...args] = ctx.positionals;
  if (target === undefined) throw new UnderlayError("USAGE", `\`underlay run\` needs a task name — tasks in ${file}: ${Object.keys(set.tasks).join(", ")}`);
  const r = await runTasks(set, target, {
    dryRun: booleanOption(ctx, "dry-run"),
    keep: booleanOption(ctx, "keep"),
    args,
    onEvent: ctx.display.task,
    // Labs a run leaves up outlive the command (`underlay down` removes them).
    applyDefaults: { executor: ctx.executor, stateDir: ctx.flags.stateDir, persist: true },
    handleSignals: true,
  });
  ctx.display.close();
  if (ctx.flags.json) {
    ctx.io.out(JSON.stringify({ type: "result", ok: true, command: "run", task: target, order: r.order, labsUp: r.labsUp, ms: r.ms }));
  } else if (!ctx.flags.quiet) {
    ctx.io.out(`✓ run ${target}: ${r.order.length} task${r.order.length === 1 ? "" : "s"} in ${fmtMs(r.ms)}${r.labsUp.length > 0 ? `; labs left up: ${r.labsUp.join(", ")} (tear down with \`underlay down <lab.ts>\`)` : ""}.`);
  }
  return EXIT.OK;
}
