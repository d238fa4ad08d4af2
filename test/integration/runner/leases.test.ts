/**
 * The lease store with a real lab: two labs leased from one store on one shared network get
 * disjoint addresses, come up with them, and releasing gives the addresses back.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, labFromSpec, leaseLab, net, openLeaseStore, releaseLab } from "../../../sdk/index.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("ue");
const dir = mkdtempSync(join(tmpdir(), "underlay-lease-"));

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("leases"))("leased labs on the real kernel", () => {
  it("two labs sharing a network get disjoint leased addresses, and release returns them", async () => {
    const store = openLeaseStore(join(dir, "leases.json"));
    const shared = net.macvlan("shared").parent("eth0").subnet("10.95.0.0/24");
    const a = labFromSpec(await leaseLab(lab(`${prefix}a`, { host: `${prefix}a-h`, sandbox: true }).endpoint("x", shared).endpoint("y", shared).spec(), store));
    const b = labFromSpec(await leaseLab(lab(`${prefix}b`, { host: `${prefix}b-h`, sandbox: true }).endpoint("x", shared).spec(), store));
    const addrs = (l: typeof a): string[] => l.plan().endpoints.flatMap((e) => e.interfaces.flatMap((i) => i.addresses));
    expect(addrs(a)).toEqual(["10.95.0.2/24", "10.95.0.3/24"]);
    expect(addrs(b)).toEqual(["10.95.0.4/24"]);
    const opts = { stateDir: dir, handleSignals: false } as const;
    await a.up(opts);
    try {
      const shown = execFileSync("nsenter", [`--net=/run/netns/${prefix}a-y`, "--", "ip", "-br", "addr", "show", "dev", "eth0"], { encoding: "utf8" });
      expect(shown).toContain("10.95.0.3/24");
    } finally {
      await a.down(opts);
    }
    expect(await releaseLab(a.name, store)).toBe(2);
    const again = labFromSpec(await leaseLab(lab(`${prefix}c`).endpoint("z", shared).spec(), store));
    expect(addrs(again)).toEqual(["10.95.0.2/24"]);
    expect((await store.list()).map((l) => l.address).sort()).toEqual(["10.95.0.2", "10.95.0.4"]);
  });
});
