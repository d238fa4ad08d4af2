import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { allocateLab } from "../../../sdk/ipam/allocate.ts";
import { leaseLab, leaseOwner, releaseLab } from "../../../sdk/ipam/lease-lab.ts";
import { openLeaseStore, type LeaseStore } from "../../../sdk/ipam/lease-store.ts";
import type { LabSpec } from "../../../sdk/spec/types.ts";
import { endpoint, lab, network, on } from "./helpers.ts";
import { rejection } from "../../support/errors.ts";

let dir: string;
let store: LeaseStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ul-leaselab-"));
  store = openLeaseStore(join(dir, "leases.json"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shared = network("shared", [{ cidr: "192.168.60.0/24" }, { cidr: "2001:db8:60::/64" }]);
const ipsOf = (spec: LabSpec): Record<string, readonly string[]> =>
  Object.fromEntries(spec.endpoints.flatMap((ep) => ep.attachments.map((at) => [`${ep.name}/${at.network.name}`, at.ips])));


describe("leaseLab / releaseLab", () => {
  it("two labs on one shared network get disjoint dual-stack addresses, written as static ips", async () => {
    const a = await leaseLab(lab("a", endpoint("web", on(shared)), endpoint("db", on(shared))), store);
    const b = await leaseLab(lab("b", endpoint("web", on(shared))), store);
    expect(ipsOf(a)).toEqual({ "web/shared": ["192.168.60.2", "2001:db8:60::2"], "db/shared": ["192.168.60.3", "2001:db8:60::3"] });
    expect(ipsOf(b)).toEqual({ "web/shared": ["192.168.60.4", "2001:db8:60::4"] });
    expect((await store.list()).map((l) => l.owner)).toEqual(["a/web/shared", "a/web/shared", "a/db/shared", "a/db/shared", "b/web/shared", "b/web/shared"]);
    expect(leaseOwner("a", "web", "shared")).toBe("a/web/shared");
  });

  it("the leased lab plans to exactly the leased addresses", async () => {
    const leased = await leaseLab(lab("a", endpoint("web", on(shared)), endpoint("db", on(shared))), store);
    const r = allocateLab(leased);
    expect(r.issues).toEqual([]);
    expect(r.addresses.get("db/shared")).toEqual(["192.168.60.3/24", "2001:db8:60::3/64"]);
  });

  it("releaseLab frees the lab's addresses, which the next lab gets back (lowest free first)", async () => {
    await leaseLab(lab("a", endpoint("web", on(shared))), store);
    await leaseLab(lab("b", endpoint("web", on(shared))), store);
    expect(await releaseLab("a", store)).toBe(2);
    const c = await leaseLab(lab("c", endpoint("web", on(shared))), store);
    expect(ipsOf(c)).toEqual({ "web/shared": ["192.168.60.2", "2001:db8:60::2"] });
  });

  it("is idempotent: leasing the same lab again gives the same addresses and no new leases", async () => {
    const spec = lab("a", endpoint("web", on(shared)));
    const first = await leaseLab(spec, store);
    const again = await leaseLab(spec, store);
    expect(ipsOf(first)).toEqual({ "web/shared": ["192.168.60.2", "2001:db8:60::2"] });
    expect(ipsOf(again)).toEqual({ "web/shared": ["192.168.60.2", "2001:db8:60::2"] });
    expect(await store.list()).toHaveLength(2);
  });

  it("static addresses are leased too, so no other lab can take them; a clash fails the whole lab", async () => {
    const a = await leaseLab(lab("a", endpoint("fixed", on(shared, "192.168.60.2")), endpoint("auto", on(shared))), store);
    expect(ipsOf(a)).toEqual({ "fixed/shared": ["192.168.60.2", "2001:db8:60::2"], "auto/shared": ["192.168.60.3", "2001:db8:60::3"] });
    const e = await rejection(leaseLab(lab("b", endpoint("x", on(shared)), endpoint("y", on(shared, "192.168.60.3"))), store));
    expect(e.code).toBe("LEASE");
    expect(e.message).toMatch(/already leased to "a\/auto\/shared"/);
    expect((await store.list()).some((l) => l.owner.startsWith("b/"))).toBe(false);
  });

  it("a network without a subnet gets the default subnet written into the returned lab", async () => {
    const iso = network("iso");
    const leased = await leaseLab(lab("a", endpoint("web", on(iso), on(shared))), store);
    const at = leased.endpoints[0]?.attachments[0];
    expect(at?.network.subnets).toEqual([{ cidr: "172.18.0.0/16" }]);
    expect(at?.ips).toEqual(["172.18.0.2"]);
    expect(allocateLab(leased).issues).toEqual([]);
    expect(leased.endpoints[0]?.attachments[1]?.network).toBe(shared);
  });

  it("a host-access shim's address is leased too, so another lab sharing the store is never handed it", async () => {
    const withShim = network("shared", [{ cidr: "192.168.60.0/24" }], { hostAccess: { ip: "192.168.60.2" } });
    await leaseLab(lab("a", endpoint("web", on(withShim))), store);
    const b = await leaseLab(lab("b", endpoint("web", on(shared))), store);
    expect(ipsOf(b)["web/shared"]?.[0]).toBe("192.168.60.4");
    expect((await store.list()).map((l) => `${l.owner} ${l.address}`)).toContain("a/:shim/shared 192.168.60.2");
    const excluded = network("x", [{ cidr: "192.168.61.0/24", exclude: ["192.168.61.250"] }], { hostAccess: { ip: "192.168.61.250" } });
    expect(ipsOf(await leaseLab(lab("c", endpoint("web", on(excluded))), store))).toEqual({ "web/x": ["192.168.61.2"] });
  });

  it("a lab whose types are wrong is INVALID_SPEC with the field path, before anything is leased", async () => {
    const bad = { ...lab("a", endpoint("web", on(shared))), sandbox: "no" } as unknown as LabSpec;
    const e = await rejection(leaseLab(bad, store));
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => i.path)).toEqual(["lab.sandbox"]);
    expect(await store.list()).toEqual([]);
  });

  it("an invalid lab is refused before anything is leased", async () => {
    const bad = network("bad", [{ cidr: "10.0.0.1/24" }]);
    const e = await rejection(leaseLab(lab("a", endpoint("web", on(bad))), store));
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues[0]?.path).toBe("networks.bad.subnets[0].cidr");
    expect(await store.list()).toEqual([]);
  });

  it("an exhausted shared pool fails with POOL_EXHAUSTED and leases nothing of that lab", async () => {
    const tiny = network("tiny", [{ cidr: "10.0.0.0/29" }]); // 5 assignable after the gateway
    await leaseLab(lab("a", ...["1", "2", "3", "4"].map((n) => endpoint(`e${n}`, on(tiny)))), store);
    const e = await rejection(leaseLab(lab("b", endpoint("x", on(tiny)), endpoint("y", on(tiny))), store));
    expect(e.code).toBe("POOL_EXHAUSTED");
    expect((await store.list()).some((l) => l.owner.startsWith("b/"))).toBe(false);
  });
});
