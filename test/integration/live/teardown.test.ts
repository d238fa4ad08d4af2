/**
 * Teardown on the real kernel: `down` stops every process living in the lab's namespaces — one
 * started with `spawn`, one started by someone else (`nsenter`, detached, not our child), one
 * that ignores SIGTERM (killed after the grace period), one in the sandbox host namespace — and
 * reports them; afterwards none of them exists and no namespace is left. A process in a host
 * namespace the lab did not create is not the lab's and keeps running. Hosts files are written
 * and removed without starting a process.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, localExecutor, net, type Command } from "../../../sdk/index.ts";
import { findNetnsProcesses } from "../../../sdk/executor/netns-processes.ts";
import { pidAlive } from "../../../sdk/lib/file-lock.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("lt");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-teardown-"));
const pub = net.macvlan("pub").parent("eth0").subnet("10.78.0.0/24");
let n = 0;
const fresh = (): string => `${prefix}${n++}`;

/** Starts `argv` in a namespace the way another tool would: nsenter, detached, in its own session. */
function startedElsewhere(netns: string, argv: string[]): number {
  const child = spawn("nsenter", [`--net=/run/netns/${netns}`, "--", ...argv], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid as number;
}

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!test()) throw new Error(`timed out waiting for ${what}`);
}

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "left behind").toEqual([]);
});

describe.runIf(requireRoot("teardown of processes"))("down stops what runs in the lab's namespaces", () => {
  it("spawned, foreign, TERM-ignoring and host-namespace processes are stopped and reported; nothing is left", async () => {
    const name = fresh();
    const up = await lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub).endpoint("cli", pub).up({ stateDir, handleSignals: false });
    const server = await up.spawn("web", ["sleep", "300"]);
    const foreign = startedElsewhere(`${name}-cli`, ["sleep", "301"]);
    const stubborn = startedElsewhere(`${name}-cli`, ["sh", "-c", "trap '' TERM; exec sleep 302"]);
    const inHost = startedElsewhere(`${name}-h`, ["sleep", "303"]);
    await until("the foreign processes to enter their namespaces", () => findNetnsProcesses([`${name}-cli`, `${name}-h`]).length === 3);
    const r = await up.down({ graceMs: 300 });
    const byPid = new Map(r.stopped.map((p) => [p.pid, p]));
    expect(byPid.get(server.pid)).toMatchObject({ netns: `${name}-web`, argv: ["sleep", "300"], signal: "SIGTERM", exited: true });
    expect(byPid.get(foreign)).toMatchObject({ netns: `${name}-cli`, argv: ["sleep", "301"], signal: "SIGTERM", exited: true });
    expect(byPid.get(stubborn)).toMatchObject({ netns: `${name}-cli`, argv: ["sleep", "302"], signal: "SIGKILL", exited: true });
    expect(byPid.get(inHost)).toMatchObject({ netns: `${name}-h`, argv: ["sleep", "303"], signal: "SIGTERM", exited: true });
    expect(r.stopped).toHaveLength(4);
    expect(await server.exited).toEqual({ code: null, signal: "SIGTERM" });
    // The detached ones were reparented to init, which reaps them: gone, not zombies of ours.
    await until("init to reap the detached processes", () => ![foreign, stubborn, inHost].some(pidAlive));
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("a lab with nothing running reports nothing stopped", async () => {
    const name = fresh();
    const up = await lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).up({ stateDir, handleSignals: false });
    expect((await up.down()).stopped).toEqual([]);
    expect(netnsWithPrefix(name)).toEqual([]);
  });

  it("a process in a host namespace the lab found in place is not the lab's: it keeps running", async () => {
    const name = fresh();
    const host = `${name}-h`;
    execFileSync("ip", ["netns", "add", host]);
    const keeper = startedElsewhere(host, ["sleep", "304"]);
    try {
      execFileSync("ip", ["-n", host, "link", "add", "up0", "type", "bridge"]);
      const l = lab(name, { host }).endpoint("a", net.macvlan("n").parent("up0").subnet("10.79.0.0/24"));
      await l.up({ stateDir, handleSignals: false });
      const inside = startedElsewhere(`${name}-a`, ["sleep", "305"]);
      await until("both processes to enter their namespaces", () => findNetnsProcesses([host, `${name}-a`]).length === 2);
      const r = await l.down({ stateDir });
      expect(r.stopped.map((p) => p.pid)).toEqual([inside]);
      expect(pidAlive(keeper)).toBe(true);
      expect(findNetnsProcesses([host]).map((p) => p.pid)).toEqual([keeper]);
    } finally {
      process.kill(keeper, "SIGKILL");
      execFileSync("ip", ["netns", "del", host]);
    }
  });

  it("hosts files are written and removed in-process: no sh runs for them", async () => {
    const name = fresh();
    const commands: Command[] = [];
    const executor = localExecutor({ onCommand: (c) => commands.push(c) });
    const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub, { ip: "10.78.0.10" }).endpoint("db", pub, { ip: "10.78.0.11" });
    await l.up({ stateDir, executor, handleSignals: false });
    const hosts = readFileSync(`/etc/netns/${name}-web/hosts`, "utf8");
    expect(hosts).toBe(`127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n# underlay lab ${name}\n10.78.0.10\tweb\n10.78.0.11\tdb\n`);
    expect(readFileSync(`/etc/netns/${name}-db/hosts`, "utf8")).toBe(hosts);
    expect((await l.verify({ stateDir, executor })).clean).toBe(true);
    await l.down({ stateDir, executor });
    expect(existsSync(`/etc/netns/${name}-web`)).toBe(false);
    expect(existsSync(`/etc/netns/${name}-db`)).toBe(false);
    expect(commands.filter((c) => c.argv[0] === "sh" && c.argv.includes("underlay-hosts"))).toEqual([]);
  });
});
