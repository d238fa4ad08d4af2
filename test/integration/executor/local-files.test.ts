/**
 * File steps carried out in-process by the local executor, in order with the other steps of
 * their batch (as root: they write `/etc/netns/<ns>/hosts`): a batch stops at its first failure
 * unless it goes on past failures (teardown), and failures keep their positions in the batch.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { BatchOutcome, Step, StepBatch } from "../../../sdk/index.ts";
import { fileStep, withLocalFiles } from "../../../sdk/executor/local-files.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("lh");

/** An inner apply that fails every `link-up` step and records what reached it. */
function fakeInner(seen: Step[][]): (batches: readonly StepBatch[]) => Promise<BatchOutcome[]> {
  return async (batches) => {
    seen.push(...batches.map((b) => [...b.steps]));
    return batches.map((b) => ({ failures: b.steps.flatMap((s, index) => (s.kind === "link-up" ? [{ index, message: "RTNETLINK answers: No such device" }] : [])) }));
  };
}

const hostsFile = (ns: string): Step => ({ kind: "hosts-file", id: `hosts:${ns}`, phase: 9, netns: null, namespaces: [ns], content: "127.0.0.1\tlocalhost\n", ensure: false, scope: null, fact: { type: "files", paths: [], content: "" }, summary: "hosts", undo: null });
const linkUp = (dev: string): Step => ({ kind: "link-up", id: `up:${dev}`, phase: 9, netns: null, dev, ensure: false, scope: null, fact: { type: "link-up", netns: null, name: dev }, summary: "up", undo: null });
const routeDel: Step = { kind: "route-del", netns: null, family: 4, dst: "10.0.0.0/24", dev: "x", via: null };

afterAll(() => {
  expect(removeNetnsWithPrefix(prefix), "hosts directories left behind").toEqual([]);
});

describe.runIf(requireRoot("in-process file steps"))("withLocalFiles", () => {
  it("writes a hosts file as the shell rendering does (one final newline), and removes it with its directory", () => {
    const ns = `${prefix}-a`;
    expect(fileStep(hostsFile(ns) as never)).toBeNull();
    expect(readFileSync(`/etc/netns/${ns}/hosts`, "utf8")).toBe("127.0.0.1\tlocalhost\n");
    expect(fileStep({ kind: "hosts-remove", netns: null, namespaces: [ns] })).toBeNull();
    expect(existsSync(`/etc/netns/${ns}`)).toBe(false);
    expect(fileStep({ kind: "hosts-remove", netns: null, namespaces: [ns] })).toBeNull();
  });

  it("stops a batch at its first failure: a file step after a failed step does not run", async () => {
    const seen: Step[][] = [];
    const apply = withLocalFiles(fakeInner(seen));
    const [outcome] = await apply([{ netns: null, steps: [routeDel, linkUp("x"), hostsFile(`${prefix}-b`)] }], { keepGoing: false, concurrency: 2 });
    expect(outcome?.failures).toEqual([{ index: 1, message: "RTNETLINK answers: No such device" }]);
    expect(existsSync(`/etc/netns/${prefix}-b`)).toBe(false);
    expect(seen).toEqual([[routeDel, linkUp("x")]]);
  });

  it("with keepGoing runs every step, keeps failure positions, and passes batches without file steps through together", async () => {
    const seen: Step[][] = [];
    const apply = withLocalFiles(fakeInner(seen));
    const out = await apply(
      [
        { netns: null, steps: [linkUp("x"), hostsFile(`${prefix}-c`), linkUp("y")] },
        { netns: "other", steps: [routeDel] },
      ],
      { keepGoing: true, concurrency: 2 },
    );
    expect(out.map((o) => o.failures.map((f) => f.index))).toEqual([[0, 2], []]);
    expect(existsSync(`/etc/netns/${prefix}-c/hosts`)).toBe(true);
    expect(seen).toEqual([[routeDel], [linkUp("x")], [linkUp("y")]]);
    expect(fileStep({ kind: "hosts-remove", netns: null, namespaces: [`${prefix}-c`] })).toBeNull();
  });
});
