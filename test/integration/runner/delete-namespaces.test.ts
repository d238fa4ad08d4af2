/**
 * `deleteNamespaces`, the teardown path of a completed lab, on the real kernel: namespaces by
 * name, newest phase first, one batch per phase, a namespace already gone counted as deleted.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { localExecutor, type RunEvent } from "../../../sdk/index.ts";
import { deleteNamespaces } from "../../../sdk/runner/delete-namespaces.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("udn");

afterAll(() => {
  expect(removeNetnsWithPrefix(prefix), "residue").toEqual([]);
});

describe.runIf(requireRoot("deleteNamespaces"))("deleteNamespaces (real kernel)", () => {
  it("deletes newest phase first in one process per phase, and counts a namespace already gone as deleted", async () => {
    const [host, a, b, gone] = ["h", "a", "b", "gone"].map((x) => `${prefix}-${x}`) as [string, string, string, string];
    for (const ns of [host, a, b]) execFileSync("ip", ["netns", "add", ns]);
    const runs: string[] = [];
    const executor = localExecutor({ onCommand: (c) => runs.push(`${c.argv.join(" ")}: ${(c.input ?? "").trim().split("\n").join(", ")}`) });
    const events: RunEvent[] = [];
    const r = await deleteNamespaces(executor, [[0, [host]], [3, [a, gone, b]]], (e) => events.push(e));
    expect(r.failed).toEqual([]);
    expect(r.undone).toEqual([`netns:${a}`, `netns:${gone}`, `netns:${b}`, `netns:${host}`]);
    // One process per phase: a batch that goes on past failures, or the lone command itself.
    expect(runs).toEqual([`ip -force -batch -: netns del ${a}, netns del ${gone}, netns del ${b}`, `ip netns del ${host}: `]);
    expect(events.map((e) => (e.type === "op-undone" ? e.id : e.type))).toEqual(r.undone);
    expect(netnsWithPrefix(prefix)).toEqual([]);
  });

  it("builds no events without a listener and reports nothing for no namespaces", async () => {
    const r = await deleteNamespaces(localExecutor(), [[3, []]], null);
    expect(r).toEqual({ undone: [], failed: [] });
  });
});
