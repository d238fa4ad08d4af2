/**
 * A site on the real kernel: one sandboxed lab that provides a network and nothing else (its host
 * namespace and the parent's stand-in), and labs that attach endpoints to it by naming its host
 * namespace — with addresses leased from one store, so they never collide, and released when each
 * lab goes. Tearing a lab down leaves the site and the others as they are.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, labFromSpec, net } from "../../../sdk/index.ts";
import { leaseLab, openLeaseStore } from "../../../sdk/ipam/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("uz");
const dir = mkdtempSync(join(tmpdir(), "underlay-site-"));
const opts = { stateDir: dir, handleSignals: false } as const;

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("site"))("a site that labs attach to", () => {
  it("hosts several leased labs on one sandboxed network; each lab's down releases its leases and leaves the rest", async () => {
    const host = `${prefix}-h`;
    const shared = net.macvlan("shared").parent("eth0").subnet("10.97.0.0/24");
    const site = lab(`${prefix}s`, { host, sandbox: true }).network(shared);
    expect(site.plan().endpoints).toEqual([]);
    await site.up({ ...opts, persist: true });
    try {
      expect(execFileSync("ip", ["-n", host, "-o", "link", "show", "dev", "eth0"], { encoding: "utf8" })).toContain(`alias underlay:${prefix}s`);
      const store = openLeaseStore(join(dir, "leases.json"));
      const a = labFromSpec(await leaseLab(lab(`${prefix}a`, { host }).endpoint("x", shared).endpoint("y", shared).spec(), store));
      const b = labFromSpec(await leaseLab(lab(`${prefix}b`, { host }).endpoint("x", shared).spec(), store));
      await a.up(opts);
      await b.up(opts);
      // The endpoints of both labs reach each other over the site's parent.
      const ping = (from: string, to: string): number => {
        try {
          execFileSync("nsenter", [`--net=/run/netns/${from}`, "--", "ping", "-c", "1", "-W", "1", to], { stdio: "ignore" });
          return 0;
        } catch {
          return 1;
        }
      };
      expect(ping(`${prefix}a-x`, "10.97.0.4")).toBe(0);
      expect((await store.list()).map((l) => l.address).sort()).toEqual(["10.97.0.2", "10.97.0.3", "10.97.0.4"]);
      await a.down(opts);
      expect((await store.list()).map((l) => `${l.owner} ${l.address}`)).toEqual([`${prefix}b/x/shared 10.97.0.4`]);
      expect(netnsWithPrefix(prefix).sort()).toEqual([`${prefix}b-x`, host].sort());
      await b.down(opts);
      expect(await store.list()).toEqual([]);
    } finally {
      await site.down(opts);
    }
    expect(netnsWithPrefix(prefix)).toEqual([]);
  });
});
