/**
 * `plan.toShell()` on the real kernel: the generated bash script's `up` builds what the SDK's
 * `verify` expects, endpoints ping each other, and its `down` leaves nothing behind.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("us");
const dir = mkdtempSync(join(tmpdir(), "underlay-shell-"));

afterAll(() => {
  const left = removeNetnsWithPrefix(name);
  rmSync(dir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("shell script"))("plan.toShell() as a real bash script", () => {
  it("up builds the plan (verify is clean), pings work, down removes everything", async () => {
    const pub = net.macvlan("pub").parent("eth0").subnet("10.91.0.0/24").subnet("fd00:91::/64");
    const iso = net.macvlan("iso").subnet("10.92.0.0/24").internal();
    const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub, { ip: "10.91.0.10" }).endpoint("b", pub).endpoint("b", iso).endpoint("c", iso);
    // The script is generated for this kernel: no dummy links here, so the stand-ins are bridges.
    const script = join(dir, "lab.sh");
    writeFileSync(script, l.plan({ dummy: false }).toShell());
    expect(spawnSync("bash", ["-n", script]).status).toBe(0);
    const up = spawnSync("bash", [script, "up"], { encoding: "utf8" });
    try {
      expect(up.status, up.stderr).toBe(0);
      const report = await l.verify({ stateDir: dir, throwOnDrift: false });
      expect(report.missing, JSON.stringify(report.missing)).toEqual([]);
      expect(report.different).toEqual([]);
      const ping = (from: string, to: string): string => execFileSync("nsenter", [`--net=/run/netns/${name}-${from}`, "--", "ping", "-c", "1", "-W", "1", to], { encoding: "utf8" });
      expect(ping("b", "10.91.0.10")).toContain("1 received");
      expect(ping("c", "10.92.0.2")).toContain("1 received");
      expect(existsSync(`/etc/netns/${name}-a/hosts`)).toBe(true);
    } finally {
      const down = spawnSync("bash", [script, "down"], { encoding: "utf8" });
      expect(down.status, down.stderr).toBe(0);
    }
    expect(netnsWithPrefix(name)).toEqual([]);
    expect(existsSync(`/etc/netns/${name}-a`)).toBe(false);
  });
});
