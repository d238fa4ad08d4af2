/**
 * CNI 1.0 conflists and Multus NetworkAttachmentDefinitions: the fields the CNI spec and the
 * reference plugins read, with the addresses and routes of the plan.
 */
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { cniAttachments, fromDocker, k8sName, toCni, toMultus } from "../../../sdk/interop/index.ts";
import { thrown } from "../../support/errors.ts";

const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1", exclude: { host: "172.16.86.250" } }).subnet("2001:db8:abc8::/64", { gateway: "2001:db8:abc8::10" });
const l3 = net.ipvlan("ipnet210").mode("l3").parent("eth1").subnet("192.168.214.0/24").subnet("10.1.214.0/24");
const demo = lab("cni", { host: "cni-h", sandbox: true })
  .endpoint("c1", pub, { ip: "172.16.86.10" })
  .endpoint("c2", pub)
  .endpoint("c2", l3, { ip: "10.1.214.9" });

/** The network configuration fields of CNI spec 1.0 (section "Network Configuration"): cniVersion, name, plugins[].type. */
function assertConflistShape(c: unknown): void {
  expect(c).toMatchObject({ cniVersion: "1.0.0", name: expect.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/) });
  const plugins = (c as { plugins: unknown[] }).plugins;
  expect(plugins).toHaveLength(1); // one plugin per attachment: the link (its IPAM inside it)
  for (const p of plugins) expect(typeof (p as { type: unknown }).type).toBe("string");
}

describe("toCni", () => {
  it("macvlan with static IPAM: the planned addresses with prefix, the MAC, and each family's default route", () => {
    const c = toCni(demo, "c1");
    assertConflistShape(c);
    const mac = demo.plan().endpoints[0]?.interfaces[0]?.mac;
    expect(c).toEqual({
      cniVersion: "1.0.0",
      name: "pub_net",
      plugins: [
        {
          type: "macvlan",
          master: "eth0",
          mode: "bridge",
          mac,
          ipam: {
            type: "static",
            addresses: [{ address: "172.16.86.10/24" }, { address: "2001:db8:abc8::1/64" }],
            routes: [
              { dst: "0.0.0.0/0", gw: "172.16.86.1" },
              { dst: "::/0", gw: "2001:db8:abc8::10" },
            ],
          },
        },
      ],
    });
  });

  it("a second interface (eth1) on ipvlan L3 gets no default route: eth0 already has both families'", () => {
    const [eth0, eth1] = cniAttachments(demo, "c2");
    expect([eth0?.ifname, eth1?.ifname]).toEqual(["eth0", "eth1"]);
    expect(eth1?.conflist.plugins[0]).toEqual({ type: "ipvlan", master: "eth1", mode: "l3", ipam: { type: "static", addresses: [{ address: "10.1.214.9/24" }], routes: [] } });
    expect(toCni(demo, "c2", { network: "ipnet210" })).toEqual(eth1?.conflist);
  });

  it("ipvlan L3 alone: default routes through the device (no gw), one per family", () => {
    const only = lab("l3").endpoint("a", l3.subnet("fd00:214::/64"));
    expect(toCni(only, "a").plugins[0].ipam).toEqual({
      type: "static",
      addresses: [{ address: "192.168.214.2/24" }, { address: "fd00:214::2/64" }],
      routes: [{ dst: "0.0.0.0/0" }, { dst: "::/0" }],
    });
  });

  it("host-local: one range set per family, the ip range as rangeStart/rangeEnd, static addresses asked through args.cni.ips", () => {
    const r32 = net.macvlan("macnet32").parent("eth0").subnet("192.168.32.0/24", { ipRange: "192.168.32.128/25", gateway: "192.168.32.254" });
    const l = lab("hl").endpoint("r1", r32).endpoint("r2", r32, { ip: "192.168.32.9" });
    const p = toCni(l, "r2", { ipam: "host-local", dataDir: "/tmp/x" }).plugins[0];
    expect(p.ipam).toEqual({
      type: "host-local",
      ranges: [[{ subnet: "192.168.32.0/24", rangeStart: "192.168.32.128", rangeEnd: "192.168.32.254", gateway: "192.168.32.254" }]],
      routes: [{ dst: "0.0.0.0/0", gw: "192.168.32.254" }],
      dataDir: "/tmp/x",
    });
    expect(p.args).toEqual({ cni: { ips: ["192.168.32.9"] } });
  });

  it("refuses what the reference plugins cannot do, and unknown endpoints", () => {
    const src = lab("x").endpoint("a", net.macvlan("m").parent("eth0").mode("source").subnet("10.0.0.0/24"));
    expect(thrown(() => toCni(src, "a")).issues[0]?.message).toContain("the CNI macvlan plugin takes bridge | private | vepa | passthru but the network's mode is source");
    expect(thrown(() => toCni(demo, "nope")).code).toBe("USAGE");
  });
});

describe("toMultus", () => {
  it("one NetworkAttachmentDefinition per network, static IPAM with per-pod annotations", () => {
    const text = toMultus(demo, { namespace: "lab" });
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: { config: string } });
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name, d.metadata.namespace])).toEqual([
      ["k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", "pub-net", "lab"],
      ["k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", "ipnet210", "lab"],
    ]);
    const config = JSON.parse(docs[0]?.spec.config ?? "");
    assertConflistShape(config);
    expect(config.plugins[0]).toEqual({ type: "macvlan", master: "eth0", mode: "bridge", capabilities: { ips: true, mac: true }, ipam: { type: "static", routes: [] } });
    expect(text).toContain(`#   c1: '[{"name":"pub-net","ips":["172.16.86.10/24","2001:db8:abc8::1/64"],"mac":"${demo.plan().endpoints[0]?.interfaces[0]?.mac}"}]'`);
  });

  it("whereabouts: the subnet as range, the gateway and aux addresses excluded, more subnets as ipRanges", () => {
    const docs = parseAllDocuments(toMultus(demo, { ipam: "whereabouts", defaultRoute: true })).map((d) => d.toJS() as { spec: { config: string } });
    const ipam = JSON.parse(docs[0]?.spec.config ?? "").plugins[0].ipam;
    expect(ipam).toEqual({
      type: "whereabouts",
      range: "172.16.86.0/24",
      exclude: ["172.16.86.1/32", "172.16.86.250/32"],
      ipRanges: [{ range: "2001:db8:abc8::/64", exclude: ["2001:db8:abc8::10/128"] }],
      gateway: "172.16.86.1",
      routes: [
        { dst: "0.0.0.0/0", gw: "172.16.86.1" },
        { dst: "::/0", gw: "2001:db8:abc8::10" },
      ],
    });
    const r = fromDocker("docker network create -d macvlan --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 --gateway=192.168.32.254 -o parent=eth0 macnet32\ndocker run --net=macnet32 alpine");
    const ranged = JSON.parse((parse(toMultus(r, { ipam: "whereabouts" }).split("\n").filter((x) => !x.startsWith("#")).join("\n")) as { spec: { config: string } }).spec.config);
    expect(ranged.plugins[0].ipam).toMatchObject({ range: "192.168.32.0/24", range_start: "192.168.32.128", range_end: "192.168.32.254" });
  });

  it("k8sName makes DNS-1123 names", () => {
    expect([k8sName("pub_net"), k8sName("Eth0.50"), k8sName("__")]).toEqual(["pub-net", "eth0-50", "net"]);
  });
});
