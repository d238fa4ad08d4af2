/**
 * A step whose process is killed by a signal just after it did its work (a terminal's SIGINT
 * reaching `ip`, a test runner stopping a timed-out test's children): `up` cannot know whether it
 * took effect, so its rollback undoes it too — here the namespace that `ip netns add` created
 * before it was "killed" — and nothing is left.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { iproute2Executor, lab, localExecutor, net, type Command } from "../../../sdk/index.ts";
import { rejection } from "../../support/errors.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("uk");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-killed-"));

afterAll(() => {
  const left = removeNetnsWithPrefix(name);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "left behind").toEqual([]);
});

describe.runIf(requireRoot("killed steps"))("a step killed by a signal after doing its work", () => {
  it("is rolled back with the rest: the namespace it created is gone", async () => {
    const local = localExecutor();
    let killed = 0;
    const executor = iproute2Executor({
      name: "killing",
      async run(c: Command) {
        const r = await local.run(c);
        if (killed === 0 && c.argv.join(" ") === `ip netns add ${name}-h`) {
          killed++;
          return { ...r, code: 128, signal: "SIGTERM" };
        }
        return r;
      },
    });
    const pub = net.macvlan("pub").parent("eth0").subnet("10.75.0.0/24");
    const e = await rejection(lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).up({ executor, stateDir, handleSignals: false }));
    expect(killed).toBe(1);
    expect(e.code).toBe("STEP_FAILED");
    expect(e.message).toMatch(/^step 1\/\d+ failed: create namespace \S+ \(ip netns add \S+\): killed by SIGTERM\nrolled back 1 completed step; the system is as it was before$/);
    expect(netnsWithPrefix(name)).toEqual([]);
  });
});
