/**
 * Every example on this machine's kernel, under Node: those whose link kinds the kernel has run
 * for real in their sandbox (up, ping matrix as the documents say, verify, down) and exit 0;
 * the others exit 0 after saying which kernel option is missing and printing the plan. Each run
 * uses a unique lab name and its own state directory, and leaves no namespace behind.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capabilities, localExecutor, type Capabilities } from "../../sdk/index.ts";
import { kernelOption } from "../../sdk/runner/hints.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../support/netns.ts";
import { examples, needs, pool, runExampleProcess, type ExampleRun } from "./support.ts";

describe.runIf(requireRoot("examples on the real kernel"))("every example, for real under Node", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-examples-"));
  const names = new Map(examples.map((e) => [e, uniqueName("ex")]));
  let caps: Capabilities;
  let runs = new Map<string, Promise<ExampleRun>>();

  beforeAll(async () => {
    caps = await capabilities(localExecutor());
    const started = pool(examples.map((e) => () => runExampleProcess("node", e, ["--lab", names.get(e) as string], { UNDERLAY_STATE_DIR: stateDir })), 2);
    runs = new Map(examples.map((e, i) => [e, started[i] as Promise<ExampleRun>]));
  });

  afterAll(async () => {
    await Promise.allSettled(runs.values());
    for (const name of names.values()) {
      removeNetnsWithPrefix(`${name}`);
      removeNetnsWithPrefix(`ex-${name}`);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("has a kernel-needs entry for every example (the README table)", () => {
    expect(Object.keys(needs).sort()).toEqual([...examples]);
  });

  for (const example of examples) {
    it(`${example}: runs if the kernel can, else explains what is missing; exits 0 and leaves nothing`, async () => {
      const run = await (runs.get(example) as Promise<ExampleRun>);
      const name = names.get(example) as string;
      const missing = (needs[example] ?? []).filter((k) => !caps.kinds[k]);
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).toBe(0);
      if (missing.length === 0) {
        expect(run.stdout).toContain("ping matrix");
        expect(run.stdout).toMatch(/from\\to/);
        expect(run.stdout).not.toContain("NOT as expected");
        expect(run.stdout).not.toMatch(/^ {2}! /m); // no probe that broke the documents' rules
        expect(run.stdout).toMatch(/verify: lab \S+ matches its plan/);
        expect(run.stdout).toMatch(/down: lab \S+ — \d+ removed/);
        expect(run.stdout.trimEnd().endsWith("ok")).toBe(true);
      } else {
        expect(run.stdout).toContain(`this kernel lacks ${missing.map(kernelOption).join(" and ")} — the plan is below`);
        expect(run.stdout).toContain("kernel lab");
        expect(run.stdout).toContain("underlay plan — lab");
        expect(run.stdout).not.toContain("up: lab");
      }
      expect(netnsWithPrefix(name)).toEqual([]);
      expect(netnsWithPrefix(`ex-${name}`)).toEqual([]);
      expect(readdirSync(stateDir).filter((f) => f.startsWith(name))).toEqual([]);
    });
  }
});
