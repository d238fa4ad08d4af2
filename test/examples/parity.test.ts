/**
 * The same example source runs on Bun, Deno and Node: every example's `--plan` is byte-identical
 * under the three runtimes (pure, no root) and is the plan written down below (its number of ops
 * and every endpoint's interfaces and addresses), and one real sandboxed run (macvlan-bridge: up,
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

/** What a plan of an example must be: its lab, how many ops, and each endpoint's interfaces with their addresses. */
interface ExpectedPlan {
  readonly lab: string;
  readonly ops: number;
  readonly endpoints: Readonly<Record<string, readonly string[]>>;
}

/**
 * The plans of each variant (`<example> <args>`), one per lab the example plans, written down from
 * the examples' source: a change to an example, the planner or IPAM shows up here as a diff.
 */
const expected: Readonly<Record<string, readonly ExpectedPlan[]>> = {
  "host-access --plan": [
    { lab: "ha", ops: 25, endpoints: { c1: ["eth0 172.16.86.10/24"], c2: ["eth0 172.16.86.2/24"] } },
  ],
  "internal --plan": [
    { lab: "iso", ops: 31, endpoints: {
      cid1: ["eth0 192.168.10.2/24"], cid2: ["eth0 192.168.11.2/24"], cid3: ["eth0 172.18.0.2/16"],
    } },
  ],
  "ipvlan-l2 --plan": [
    { lab: "ipl2", ops: 19, endpoints: { c1: ["eth0 192.168.1.2/24"], c2: ["eth0 192.168.1.3/24"] } },
  ],
  "ipvlan-l2-dual-stack --plan": [
    { lab: "ivds", ops: 38, endpoints: {
      c1: ["eth0 192.168.140.2/24 2001:db8:abc9::1/64"], c2: ["eth0 192.168.140.10/24 2001:db8:abc9::2/64"],
      c3: ["eth0 192.168.142.10/24 2001:db8:abc9::3/64"],
    } },
  ],
  "ipvlan-l2-gateway --plan": [
    { lab: "ipgw", ops: 19, endpoints: { ipv1: ["eth0 192.168.1.2/24"], ipv2: ["eth0 192.168.1.3/24"] } },
  ],
  "ipvlan-l3 --plan": [
    { lab: "ipl3", ops: 33, endpoints: {
      c1: ["eth0 192.168.214.10/24"], c2: ["eth0 10.1.214.10/24"], c3: ["eth0 192.168.214.9/24"],
      c4: ["eth0 10.1.214.9/24"],
    } },
  ],
  "ipvlan-l3-dual-stack --plan": [
    { lab: "il3ds", ops: 48, endpoints: {
      c1: ["eth0 192.168.110.2/24 2001:db8:abc6::2/64"], c2: ["eth0 192.168.110.3/24 2001:db8:abc6::10/64"],
      c3: ["eth0 192.168.112.50/24 2001:db8:abc6::3/64"], c4: ["eth0 192.168.112.51/24 2001:db8:abc6::50/64"],
    } },
  ],
  "ipvlan-trunk --plan": [
    { lab: "ivt", ops: 63, endpoints: {
      t1: ["eth0 192.168.20.2/24"], t2: ["eth0 192.168.20.3/24"], t3: ["eth0 192.168.30.2/24"],
      t4: ["eth0 192.168.30.3/24"], s1: ["eth0 192.168.114.10/24"], s2: ["eth0 192.168.114.11/24"],
      s3: ["eth0 192.168.116.10/24"],
    } },
  ],
  "ipvlan-v6-only --plan": [
    { lab: "iv6", ops: 38, endpoints: {
      c1: ["eth0 172.18.0.2/16 2001:db8:abc2::1/64"], c2: ["eth0 172.18.0.3/16 2001:db8:abc2::2/64"],
      c3: ["eth0 172.18.0.4/16 2001:db8:abc2::51/64"],
    } },
  ],
  "macvlan-bridge --plan": [
    { lab: "mvb", ops: 19, endpoints: { c1: ["eth0 172.16.86.10/24"], c2: ["eth0 172.16.86.2/24"] } },
  ],
  "macvlan-dual-stack --plan": [
    { lab: "mvds", ops: 48, endpoints: {
      t1: ["eth0 192.168.216.10/24 2001:db8:abc8::1/64"], t2: ["eth0 192.168.218.10/24 2001:db8:abc8::2/64"],
      t3: ["eth0 192.168.216.11/24 2001:db8:abc8::3/64"], t4: ["eth0 192.168.218.11/24 2001:db8:abc8::4/64"],
    } },
  ],
  "macvlan-ip-range --plan": [
    { lab: "mva", ops: 19, endpoints: { p1: ["eth0 172.16.86.2/24"], p2: ["eth0 172.16.86.3/24"] } },
    { lab: "mvr", ops: 19, endpoints: { r1: ["eth0 192.168.32.128/24"], r2: ["eth0 192.168.32.129/24"] } },
  ],
  "macvlan-trunk --plan": [
    { lab: "mvt", ops: 70, endpoints: {
      t5: ["eth0 192.168.50.2/24"], t6: ["eth0 192.168.50.3/24"], t7: ["eth0 192.168.60.2/24"],
      t8: ["eth0 192.168.60.3/24"], m10: ["eth0 192.168.210.10/24"], m9: ["eth0 192.168.210.9/24"],
      n10: ["eth0 192.168.212.10/24"], n9: ["eth0 192.168.212.9/24"],
    } },
  ],
  "manual-vlan --plan": [
    { lab: "mvl", ops: 16, endpoints: { t5: ["eth0 192.168.40.2/24"], t6: ["eth0 192.168.40.3/24"] } },
  ],
  "two-host-l3 --plan": [
    { lab: "l3a", ops: 16, endpoints: { a1: ["eth0 10.1.10.2/24"], a2: ["eth0 10.1.10.3/24"] } },
    { lab: "l3b", ops: 16, endpoints: { b1: ["eth0 10.1.20.2/24"], b2: ["eth0 10.1.20.3/24"] } },
  ],
  "macvlan-trunk --plan --parent ens3 --lab t1": [
    { lab: "t1", ops: 66, endpoints: {
      t5: ["eth0 192.168.50.2/24"], t6: ["eth0 192.168.50.3/24"], t7: ["eth0 192.168.60.2/24"],
      t8: ["eth0 192.168.60.3/24"], m10: ["eth0 192.168.210.10/24"], m9: ["eth0 192.168.210.9/24"],
      n10: ["eth0 192.168.212.10/24"], n9: ["eth0 192.168.212.9/24"],
    } },
  ],
  "manual-vlan --plan --parent ens3 --lab t2": [
    { lab: "t2", ops: 15, endpoints: { t5: ["eth0 192.168.40.2/24"], t6: ["eth0 192.168.40.3/24"] } },
  ],
};

const variantKey = (v: (typeof variants)[number]): string => `${v.example} ${v.args.join(" ")}`;

/** A plan as {@link ExpectedPlan} reads it. */
function planShape(p: PlanData): ExpectedPlan {
  return {
    lab: p.lab,
    ops: p.ops.length,
    endpoints: Object.fromEntries(p.endpoints.map((e) => [e.name, e.interfaces.map((i) => [i.name, ...i.addresses].join(" "))])),
  };
}

it("every variant has its expected plans written down, and nothing else is", () => {
  expect(Object.keys(expected).sort()).toEqual(variants.map(variantKey).sort());
});

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
      expect(plans.map(planShape)).toEqual(expected[variantKey(v)]);
      for (const p of plans) {
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
