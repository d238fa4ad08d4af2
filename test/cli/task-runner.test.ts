/**
 * The task runner's logic with small fake tasks (pure, no root): graph checks, deps-first order,
 * bounded concurrency, transactional rollback newest first, --keep, dry runs, and how
 * `ctx.apply` registers and retires a lab's teardown (with a fake `applyLab`).
 */
import { describe, expect, it } from "vitest";
import { UnderlayError, type DownResult, type UpOptions, type UpResult } from "../../sdk/index.ts";
import { defineTasks, executionOrder, runTasks, type ApplyLab, type LabLike, type TaskEvent } from "../../tasks/task-runner/index.ts";
import { thrown } from "../support/errors.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function rejected(p: Promise<unknown>): Promise<UnderlayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UnderlayError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

/** A fake `up`: records applies and downs in `log`; `changed` says whether the lab was created. */
function fakeApply(log: string[], changed = 1): ApplyLab {
  return async (lab: LabLike, options: UpOptions): Promise<UpResult> => {
    log.push(`${options.dryRun ? "plan" : "up"} ${lab.name}`);
    const down = async (): Promise<DownResult> => {
      log.push(`down ${lab.name}`);
      return { lab: lab.name, removed: 1, ids: [], stopped: [], ms: 0 };
    };
    return { lab: lab.name, changed: options.dryRun ? 3 : changed, dryRun: options.dryRun === true, down, [Symbol.asyncDispose]: async () => void (await down()) } as unknown as UpResult;
  };
}

const fakeLab = (name: string): LabLike => ({ name, spec: () => ({ name, host: null, sandbox: true, endpoints: [] }), plan: () => { throw new Error("not planned in this test"); } });

describe("defineTasks checks the graph at once", () => {
  it("lists unknown deps, self deps and missing run functions as issues", () => {
    const e = thrown(() => defineTasks({ a: { deps: ["zz", "a"], run: () => 1 }, b: {} as never }));
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => i.path)).toEqual(["tasks.a.deps[0]", "tasks.a.deps[1]", "tasks.b.run"]);
    expect(e.message).toContain('unknown task "zz"');
  });

  it("names a cycle", () => {
    const e = thrown(() => defineTasks({ a: { deps: ["b"], run() {} }, b: { deps: ["c"], run() {} }, c: { deps: ["a"], run() {} } }));
    expect(e.issues[0]?.message).toContain("dependency cycle a → b → c → a");
  });

  it("orders deps first, in the order they are listed, each once", () => {
    const set = defineTasks({ a: { run() {} }, b: { deps: ["a"], run() {} }, c: { deps: ["a"], run() {} }, d: { deps: ["c", "b"], run() {} } });
    expect(executionOrder(set.tasks, "d")).toEqual(["a", "c", "b", "d"]);
    expect(thrown(() => executionOrder(set.tasks, "nope")).message).toContain("known tasks: a, b, c, d");
  });
});

describe("runTasks", () => {
  it("runs deps before dependants and passes results along", async () => {
    const log: string[] = [];
    const set = defineTasks({
      a: { run: () => (log.push("a"), 40) },
      b: { deps: ["a"], run: (ctx) => (log.push("b"), (ctx.results.get("a") as number) + 2) },
    });
    const r = await runTasks(set, "b");
    expect(log).toEqual(["a", "b"]);
    expect(r.results.get("b")).toBe(42);
    expect(r.order).toEqual(["a", "b"]);
  });

  it("runs independent tasks concurrently, two at a time", async () => {
    let now = 0;
    let peak = 0;
    const work = async () => {
      peak = Math.max(peak, ++now);
      await sleep(30);
      now--;
    };
    const set = defineTasks({ a: { run: work }, b: { run: work }, c: { run: work }, d: { run: work }, all: { deps: ["a", "b", "c", "d"], run() {} } });
    const t0 = performance.now();
    await runTasks(set, "all");
    expect(peak).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55); // 4 × 30 ms in 2 lanes
    peak = 0;
    await runTasks(set, "all", { concurrency: 1 });
    expect(peak).toBe(1);
  });

  it("rolls back what earlier tasks did, newest first, when a later task fails", async () => {
    const log: string[] = [];
    const set = defineTasks({
      net: { run: (ctx) => ctx.apply(fakeLab("l1")), undo: () => void log.push("undo net") },
      extra: { deps: ["net"], run: (ctx) => ctx.onUndo("remove marker", () => log.push("undo marker")) },
      more: { deps: ["extra"], run: (ctx) => ctx.apply(fakeLab("l2")) },
      boom: {
        deps: ["more"],
        run: () => {
          throw new Error("smoke test failed");
        },
        undo: () => void log.push("undo boom (must not run)"),
      },
    });
    const events: TaskEvent[] = [];
    const e = await rejected(runTasks(set, "boom", { applyLab: fakeApply(log), onEvent: (ev) => events.push(ev) }));
    expect(e.code).toBe("STEP_FAILED");
    expect(e.rolledBack).toBe(true);
    expect(e.message).toMatch(/^task boom failed: smoke test failed\nrolled back 4 steps, newest first: lab l2, remove marker, undo net, lab l1$/);
    expect(log).toEqual(["up l1", "up l2", "down l2", "undo marker", "undo net", "down l1"]);
    expect(events.filter((x) => x.type === "undo-done").map((x) => (x.type === "undo-done" ? x.label : ""))).toEqual(["lab l2", "remove marker", "undo net", "lab l1"]);
  });

  it("tears down a lab the failing task itself applied, and skips tasks that can no longer run", async () => {
    const log: string[] = [];
    const set = defineTasks({
      half: {
        run: async (ctx) => {
          await ctx.apply(fakeLab("mine"));
          throw new UnderlayError("INVALID_SPEC", "bad lab", { issues: [{ path: "networks.x", message: "nope" }] });
        },
      },
      after: { deps: ["half"], run: () => void log.push("after (must not run)") },
    });
    const e = await rejected(runTasks(set, "after", { applyLab: fakeApply(log) }));
    expect(e.code).toBe("INVALID_SPEC"); // a validation error keeps its code (CLI exit 2)
    expect(e.issues).toEqual([{ path: "networks.x", message: "nope" }]);
    expect(e.message).toContain("(not run: after)");
    expect(log).toEqual(["up mine", "down mine"]);
  });

  it("keeps everything with keep, and says what was kept", async () => {
    const log: string[] = [];
    const set = defineTasks({
      a: { run: (ctx) => ctx.apply(fakeLab("kept")), undo: () => void log.push("undo a") },
      b: {
        deps: ["a"],
        run: () => {
          throw new Error("no");
        },
      },
    });
    const e = await rejected(runTasks(set, "b", { applyLab: fakeApply(log), keep: true }));
    expect(e.rolledBack).toBe(false);
    expect(e.message).toContain("--keep: left in place: lab kept, undo a");
    expect(log).toEqual(["up kept"]);
  });

  it("leaves labs up after success; a lab torn down by its task is not torn down again", async () => {
    const log: string[] = [];
    const set = defineTasks({
      stays: { run: (ctx) => ctx.apply(fakeLab("stays")) },
      gone: {
        deps: ["stays"],
        run: async (ctx) => {
          const up = await ctx.apply(fakeLab("gone"));
          await up.down();
        },
      },
      fail: {
        deps: ["gone"],
        run: () => {
          throw new Error("x");
        },
      },
    });
    const ok = await runTasks(set, "gone", { applyLab: fakeApply(log) });
    expect(ok.labsUp).toEqual(["stays"]);
    log.length = 0;
    await rejected(runTasks(set, "fail", { applyLab: fakeApply(log) }));
    expect(log).toEqual(["up stays", "up gone", "down gone", "down stays"]);
  });

  it("does not register a lab that was already up (the run did not create it)", async () => {
    const log: string[] = [];
    const set = defineTasks({
      a: { run: (ctx) => ctx.apply(fakeLab("old")) },
      b: {
        deps: ["a"],
        run: () => {
          throw new Error("x");
        },
      },
    });
    await rejected(runTasks(set, "b", { applyLab: fakeApply(log, 0) }));
    expect(log).toEqual(["up old"]);
  });

  it("dry-run plans labs instead of applying them and registers nothing", async () => {
    const log: string[] = [];
    const set = defineTasks({ a: { run: async (ctx) => (await ctx.apply(fakeLab("d"))).changed } });
    const r = await runTasks(set, "a", { applyLab: fakeApply(log), dryRun: true, args: ["--x"] });
    expect(log).toEqual(["plan d"]);
    expect(r.results.get("a")).toBe(3);
    expect(r.labsUp).toEqual([]);
  });

  it("reports a failing undo as ROLLBACK_FAILED and still runs the other undos", async () => {
    const log: string[] = [];
    const set = defineTasks({
      a: { run() {}, undo: () => void log.push("undo a") },
      b: {
        deps: ["a"],
        run() {},
        undo: () => {
          throw new Error("device busy");
        },
      },
      c: {
        deps: ["b"],
        run: () => {
          throw new Error("x");
        },
      },
    });
    const e = await rejected(runTasks(set, "c"));
    expect(e.code).toBe("ROLLBACK_FAILED");
    expect(e.message).toContain("ROLLBACK INCOMPLETE — undo b (device busy); rolled back: undo a");
    expect(log).toEqual(["undo a"]);
  });

  it("aborts ctx.signal of a concurrent task when another fails, and rolls back its work too", async () => {
    const log: string[] = [];
    const set = defineTasks({
      slow: {
        run: async (ctx) => {
          await sleep(40);
          log.push(`slow saw abort: ${ctx.signal.aborted}`);
        },
        undo: () => void log.push("undo slow"),
      },
      fast: {
        run: async () => {
          await sleep(5);
          throw new Error("fast failed");
        },
      },
      both: { deps: ["slow", "fast"], run() {} },
    });
    const e = await rejected(runTasks(set, "both"));
    expect(e.message).toContain("task fast failed: fast failed (not run: both)");
    expect(log).toEqual(["slow saw abort: true", "undo slow"]);
  });
});
