/**
 * The same example source runs on Bun, Deno and Node: every example's `--plan` is byte-identical
 * under the three runtimes (pure, no root), and one real sandboxed run (macvlan-bridge: up,
 * ping matrix, verify, down) succeeds under each runtime and leaves nothing behind.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PlanData } from "../../sdk/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../support/netns.ts";
import { examples, pool, runExampleProcess, runtimes, type ExampleRun, type Runtime } from "./support.ts";

/** Plans asked for: every example as written, and two retargeted to a real interface under another name. */
const variants: readonly { readonly example: string; readonly args: readonly string[] }[] = [
  ...examples.map((example) => ({ example, args: ["--plan"] })),
  { example: "macvlan-trunk", args: ["--plan", "--parent", "ens3", "--lab", "t1"] },
  { example: "manual-vlan", args: ["--plan", "--parent", "ens3", "--lab", "t2"] },
];

describe("--plan is byte-identical under Bun, Deno and Node", () => {
  const started = pool(variants.flatMap((v) => runtimes.map((r) => () => runExampleProcess(r, v.example, v.args))), 2);
  const resultOf = (i: number, r: number): Promise<ExampleRun> => started[i * runtimes.length + r] as Promise<ExampleRun>;

  variants.forEach((v, i) => {
    it(`${v.example} ${v.args.join(" ")}`, async () => {
      const [node, bun, deno] = await Promise.all(runtimes.map((_, r) => resultOf(i, r)));
      for (const [runtime, run] of [["node", node], ["bun", bun], ["deno", deno]] as const) {
        expect(run?.code, `${runtime}: ${run?.stderr}`).toBe(0);
      }
      expect(bun?.stdout).toBe(node?.stdout);
      expect(deno?.stdout).toBe(node?.stdout);
      const parsed = JSON.parse(node?.stdout ?? "") as PlanData | PlanData[];
      const plans = Array.isArray(parsed) ? parsed : [parsed];
      expect(plans.length).toBeGreaterThan(0);
      for (const p of plans) {
        expect(p.ops.length).toBeGreaterThan(0);
        if (v.args.includes("--parent")) {
          expect(p.host).toBeNull();
          expect(p.sandbox).toBe(false);
          for (const n of p.networks) expect(n.parent).not.toMatch(/^eth0/); // eth0 and eth0.<vid> became ens3 and ens3.<vid>
        } else {
          expect(p.host).toBe(`ex-${p.lab}`);
        }
      }
    });
  });
});

describe.runIf(requireRoot("examples under three runtimes"))("macvlan-bridge for real under each runtime", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-parity-"));
  const names: string[] = [];

  afterAll(() => {
    for (const name of names) {
      removeNetnsWithPrefix(name);
      removeNetnsWithPrefix(`ex-${name}`);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  for (const runtime of runtimes as readonly Runtime[]) {
    it(`${runtime}: up, ping matrix, verify, down — exit 0, nothing left`, async () => {
      const name = uniqueName("ex");
      names.push(name);
      const run = await runExampleProcess(runtime, "macvlan-bridge", ["--lab", name], { UNDERLAY_STATE_DIR: stateDir });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`up: lab ${name}`);
      expect(run.stdout).toContain(`ping matrix — lab ${name}:`);
      expect(run.stdout).toMatch(/^c1 +✓ *$/m);
      expect(run.stdout).toMatch(/^c2 +✓ *$/m);
      expect(run.stdout).toContain(`verify: lab ${name} matches its plan`);
      expect(run.stdout).toMatch(new RegExp(`down: lab ${name} — \\d+ removed`));
      expect(netnsWithPrefix(name)).toEqual([]);
      expect(netnsWithPrefix(`ex-${name}`)).toEqual([]);
      expect(readdirSync(stateDir).filter((f) => f.startsWith(name))).toEqual([]);
    });
  }
});
