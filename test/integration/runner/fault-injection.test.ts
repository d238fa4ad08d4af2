/**
 * Fault injection on the real kernel: for every step k of a representative plan, step k fails
 * (an executor wrapper, and separately the kernel's own refusal), and afterwards a full
 * `ip -json` dump of the sandbox (and of every underlay-marked object in the caller's namespace)
 * equals the dump from before `up`. Runs on the default executor (see vitest.config.ts: once with
 * netlink, once with iproute2).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capabilities, lab, net, UnderlayError, type LabBuilder, type Plan } from "../../../sdk/index.ts";
import { defaultExecutor } from "../../../sdk/runner/context.ts";
import { compareDumps, dump, IGNORED_FIELDS } from "../../../sdk/state/index.ts";
import { failingAt } from "../../support/fault-executor.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("uf");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-fault-"));
// The default executor (netlink where it runs, iproute2 under UNDERLAY_EXECUTOR=iproute2): the suite runs on both.
const executor = await defaultExecutor();
// The test's own sandbox, and in this namespace only what carries an underlay mark: other software
// on a shared machine adds and removes links here all the time.
const own = { prefix: name, includeCaller: { marked: "underlay:" } } as const;

function representative(mtu?: number) {
  const pub = net.macvlan("pub").parent("eth0.50").subnet("10.50.0.0/24").subnet("fd00:50::/64").hostAccess({ ip: "10.50.0.250" });
  const pubNoVlan = net.macvlan("pub").parent("eth0").subnet("10.50.0.0/24").subnet("fd00:50::/64").hostAccess({ ip: "10.50.0.250" });
  const iso = net.macvlan("iso").subnet("10.60.0.0/24").internal();
  const p = mtu === undefined ? pubNoVlan : pubNoVlan.mtu(mtu);
  void pub; // VLAN parents need 8021q: the kernel lab runs the same test with them.
  return lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", p, { ip: "10.50.0.10" }).endpoint("b", p).endpoint("b", iso).endpoint("c", iso);
}

/** The plan exactly as `up` compiles it on this kernel (dummy fallback, link naming). */
async function planAsUp(l: LabBuilder): Promise<Plan> {
  const caps = await capabilities(executor);
  return l.plan({ dummy: caps.kinds.dummy, nameInTarget: caps.nameInTarget });
}

afterAll(() => {
  const left = removeNetnsWithPrefix(name);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "namespaces left behind").toEqual([]);
});

describe.runIf(requireRoot("fault injection"))("fault injection on the real kernel", () => {
  it("leaves the machine exactly as before when step k fails, for every k", async () => {
    const l = representative();
    const plan = await planAsUp(l);
    const before = await dump(executor, own);
    const leftovers: string[] = [];
    let tried = 0;
    for (const op of plan.ops) {
      const faulty = failingAt(executor, op);
      let err: unknown = null;
      try {
        await l.up({ executor: faulty, stateDir, handleSignals: false });
      } catch (e) {
        err = e;
      }
      expect(faulty.hit(), `step ${op.id} was never reached`).toBe(true);
      expect(err, `step ${op.id}`).toBeInstanceOf(UnderlayError);
      expect((err as UnderlayError).code, `${op.id}: ${(err as Error).message}`).toBe("STEP_FAILED");
      expect((err as UnderlayError).step?.id).toBe(op.id);
      expect((err as UnderlayError).rolledBack).toBe(true);
      tried++;
      const after = await dump(executor, own);
      const cmp = compareDumps(before, after);
      if (!cmp.equal) leftovers.push(`${op.id}: ${cmp.differences.join("; ")}`);
      for (const ep of plan.endpoints) if (existsSync(`/etc/netns/${ep.netns}`)) leftovers.push(`${op.id}: /etc/netns/${ep.netns} left`);
      expect(existsSync(join(stateDir, `${name}.journal`)), `${op.id}: journal left`).toBe(false);
    }
    console.log(`fault injection: ${tried} steps tried, ${leftovers.length} leftovers; ignored fields: ${IGNORED_FIELDS.map((f) => f.field).join(", ")}`);
    expect(leftovers).toEqual([]);
    expect(tried).toBe(plan.ops.length);
  }, 240_000);

  it("rolls back when the kernel itself refuses a step (MTU above the parent's)", async () => {
    const l = representative(9000);
    const before = await dump(executor, own);
    const err = await l.up({ executor, stateDir, handleSignals: false }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnderlayError);
    expect((err as UnderlayError).code).toBe("STEP_FAILED");
    expect((err as Error).message).toMatch(/mtu 9000/);
    expect((err as Error).message).toMatch(/rolled back \d+ completed steps/);
    expect(compareDumps(before, await dump(executor, own)).equal).toBe(true);
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("never deletes what it found in place: a pre-existing namespace of the same name stops it before any change", async () => {
    const l = representative();
    const plan = await planAsUp(l);
    const victim = plan.endpoints[1]?.netns as string;
    await executor.run({ netns: null, argv: ["ip", "netns", "add", victim] });
    try {
      const before = await dump(executor, own);
      const err = await l.up({ executor, stateDir, handleSignals: false }).then(() => null, (e: unknown) => e);
      expect((err as UnderlayError).code).toBe("PREFLIGHT");
      expect((err as Error).message).toContain(`namespace ${victim} already exists and is not this lab's`);
      expect(compareDumps(before, await dump(executor, own)).equal).toBe(true);
      expect(netnsWithPrefix(name)).toEqual([victim]);
    } finally {
      await executor.run({ netns: null, argv: ["ip", "netns", "del", victim] });
    }
  });
});
