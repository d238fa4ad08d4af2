/**
 * Each performance baseline, at N=3 on the real kernel: it builds three macvlan endpoints in its
 * own sandbox (host namespace with bridge p0, endpoint namespaces <prefix>-e0..e2), the endpoints
 * have their 10.64.0.0/16 addresses, are up, route by default via 10.64.0.1 and ping each other;
 * afterwards no namespace with the run's prefix is left, nor any CNI state.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { runCni } from "../../../tasks/bench/baselines/cni.ts";
import { runHandWritten } from "../../../tasks/bench/baselines/hand-written.ts";
import { runNaive } from "../../../tasks/bench/baselines/naive.ts";
import { hostNetns } from "../../../tasks/bench/baselines/sandbox.ts";
import type { BaselineRunner } from "../../../tasks/bench/baselines/types.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

interface JsonAddr {
  ifname: string;
  flags: string[];
  link_type: string;
  addr_info: { family: string; local: string; prefixlen: number }[];
}
interface JsonLink {
  ifname: string;
  flags: string[];
  linkinfo?: { info_kind?: string; info_data?: { mode?: string } };
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  dev: string;
}

const ipJson = <T>(ns: string, ...args: string[]): T =>
  JSON.parse(execFileSync("ip", ["-n", ns, "-json", ...args], { encoding: "utf8" })) as T;

/** What one endpoint namespace holds: eth0 (macvlan, bridge mode, up), its IPv4, its default route. */
function endpointState(ns: string): { kind: string; mode: string; up: boolean; ipv4: string[]; defaultVia: string[] } {
  const [link] = ipJson<JsonLink[]>(ns, "-details", "link", "show", "dev", "eth0");
  const [addr] = ipJson<JsonAddr[]>(ns, "addr", "show", "dev", "eth0");
  const routes = ipJson<JsonRoute[]>(ns, "route", "show", "default");
  return {
    kind: link?.linkinfo?.info_kind ?? "",
    mode: link?.linkinfo?.info_data?.mode ?? "",
    up: link?.flags.includes("UP") ?? false,
    ipv4: (addr?.addr_info ?? []).filter((a) => a.family === "inet").map((a) => `${a.local}/${a.prefixlen}`),
    defaultVia: routes.filter((r) => r.dev === "eth0").map((r) => r.gateway ?? ""),
  };
}

const pings = (from: string, to: string): boolean => {
  try {
    execFileSync("ip", ["netns", "exec", from, "ping", "-c", "1", "-W", "2", to], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

const cniTempDirs = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith("underlay-cni-"));

const baselines: [string, BaselineRunner][] = [
  ["hand-written", runHandWritten],
  ["naive", runNaive],
  ["cni", runCni],
];

describe.runIf(requireRoot("bench baselines"))("performance baselines at N=3 (real kernel)", () => {
  const prefixes: string[] = [];
  const fresh = (): string => {
    const p = uniqueName("ub");
    prefixes.push(p);
    return p;
  };

  afterAll(() => {
    // Last resort only: every test has already asserted that it left nothing behind.
    for (const p of prefixes) removeNetnsWithPrefix(`${p}-`);
  });

  it.each(baselines)("%s builds 3 reachable endpoints, times up and down, and leaves nothing", async (name, run) => {
    const prefix = fresh();
    const varLibCni = existsSync("/var/lib/cni");
    const tempBefore = cniTempDirs();
    const seen: Record<string, ReturnType<typeof endpointState>> = {};
    let reach: boolean[] = [];

    const result = await run({
      n: 3,
      prefix,
      afterUp: async (endpoints) => {
        expect(netnsWithPrefix(`${prefix}-`).sort()).toEqual([hostNetns(prefix), ...endpoints].sort());
        for (const ns of endpoints) seen[ns] = endpointState(ns);
        reach = [pings(`${prefix}-e0`, "10.64.0.3"), pings(`${prefix}-e0`, "10.64.0.4"), pings(`${prefix}-e2`, "10.64.0.2")];
      },
    });

    // Every endpoint: eth0 is a bridge-mode macvlan, up, with one address in 10.64.0.0/16 and a
    // default route via 10.64.0.1; together they hold .2, .3 and .4, and they reach each other.
    expect(Object.keys(seen)).toEqual([`${prefix}-e0`, `${prefix}-e1`, `${prefix}-e2`]);
    for (const state of Object.values(seen)) {
      expect(state).toMatchObject({ kind: "macvlan", mode: "bridge", up: true, defaultVia: ["10.64.0.1"] });
      expect(state.ipv4).toHaveLength(1);
    }
    expect(Object.values(seen).flatMap((s) => s.ipv4).sort()).toEqual(["10.64.0.2/16", "10.64.0.3/16", "10.64.0.4/16"]);
    if (name !== "cni") {
      // The hand-written and naive scripts assign endpoint i the address .(i+2).
      expect(seen[`${prefix}-e1`]?.ipv4).toEqual(["10.64.0.3/16"]);
    }
    expect(reach).toEqual([true, true, true]);

    // Timings are real, positive durations; per-endpoint timings only where the method has them.
    expect(result.upMs).toBeGreaterThan(0);
    expect(result.downMs).toBeGreaterThan(0);
    if (name === "naive") expect(result.perEndpointUpMs).toBeNull();
    else expect(result.perEndpointUpMs).toHaveLength(3);

    // No residue: no namespace with the prefix, no CNI state in /var/lib/cni or the temp dir.
    expect(netnsWithPrefix(`${prefix}-`)).toEqual([]);
    expect(existsSync("/var/lib/cni")).toBe(varLibCni);
    expect(cniTempDirs()).toEqual(tempBefore);
  });

  it("removes the sandbox when a run fails half-way, and passes the error on", async () => {
    const prefix = fresh();
    const boom = new Error("probe failed");
    await expect(
      runHandWritten({
        n: 3,
        prefix,
        afterUp: () => Promise.reject(boom),
      }),
    ).rejects.toBe(boom);
    expect(netnsWithPrefix(`${prefix}-`)).toEqual([]);
  });

  it("refuses a prefix whose namespaces already exist, and leaves them alone", async () => {
    const prefix = fresh();
    const squatter = `${prefix}-e0`;
    execFileSync("ip", ["netns", "add", squatter]);
    try {
      const error = await runHandWritten({ n: 3, prefix }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnderlayError);
      expect((error as UnderlayError).code).toBe("USAGE");
      expect((error as UnderlayError).message).toContain(squatter);
      expect(netnsWithPrefix(`${prefix}-`)).toEqual([squatter]);
    } finally {
      execFileSync("ip", ["netns", "del", squatter]);
    }
    expect(netnsWithPrefix(`${prefix}-`)).toEqual([]);
  });
});
