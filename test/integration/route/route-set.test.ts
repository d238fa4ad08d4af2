/**
 * A RouteSet applied by the runner on the real kernel: up adds the routes (journaled), verify
 * sees them, down removes exactly them. (Two-host ipvlan L3 end to end runs in the kernel lab.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { net, RouteSet } from "../../../sdk/index.ts";
import { l3Routes } from "../../../sdk/route/index.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("ur");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-route-"));

afterAll(() => {
  const left = removeNetnsWithPrefix(name);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("route set"))("RouteSet on the real kernel", () => {
  it("adds, verifies and removes the routes a peer needs", async () => {
    const peer = `${name}-p`;
    execFileSync("ip", ["netns", "add", peer]);
    try {
      const sh = (...a: string[]): string => execFileSync("nsenter", [`--net=/run/netns/${peer}`, "--", ...a], { encoding: "utf8" });
      sh("ip", "link", "add", "u0", "type", "bridge");
      sh("ip", "addr", "add", "172.30.0.2/24", "dev", "u0");
      sh("ip", "link", "set", "u0", "up");
      const l3 = net.ipvlan("n").mode("l3").subnet("10.10.1.0/24").subnet("10.10.3.0/24");
      const set = new RouteSet(`${name}r`, peer, l3Routes(l3, { via: "172.30.0.1", dev: "u0", peerConnected: ["172.30.0.0/24"] }));
      const r = await set.up({ stateDir, handleSignals: false });
      expect(r.changed).toBe(2);
      expect(sh("ip", "route")).toMatch(/10\.10\.1\.0\/24 via 172\.30\.0\.1 dev u0/);
      expect((await set.verify({ stateDir })).clean).toBe(true);
      expect((await set.up({ stateDir, handleSignals: false })).changed).toBe(0);
      await set.down({ stateDir });
      expect(sh("ip", "route")).not.toMatch(/10\.10\./);
    } finally {
      execFileSync("ip", ["netns", "del", peer]);
    }
  });
});
