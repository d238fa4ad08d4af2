/**
 * How the fixtures drive a runner, with stand-in hooks and labs (no kernel): the vitest fixture
 * brings the lab up before `use` and down after it even when the test throws; `useLab` per test
 * and per file; `labTest` takes a lab down after its test, and a test that never finishes (timed
 * out, abandoned by the runner) has its lab taken down by the sweep hook.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError, type DownResult, type UpResult } from "../../../sdk/index.ts";
import { labFixture, labTest, useLab, type Hook, type TestLabBuilder } from "../../../sdk/testing/index.ts";
import { rejection, thrown } from "../../support/errors.ts";

/** Stand-in labs: each up and down is logged. */
function labs(log: string[]): (name: string) => TestLabBuilder {
  return (name) => ({
    name,
    spec: () => ({ name, host: `${name}-h`, sandbox: true, endpoints: [{ name: "web", attachments: [] }] }),
    up: async () => {
      log.push(`up ${name}`);
      return {
        lab: name,
        down: async (): Promise<DownResult> => {
          log.push(`down ${name}`);
          return { lab: name, removed: 1, ids: [], stopped: [], ms: 0 };
        },
      } as unknown as UpResult;
    },
  });
}

/** Stand-in labs whose `up` finishes only when `release()` is called. */
function slowLabs(log: string[]): { build: (name: string) => TestLabBuilder; release: () => void } {
  const fast = labs(log);
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  return {
    release: () => release(),
    build: (name) => {
      const b = fast(name);
      return { ...b, up: async (o) => { await gate; if (o?.signal?.aborted === true) { log.push(`rolled back ${name}`); throw new UnderlayError("ABORTED", "interrupted"); } return b.up(o); } };
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** A runner with hook registries. */
function hooks() {
  const registered: Record<string, (() => Promise<void>)[]> = { beforeEach: [], afterEach: [], beforeAll: [], afterAll: [], test: [] };
  const hook = (kind: string): Hook => (fn) => void registered[kind]?.push(fn);
  return {
    registered,
    beforeEach: hook("beforeEach"),
    afterEach: hook("afterEach"),
    beforeAll: hook("beforeAll"),
    afterAll: hook("afterAll"),
    test: (_title: string, fn: () => Promise<void>) => void registered.test?.push(fn),
    run: async (kind: string) => {
      for (const fn of registered[kind] ?? []) await fn();
    },
  };
}

describe("labFixture (vitest)", () => {
  it("is up for use() and down afterwards, also when the test throws; records the lab on the task", async () => {
    const log: string[] = [];
    const fixture = labFixture(labs(log), { prefix: "f" });
    const task = { meta: {} as Record<string, unknown> };
    const e = await rejection(
      fixture({ task }, async (lab) => {
        log.push(`test ${lab.lab}`);
        throw new UnderlayError("STEP_FAILED", "the test failed");
      }),
    );
    expect(e.message).toBe("the test failed");
    const name = task.meta.underlayLab as string;
    expect(log).toEqual([`up ${name}`, `test ${name}`, `down ${name}`]);
    expect(fixture.toString()).toMatch(/^async \(\{ task, signal \}, use\) =>/);
  });

  it("follows the test's signal: a test that times out while its lab comes up gets no lab, and none is left", async () => {
    const log: string[] = [];
    const { build, release } = slowLabs(log);
    const controller = new AbortController();
    let used = false;
    const setup = labFixture(build)({ signal: controller.signal }, async () => {
      used = true;
    });
    await tick();
    controller.abort(new Error("Test timed out in 5000ms."));
    release();
    const e = await rejection(setup);
    expect(e.code).toBe("ABORTED");
    expect(used).toBe(false);
    expect(log.map((l) => l.split(" ")[0])).toEqual(["rolled"]);
  });

  it("refuses a factory that renames the lab", async () => {
    const fixture = labFixture(() => labs([])("other"));
    const e = await rejection(fixture({}, async () => {}));
    expect(e.code).toBe("USAGE");
    expect(e.message).toMatch(/^the lab factory must name its lab with the name it is given \(u\w+\) but returned a lab named "other" — write \(name\) => lab\(name, …\)$/);
  });
});

describe("useLab", () => {
  it("per test: a new lab in each beforeEach, taken down in afterEach; the getter throws outside a test", async () => {
    const log: string[] = [];
    const r = hooks();
    const lab = useLab(r, labs(log));
    expect(thrown(() => lab()).message).toBe("no lab is up here: call the getter useLab() returned inside a test — the lab is up from beforeEach to afterEach");
    await r.run("beforeEach");
    const first = lab().lab;
    await r.run("afterEach");
    await r.run("beforeEach");
    const second = lab().lab;
    await r.run("afterEach");
    expect(first).not.toBe(second);
    expect(log).toEqual([`up ${first}`, `down ${first}`, `up ${second}`, `down ${second}`]);
  });

  it("a before hook that timed out while the lab came up: the after hook takes the lab down once it is up", async () => {
    const log: string[] = [];
    const { build, release } = slowLabs(log);
    const r = hooks();
    const lab = useLab(r, build);
    const before = r.run("beforeEach"); // abandoned by the runner: it timed out
    await tick();
    const after = r.run("afterEach");
    release();
    await Promise.all([before, after]);
    expect(log.map((l) => l.split(" ")[0])).toEqual(["up", "down"]);
    expect(() => lab()).toThrow("no lab is up here");
  });

  it("per file: one lab from beforeAll to afterAll", async () => {
    const log: string[] = [];
    const r = hooks();
    const lab = useLab({ beforeAll: r.beforeAll, afterAll: r.afterAll }, labs(log));
    await r.run("beforeAll");
    expect(lab().lab).toBe(lab().lab);
    await r.run("afterAll");
    expect(log).toHaveLength(2);
    expect(r.registered.beforeEach).toEqual([]);
  });
});

describe("labTest", () => {
  it("takes each test's lab down after it, whether it passes or throws", async () => {
    const log: string[] = [];
    const r = hooks();
    const t = labTest(r, labs(log));
    t("passes", ({ lab }) => void log.push(`test ${lab.lab}`));
    t("throws", () => {
      throw new Error("boom");
    });
    const [pass, fail] = r.registered.test as (() => Promise<void>)[];
    await pass?.();
    await expect(fail?.()).rejects.toThrow("boom");
    await r.run("afterEach");
    expect(log.map((l) => l.split(" ")[0])).toEqual(["up", "test", "down", "up", "down"]);
  });

  it("a test that never finishes (timed out) has its lab taken down by the sweep, and only once", async () => {
    const log: string[] = [];
    const r = hooks();
    let release: () => void = () => {};
    labTest(r, labs(log))("hangs", () => new Promise<void>((done) => (release = done)));
    const abandoned = (r.registered.test as (() => Promise<void>)[])[0]?.();
    await new Promise((res) => setTimeout(res, 10));
    expect(log).toHaveLength(1);
    await r.run("afterEach");
    expect(log.map((l) => l.split(" ")[0])).toEqual(["up", "down"]);
    release();
    await abandoned;
    expect(log).toHaveLength(2);
  });

  it("a test that timed out while its lab came up: the sweep takes the lab down, and the test function never runs", async () => {
    const log: string[] = [];
    const { build, release } = slowLabs(log);
    const r = hooks();
    let ran = false;
    labTest(r, build)("slow start", () => {
      ran = true;
    });
    const abandoned = (r.registered.test as (() => Promise<void>)[])[0]?.();
    await tick();
    const sweep = r.run("afterEach");
    release();
    await Promise.all([abandoned, sweep]);
    expect(ran).toBe(false);
    expect(log.map((l) => l.split(" ")[0])).toEqual(["up", "down"]);
  });

  it("sweeps in afterAll instead when given afterAll (concurrent tests)", () => {
    const r = hooks();
    labTest({ test: r.test, afterAll: r.afterAll }, labs([]));
    expect([r.registered.afterEach?.length, r.registered.afterAll?.length]).toEqual([0, 1]);
  });
});
