/**
 * Kernel lab, scenario 8: rollback on the guest kernel. For every step k of scenario 4's plan
 * (the 802.1Q trunk: dummy stand-ins, four VLAN sub-interfaces, macvlan and ipvlan endpoints),
 * the guest executor is wrapped so that step k fails (`failingAt`: inside an `ip -batch` the lines
 * before it really run); afterwards the guest must be exactly as before: a full dump of the lab's
 * namespaces and of the guest's root namespace (`dump`/`compareDumps`), the root namespace's
 * `ip -json link`, `/etc/netns`, and no journal left on the host.
 *
 * The sandbox plan is undone mostly by deleting namespaces whole; two more passes make every
 * undo run one by one: the same trunk on a host namespace made by hand (VLANs, marks and parents'
 * `up` undone inside a namespace that stays), and a lab that grows an endpoint's second interface
 * (the new link and its rename undone inside an endpoint namespace that stays). And an `up` that
 * dies between creating its links and naming them is completed by the next `up`.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { lab, net, UnderlayError, type Command, type ExecResult, type Executor, type LabBuilder, type Op, iproute2Executor } from "../../sdk/index.ts";
import { compareDumps, dump } from "../../sdk/state/index.ts";
import { failingAt } from "../support/fault-executor.ts";
import { kernelLabReady } from "../support/guest.ts";
import { scenarioSuite, type ScenarioKit } from "./scenario-kit.ts";
import { trunkLab } from "./trunk-lab.ts";

const ready = await kernelLabReady("kernel lab: rollback at every step");

/** Fails each of `steps` in turn while applying `l`; returns how many were tried and what each left behind. */
async function faultEveryStep(kit: ScenarioKit, l: LabBuilder, steps: readonly Op[], prefix: string): Promise<{ tried: number; leftovers: string[]; summary: string }> {
  const rootLinks = async (): Promise<string> => (await kit.guest.ok(["ip", "-json", "link", "show"])).stdout;
  const etcNetns = async (): Promise<string> => (await kit.guest.run(["ls", "-A", "/etc/netns"])).stdout;
  const before = await dump(kit.vm, { prefix });
  const linksBefore = await rootLinks();
  const filesBefore = await etcNetns();
  const leftovers: string[] = [];
  const kinds = new Map<string, number>();
  let tried = 0;
  const t0 = performance.now();
  for (const op of steps) {
    const faulty = failingAt(kit.vm, op);
    const err = await l.up({ ...kit.opts, executor: faulty }).then(() => null, (e: unknown) => e);
    expect(faulty.hit(), `step ${op.id} was never reached`).toBe(true);
    expect(err, `step ${op.id}`).toBeInstanceOf(UnderlayError);
    expect((err as UnderlayError).code, `${op.id}: ${(err as Error).message}`).toBe("STEP_FAILED");
    expect((err as UnderlayError).step?.id).toBe(op.id);
    expect((err as UnderlayError).rolledBack, (err as Error).message).toBe(true);
    tried++;
    kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
    const cmp = compareDumps(before, await dump(kit.vm, { prefix }));
    if (!cmp.equal) leftovers.push(`${op.id}: ${cmp.differences.join("; ")}`);
    if ((await rootLinks()) !== linksBefore) leftovers.push(`${op.id}: the root namespace's links changed`);
    if ((await etcNetns()) !== filesBefore) leftovers.push(`${op.id}: /etc/netns changed: ${await etcNetns()}`);
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  return { tried, leftovers, summary: `${secs} s; ${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}` };
}

describe.runIf(ready)("kernel lab: rollback at every step (Debian kernel under qemu)", () => {
  const { kit, scenario } = scenarioSuite("scenarios-rollback.test.ts");
  let total = { tried: 0, leftovers: 0 };

  scenario("8", "rollback on the guest kernel: a fault at every step of scenario 4's plan leaves the guest exactly as before", async () => {
    const name = "s8";
    const l = trunkLab(name);
    const plan = l.plan(); // the guest has dummy links: the runner plans exactly this
    expect((await dump(kit.vm, { prefix: name })).netns).toEqual([]);
    const r = await faultEveryStep(kit, l, plan.ops, name);
    expect(existsSync(join(kit.opts.stateDir, `${name}.journal`)), "journal left on the host").toBe(false);
    total = { tried: total.tried + r.tried, leftovers: total.leftovers + r.leftovers.length };
    console.log(`kernel-lab fault injection: ${r.tried} steps tried, ${r.leftovers.length} leftovers (sandbox trunk plan; ${r.summary})`);
    kit.note(`fault injection, sandbox trunk plan: ${r.tried} steps tried, ${r.leftovers.length} leftovers`);
    expect(r.leftovers).toEqual([]);
    expect(r.tried).toBe(plan.ops.length);
    // The very same plan, unfaulted, still goes up and down cleanly afterwards.
    await kit.withLab(l, async (up) => expect(up.changed).toBe(plan.ops.length));
  }, 300_000);

  scenario("8.host", "rollback at every step of the same trunk on a host namespace made by hand: VLANs undone one by one, the host's own links kept", async () => {
    const name = "s8n";
    const host = `${name}-h`;
    const g = kit.guest;
    try {
      await g.ok(["ip", "netns", "add", host]);
      for (const base of ["eth0", "eth1"]) {
        await g.ok(["ip", "link", "add", base, "type", "dummy"], { netns: host });
        await g.ok(["ip", "link", "set", base, "up"], { netns: host });
      }
      const l = trunkLab(name, { sandbox: false });
      const plan = l.plan();
      const r = await faultEveryStep(kit, l, plan.ops.filter((o) => o.id !== `netns:${host}`), name);
      total = { tried: total.tried + r.tried, leftovers: total.leftovers + r.leftovers.length };
      console.log(`kernel-lab fault injection: ${r.tried} steps tried, ${r.leftovers.length} leftovers (trunk plan on a host namespace made by hand; ${r.summary})`);
      kit.note(`fault injection, trunk on a hand-made host namespace: ${r.tried} steps tried, ${r.leftovers.length} leftovers`);
      expect(r.leftovers).toEqual([]);
      // (The host namespace's own step is an "ensure" of a namespace found in place: nothing to fail.)
      expect(r.tried).toBe(plan.ops.length - 1);
      await kit.withLab(l, async () => expect((await kit.link(host, "eth1.20")).linkinfo?.info_data).toMatchObject({ id: 20 }));
      expect((await kit.links(host)).map((k) => k.ifname).sort()).toEqual(["eth0", "eth1", "lo"]);
    } finally {
      await g.run(["ip", "netns", "del", host]);
    }
  }, 300_000);

  scenario("8.grow", "rollback at every new step of a lab that grows an endpoint's second interface: back to the lab as it was", async () => {
    const name = "s8g";
    const a = net.ipvlan("a").parent("eth0").mode("l3").subnet("10.8.1.0/24").subnet("fd08:1::/64");
    const b = net.macvlan("b").parent("eth1").subnet("10.8.2.0/24");
    // y is on both networks already, so both parents stay when x's new interface is rolled back:
    // nothing but the rollback itself can remove a half-made link of x.
    const small = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("x", a).endpoint("y", a).endpoint("y", b);
    const grown = small.endpoint("x", b, { ip: "10.8.2.20" }); // static: y keeps its address
    await kit.withLab(small, async () => {
      const old = new Set(small.plan().ops.map((o) => o.id));
      const added = grown.plan().ops.filter((o) => !old.has(o.id));
      expect(added.map((o) => o.id)).toEqual([
        `link:${name}-x:eth1`,
        `rename:${name}-x:eth1`, // names the link and sets the ownership mark in one line
        `addr:${name}-x:eth1:10.8.2.20/24`,
        `up:${name}-x:eth1`,
      ]);
      const r = await faultEveryStep(kit, grown, added, name);
      total = { tried: total.tried + r.tried, leftovers: total.leftovers + r.leftovers.length };
      console.log(`kernel-lab fault injection: ${r.tried} steps tried, ${r.leftovers.length} leftovers (a lab growing second interfaces; ${r.summary})`);
      kit.note(`fault injection, growing a lab: ${r.tried} steps tried, ${r.leftovers.length} leftovers`);
      expect(r.leftovers).toEqual([]);
      expect(r.tried).toBe(added.length);
      // The small lab is still up and whole, and the grown one applies on top of it.
      expect((await small.verify(kit.opts)).clean).toBe(true);
      const up = await grown.up(kit.opts);
      expect(up.changed).toBe(added.length);
      expect((await kit.link(`${name}-x`, "eth1")).linkinfo).toMatchObject({ info_kind: "macvlan" });
      const matrix = await kit.check(grown);
      expect(matrix.ok, matrix.table).toBe(true);
    });
    // down of the small lab removes what the grown one added too: the journal owns it.
    expect((await kit.links(null)).map((k) => k.ifname)).toEqual(["lo"]);
    console.log(`kernel-lab fault injection: ${total.tried} steps tried, ${total.leftovers} leftovers (all passes)`);
  }, 120_000);

  scenario("8.crash", "an up that dies between creating its links and naming them (SIGKILL) is completed by the next up", async () => {
    const name = "s8c";
    const n = net.ipvlan("n").parent("eth0").subnet("10.8.3.0/24");
    const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", n).endpoint("b", n);
    // The process "dies" when it is about to name the links: from then on nothing it sends runs,
    // and it never rolls back. What it leaves is what a SIGKILL leaves: the kernel state and the
    // journal on disk (its lock would be stale; a fresh state dir with the journal stands in).
    let dead = false;
    const dying = iproute2Executor({
      name: "qemu",
      run(c: Command): Promise<ExecResult> {
        if (!dead && c.netns !== null && c.netns !== `${name}-h` && (c.input ?? "").includes(" name eth0")) dead = true;
        return dead ? new Promise<ExecResult>(() => {}) : kit.vm.run(c);
      },
    });
    const killedDir = mkdtempSync(join(tmpdir(), "underlay-kl-killed-"));
    const nextDir = mkdtempSync(join(tmpdir(), "underlay-kl-next-"));
    try {
      void l.up({ executor: dying, stateDir: killedDir, handleSignals: false });
      for (let i = 0; i < 600 && !dead; i++) await new Promise((r) => setTimeout(r, 25));
      expect(dead, "the run never reached the rename").toBe(true);
      const left = (await kit.links(`${name}-a`)).map((k) => k.ifname);
      expect(left.some((x) => x.startsWith("ult")) && !left.includes("eth0"), left.join(", ")).toBe(true);
      copyFileSync(join(killedDir, `${name}.journal`), join(nextDir, `${name}.journal`));

      const opts = { ...kit.opts, stateDir: nextDir };
      await l.up(opts);
      expect((await l.verify(opts)).clean).toBe(true);
      for (const ep of ["a", "b"]) expect((await kit.links(`${name}-${ep}`)).map((k) => k.ifname).sort()).toEqual(["eth0", "lo"]);
      const matrix = await kit.check(l);
      expect(matrix.ok, matrix.table).toBe(true);
      await l.down(opts);
    } finally {
      rmSync(killedDir, { recursive: true, force: true });
      rmSync(nextDir, { recursive: true, force: true });
    }
  });
});
