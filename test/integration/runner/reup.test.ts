/**
 * A lab brought up again right after its `down` — same names, so the same derived MACs, on a
 * parent that stays (a host namespace the lab did not create, with its own bridge) — while the
 * kernel is still cleaning up the namespaces it just deleted: their macvlans hold those MACs on
 * the parent for a few more milliseconds ("Address already in use"). `up` waits for the kernel
 * and retries that step, so every `up` succeeds and the lab is exactly as planned. On the
 * default executor here; the `iproute2` test project runs it on iproute2.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("ur");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-reup-"));

const host = `${name}-h`;

beforeAll(() => {
  if (process.getuid?.() !== 0) return;
  for (const argv of [["netns", "add", host], ["-n", host, "link", "add", "p0", "type", "bridge"], ["-n", host, "link", "set", "p0", "up"]]) {
    const r = spawnSync("ip", argv, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ip ${argv.join(" ")}: ${r.stderr}`);
  }
});

afterAll(() => {
  spawnSync("ip", ["netns", "del", host]);
  const left = removeNetnsWithPrefix(name);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "left behind").toEqual([]);
});

describe.runIf(requireRoot("re-up right after down"))("a lab brought up again right after its down", () => {
  it("comes up each time with the same MACs, verify clean, and the last down leaves nothing", async () => {
    const pub = net.macvlan("pub").parent("p0").subnet("10.77.0.0/24");
    const l = lab(name, { host }).endpoint("a", pub).endpoint("b", pub).endpoint("c", pub);
    const macs = l.plan().endpoints.flatMap((e) => e.interfaces.map((i) => i.mac));
    expect(new Set(macs).size).toBe(3);
    for (let round = 0; round < 4; round++) {
      const r = await l.up({ stateDir, handleSignals: false });
      expect(r.changed, `round ${round}`).toBeGreaterThan(0);
      expect((await l.verify({ stateDir })).clean, `round ${round}`).toBe(true);
      await r.down();
    }
    expect(netnsWithPrefix(name)).toEqual([host]);
  });
});
