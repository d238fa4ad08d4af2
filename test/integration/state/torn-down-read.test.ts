/**
 * A namespace torn down while it is being read: the teardown stops whatever runs inside — the
 * reader's own `ip` included (SIGTERM, then SIGKILL) — waits for it to be gone, and only then
 * deletes the namespace. A read killed that way says nothing about the namespace, so the
 * iproute2 reader reads it again: absent if it is gone by then, its state if it is still there.
 * The whole read never fails for it (a `gc` or `reap` scanning every namespace of a shared
 * machine, while other labs come and go, meets this).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { localExecutor } from "../../../sdk/executor/local.ts";
import { iproute2Executor } from "../../../sdk/executor/iproute2/executor.ts";
import type { Command, ExecResult } from "../../../sdk/executor/types.ts";
import { observe } from "../../../sdk/state/observe.ts";
import { iproute2Reader } from "../../../sdk/state/iproute2-reader.ts";
import { listNetns, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

describe.runIf(requireRoot("reading a namespace that is torn down meanwhile"))("a read cut short by a teardown", () => {
  const prefix = uniqueName("ur");
  const [kept, torn] = [`${prefix}-k`, `${prefix}-t`];
  const local = localExecutor({ fanOut: false });
  /** A fresh `torn` (and `kept`), whatever an earlier test left. */
  const fresh = (): void => {
    spawnSync("ip", ["netns", "del", torn], { stdio: "ignore" });
    for (const ns of [kept, torn]) if (!listNetns().includes(ns)) execFileSync("ip", ["netns", "add", ns]);
  };
  afterAll(() => {
    for (const ns of [kept, torn]) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
    expect(removeNetnsWithPrefix(prefix), "residue").toEqual([]);
  });

  /**
   * An executor whose first read in `torn` is a real program really killed by `signal` inside
   * `torn`; `then` runs right after (the teardown's next move). Every other command is real.
   */
  const killedOnce = (signal: "TERM" | "KILL", then: () => void): { executor: ReturnType<typeof iproute2Executor>; reads: () => number } => {
    let reads = 0;
    const executor = iproute2Executor({
      name: "killed-once",
      run: async (c: Command): Promise<ExecResult> => {
        if (c.netns !== torn || c.argv[0] !== "ip") return local.run(c);
        if (++reads > 1) return local.run(c);
        const r = await local.run({ netns: torn, argv: ["sh", "-c", `kill -${signal} $$`] });
        then();
        return r;
      },
    });
    return { executor, reads: () => reads };
  };

  it("reports a namespace deleted after its read was killed as absent, and reads the other", async () => {
    fresh();
    const { executor, reads } = killedOnce("TERM", () => execFileSync("ip", ["netns", "del", torn]));
    const state = await observe(executor, [kept, torn]);
    expect(reads()).toBe(2);
    expect(state.namespaces.get(torn)?.exists).toBe(false);
    expect(state.namespaces.get(kept)?.links.map((l) => l.name)).toEqual(["lo"]);
  });

  it("reads again a namespace whose read was killed while it is still there (its teardown has not deleted it yet)", async () => {
    fresh();
    const { executor, reads } = killedOnce("KILL", () => {});
    const state = await observe(executor, [kept, torn]);
    expect(reads()).toBe(2);
    expect(state.namespaces.get(torn)?.exists).toBe(true);
    expect(state.namespaces.get(torn)?.links.map((l) => l.name)).toEqual(["lo"]);
  });

  it("never fails while another process tears the namespace down (stops what runs inside, then deletes it), fanned out or not", async () => {
    fresh();
    // Another process's teardown, as `down` does it: stop the processes inside, wait, delete.
    const teardown = (): Promise<number | null> =>
      new Promise((resolve) => spawn("sh", ["-c", 'ip netns pids "$1" | xargs -r kill -TERM; sleep 0.05; ip netns del "$1"', "teardown", torn], { stdio: "ignore" }).on("exit", resolve));
    for (const fanOut of [false, true]) {
      const reader = iproute2Reader(localExecutor({ fanOut }));
      for (let round = 0; round < 10; round++) {
        if (!listNetns().includes(torn)) execFileSync("ip", ["netns", "add", torn]);
        let stop = false;
        const errors: unknown[] = [];
        // Readers keep an `ip` alive in `torn` (and `kept`, two of each so the fan-out is used) while it is torn down.
        const reading = Promise.all(
          [0, 1, 2].map(async () => {
            while (!stop) await reader.dump([torn, kept, torn, kept], { concurrency: 1 }).catch((e: unknown) => errors.push(e));
          }),
        );
        await new Promise((r) => setTimeout(r, 20));
        expect(await teardown()).toBe(0);
        await new Promise((r) => setTimeout(r, 20));
        stop = true;
        await reading;
        expect(errors.map(String), `fanOut ${fanOut}, round ${round}`).toEqual([]);
      }
    }
  });

  it("still fails a read that failed in a namespace that is still there", async () => {
    fresh();
    const executor = iproute2Executor({ name: "broken", run: async (c: Command) => (c.netns === torn ? { code: 1, stdout: "", stderr: "ip: something else went wrong" } : local.run(c)) });
    await expect(observe(executor, [kept, torn])).rejects.toThrow(/something else went wrong/);
  });
});
