/**
 * A namespace torn down while it is being read: the teardown stops whatever runs inside — the
 * reader's own `ip` included — and then deletes it. The iproute2 reader reports that namespace
 * as gone (absent), as it does one deleted before the read began, instead of failing the whole
 * read (a `gc` scanning every namespace of a shared machine meets this).
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { localExecutor } from "../../../sdk/executor/local.ts";
import { iproute2Executor } from "../../../sdk/executor/iproute2/executor.ts";
import type { Command } from "../../../sdk/executor/types.ts";
import { observe } from "../../../sdk/state/observe.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

describe.runIf(requireRoot("reading a namespace that is torn down meanwhile"))("a read cut short by a teardown", () => {
  const prefix = uniqueName("ur");
  const [kept, torn] = [`${prefix}-k`, `${prefix}-t`];
  const local = localExecutor({ fanOut: false });
  afterAll(() => {
    removeNetnsWithPrefix(prefix);
  });

  it("reports the torn-down namespace absent and reads the other", async () => {
    for (const ns of [kept, torn]) execFileSync("ip", ["netns", "add", ns]);
    // The teardown happens while `ip` runs in `torn`: it is killed (SIGTERM, as teardown does), then the namespace goes.
    const executor = iproute2Executor({
      name: "teardown-midway",
      run: async (c: Command) => {
        if (c.netns !== torn) return local.run(c);
        execFileSync("ip", ["netns", "del", torn]);
        return { code: 143, signal: "SIGTERM", stdout: "", stderr: "" };
      },
    });
    const state = await observe(executor, [kept, torn]);
    expect(state.namespaces.get(torn)?.exists).toBe(false);
    expect(state.namespaces.get(kept)?.links.map((l) => l.name)).toEqual(["lo"]);
  });

  it("still fails a read that failed in a namespace that is still there", async () => {
    execFileSync("ip", ["netns", "add", torn]);
    const executor = iproute2Executor({ name: "broken", run: async (c: Command) => (c.netns === torn ? { code: 1, stdout: "", stderr: "ip: something else went wrong" } : local.run(c)) });
    await expect(observe(executor, [kept, torn])).rejects.toThrow(/something else went wrong/);
  });
});
