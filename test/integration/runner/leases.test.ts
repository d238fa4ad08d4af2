/**
 * The lease store with a real lab: two labs leased from one store on one shared network get
 * disjoint addresses and come up with them; a leased lab's leases follow it — released when it is
 * torn down, and when it fails to come up.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lab, labFromSpec, net, type UnderlayError } from "../../../sdk/index.ts";
import { leaseLab, openLeaseStore, releaseLab } from "../../../sdk/ipam/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

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
    // The leases follow the lab: its down released them.
    expect((await store.list()).map((l) => `${l.owner} ${l.address}`)).toEqual([`${prefix}b/x/shared 10.95.0.4`]);
    expect(await releaseLab(a.name, store)).toBe(0);
    const again = labFromSpec(await leaseLab(lab(`${prefix}c`).endpoint("z", shared).spec(), store));
    expect(addrs(again)).toEqual(["10.95.0.2/24"]);
    expect((await store.list()).map((l) => l.address).sort()).toEqual(["10.95.0.2", "10.95.0.4"]);
  });

  it("releases the leases of a lab that fails to come up (rolled back)", async () => {
    const store = openLeaseStore(join(dir, "failing.json"));
    // MTU 9000 on a stand-in parent of MTU 1500: the kernel refuses the endpoint link.
    const shared = net.macvlan("shared").parent("eth0").subnet("10.96.0.0/24").mtu(9000);
    const f = labFromSpec(await leaseLab(lab(`${prefix}f`, { host: `${prefix}f-h`, sandbox: true }).endpoint("x", shared).spec(), store));
    expect((await store.list()).length).toBe(1);
    const err = await f.up({ stateDir: dir, handleSignals: false }).then(() => null, (e: unknown) => e);
    expect((err as UnderlayError).code).toBe("STEP_FAILED");
    expect(await store.list()).toEqual([]);
    expect(netnsWithPrefix(`${prefix}f`)).toEqual([]);
  });
});
