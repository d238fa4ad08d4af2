/**
 * The issue's examples, each as a named test: names that mean something else to a tool, and
 * values that are not validated, canonical or unique before planning. Every one must be one
 * `INVALID_SPEC` listing every problem with its field path — and nothing may be touched first.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { iproute2, lab, labFromSpec, net, recordingExecutor, type Issue, type LabSpec } from "../../../sdk/index.ts";
import { deterministicMac } from "../../../sdk/spec/names.ts";
import { rejection, thrown } from "../../support/errors.ts";

function issuesOf(f: () => unknown): Issue[] {
  const e = thrown(f);
  expect(e.code).toBe("INVALID_SPEC");
  return [...e.issues];
}

/** The issue at `path` whose message matches; fails listing all issues when there is none. */
function issueAt(f: () => unknown, path: string, message: RegExp): Issue {
  const issues = issuesOf(f);
  const hit = issues.find((i) => i.path === path && message.test(i.message));
  expect(hit, `no issue at ${path} matching ${message}; got ${JSON.stringify(issues, null, 1)}`).toBeDefined();
  return hit as Issue;
}

const pub = net.macvlan("pub").parent("eth0").subnet("10.77.0.0/24");
const sandboxLab = (name = "x") => lab(name, { host: "x-host", sandbox: true });

describe("issue §1: names that mean something else to a tool", () => {
  it("a namespace named `-` is refused (the fan-out reads `-` as the caller's own namespace)", () => {
    issueAt(() => lab("x").endpoint("a", pub, { netns: "-" }).plan(), "endpoints.a.netns", /must not start with "-"/);
    issueAt(() => lab("x", { host: "-" }).endpoint("a", pub).plan(), "lab.host", /must not start with "-"/);
  });

  it("every kind of name starting with `-` is refused, each at its own path, all at once", () => {
    const n = net.macvlan("-n").parent("-eth0").subnet("10.77.0.0/24").hostAccess({ ip: "10.77.0.250", name: "-shim" });
    const issues = issuesOf(() => lab("-lab", { host: "-host" }).endpoint("-web", n, { netns: "-ns" }).plan());
    const dash = (what: string, value: string) => `${what} must not start with "-" (tools read it as an option) but received "${value}"`;
    expect(issues).toEqual([
      { path: "lab", message: dash("lab name", "-lab") },
      { path: "lab.host", message: dash("host namespace", "-host") },
      { path: "endpoints.-web", message: dash("endpoint name", "-web") },
      { path: "endpoints.-web.netns", message: dash("namespace", "-ns") },
      { path: "networks.-n", message: dash("network name", "-n") },
      { path: "networks.-n.parent", message: dash("parent", "-eth0") },
      { path: "networks.-n.hostAccess.name", message: dash("shim name", "-shim") },
    ]);
  });

  it("iproute2 keywords are refused where a name is expected: help, dev, up, all, default", () => {
    issueAt(() => lab("help").endpoint("a", pub).plan(), "lab", /"help" is an iproute2 keyword/);
    issueAt(() => lab("x", { host: "dev" }).endpoint("a", pub).plan(), "lab.host", /"dev" is an iproute2 keyword/);
    issueAt(() => lab("x").endpoint("up", pub).plan(), "endpoints.up", /"up" is an iproute2 keyword/);
    issueAt(() => lab("x").endpoint("a", pub, { netns: "all" }).plan(), "endpoints.a.netns", /"all" is an iproute2 keyword/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("default").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /"default" is an iproute2 keyword/);
    issueAt(() => lab("x").endpoint("a", pub.hostAccess({ ip: "10.77.0.250", name: "type" })).plan(), "networks.pub.hostAccess.name", /"type" is an iproute2 keyword/);
  });

  it("link names that iproute2 reads as an abbreviation or as an interface index are refused (parents, VLAN bases, shims)", () => {
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("li").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /abbreviates the iproute2 keyword "link"/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("a.50").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /VLAN base of "a\.50": "a" abbreviates the iproute2 keyword "address"/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("if2").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /interface index/);
    issueAt(() => lab("x").endpoint("a", pub.hostAccess({ ip: "10.77.0.250", name: "ul0a1b2c3d" })).plan(), "networks.pub.hostAccess.name", /form of a link underlay derives/);
  });

  it("a namespace that is a number is refused (netns 1 is the namespace of pid 1)", () => {
    issueAt(() => lab("x").endpoint("a", pub, { netns: "1" }).plan(), "endpoints.a.netns", /process id/);
  });

  it("a shim named like another link of the host namespace is refused", () => {
    issueAt(() => sandboxLab().endpoint("a", net.macvlan("n").parent("eth0.50").subnet("10.0.0.0/24").hostAccess({ ip: "10.0.0.250", name: "eth0" })).plan(), "networks.n.hostAccess.name", /already the base of VLAN parent "eth0\.50"/);
  });

  it("a VLAN id with a leading zero is refused (iproute2 reads 050 as octal 40)", () => {
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0.050").subnet("10.0.0.0/24")).plan(), "networks.n.parent", /leading zero.*eth0\.50/);
  });

  it("a lab name outside the grammar is refused before the runner touches the state directory (../../x wrote its lock outside it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "underlay-spec-"));
    try {
      const l = lab("../../x").endpoint("a", pub);
      expect(() => l.name).toThrow(/Invalid lab "\.\.\/\.\.\/x".*\n.*lab: lab name must use only A-Z a-z 0-9 _ \. -/);
      const e = await rejection(l.up({ executor: recordingExecutor(), stateDir: join(dir, "a", "b") }));
      expect(e.code).toBe("INVALID_SPEC");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("network names are free text within their own grammar (they reach no argv): 1–64 bytes, no leading '-'", () => {
    expect(() => lab("x").endpoint("a", net.macvlan("help").parent("eth0").subnet("10.0.0.0/24")).plan()).not.toThrow();
    issueAt(() => lab("x").endpoint("a", net.macvlan("a\nb").parent("eth0").subnet("10.0.0.0/24")).plan(), "networks.a\nb", /A-Z a-z/);
  });
});

describe("issue §2: host access", () => {
  const n = (ip: string) => net.macvlan("pub").parent("eth0").subnet("10.77.0.0/24", { gateway: "10.77.0.1", exclude: ["10.77.0.9"] }).hostAccess({ ip });
  const plan = (ip: string) => () => lab("x", { host: "x-host" }).endpoint("a", n(ip), { ip: "10.77.0.10" }).endpoint("b", n(ip)).plan();

  it("not an address", () => void issueAt(plan("nope"), "networks.pub.hostAccess.ip", /expected an address for hostAccess ip.*"nope"/));
  it("outside the subnet", () => void issueAt(plan("10.78.0.250"), "networks.pub.hostAccess.ip", /outside every IPv4 subnet of network "pub" \(10\.77\.0\.0\/24\)/));
  it("equal to an endpoint's static address", () => void issueAt(plan("10.77.0.10"), "networks.pub.hostAccess.ip", /already given to endpoint "a"/));
  it("equal to the gateway, the network or the broadcast address", () => {
    issueAt(plan("10.77.0.1"), "networks.pub.hostAccess.ip", /gateway/);
    issueAt(plan("10.77.0.0"), "networks.pub.hostAccess.ip", /network address/);
    issueAt(plan("10.77.0.255"), "networks.pub.hostAccess.ip", /broadcast/);
  });
  it("an excluded (aux) address is allowed: Docker's way to keep the host's address out of the pool", () => {
    expect(() => plan("10.77.0.9")()).not.toThrow();
  });
  it("10.77.0.250/024: iproute2 reads 024 as octal /20, so it would never converge", () => {
    issueAt(plan("10.77.0.250/024"), "networks.pub.hostAccess.ip", /"024" has a leading zero, which iproute2 reads as octal, i\.e\. 20: write 24/);
  });
  it("a prefix shorter than the subnet's, or longer than the family's", () => {
    issueAt(plan("10.77.0.250/16"), "networks.pub.hostAccess.ip", /shorter prefix than its subnet 10\.77\.0\.0\/24/);
    issueAt(plan("10.77.0.250/33"), "networks.pub.hostAccess.ip", /at most 32/);
  });
  it("is never handed to an endpoint automatically (reserved before automatic addresses)", () => {
    const p = lab("x", { host: "x-host" }).endpoint("a", n("10.77.0.2")).plan().toJSON();
    expect(p.endpoints[0]?.interfaces[0]?.addresses).toEqual(["10.77.0.3/24"]);
  });
  it("is canonical in the plan: a bare address gets /32, IPv6 is compressed, a given prefix stays", () => {
    const argv = (ip: string, subnet = "10.77.0.0/24") =>
      lab("x", { host: "x-host" }).endpoint("a", net.macvlan("pub").parent("eth0").subnet(subnet).hostAccess({ ip })).plan().toJSON().ops.filter((o) => o.kind === "addr-add" && o.netns === "x-host").map((o) => iproute2(o).argv.join(" "));
    expect(argv("10.77.0.250")[0]).toMatch(/^ip addr add 10\.77\.0\.250\/32 dev ulh/);
    expect(argv("10.77.0.250/24")[0]).toMatch(/^ip addr add 10\.77\.0\.250\/24 dev ulh/);
    expect(argv("2001:DB8:0:0::00FA/64", "2001:db8::/64")[0]).toMatch(/^ip addr add 2001:db8::fa\/64 dev ulh/);
  });
  it("a static shim MAC is validated and used; on ipvlan it is refused", () => {
    issueAt(() => lab("x").endpoint("a", pub.hostAccess({ ip: "10.77.0.250", mac: "03:00:00:00:00:01" })).plan(), "networks.pub.hostAccess.mac", /unicast/);
    issueAt(() => lab("x").endpoint("a", net.ipvlan("i").parent("eth0").subnet("10.0.0.0/24").hostAccess({ ip: "10.0.0.250", mac: "02:00:00:00:00:01" })).plan(), "networks.i.hostAccess.mac", /ipvlan shim shares the parent's MAC/);
    const shim = lab("x").endpoint("a", pub.hostAccess({ ip: "10.77.0.250", mac: "02:AA:00:00:00:01" })).plan().toJSON().ops.find((o) => o.kind === "shim-add");
    expect(shim === undefined ? [] : iproute2(shim).argv).toContain("02:aa:00:00:00:01");
  });
});

describe("issue §2: wrong JavaScript types give INVALID_SPEC with the field path, never a TypeError", () => {
  const good: LabSpec = lab("x").endpoint("a", pub).spec();

  it("{ ip: 5 }", () => void issueAt(() => lab("x").endpoint("a", pub, { ip: 5 as unknown as string }).plan(), "endpoints.a.pub.ip", /expected an address \(a string\) but received 5 \(a number\)/));

  it('subnets: "10.0.0.0/24" through labFromSpec', () => {
    const spec = JSON.parse(JSON.stringify(good)) as { endpoints: { attachments: { network: { subnets: unknown } }[] }[] };
    (spec.endpoints[0]?.attachments[0]?.network as { subnets: unknown }).subnets = "10.0.0.0/24";
    issueAt(() => labFromSpec(spec as unknown as LabSpec).plan(), "networks.pub.subnets", /expected a list of subnets but received "10\.0\.0\.0\/24"/);
  });

  it("a lab from JSON with several wrong types reports all of them, with paths", () => {
    const spec = JSON.parse(JSON.stringify(good)) as Record<string, unknown> & { endpoints: Record<string, unknown>[] };
    spec.sandbox = "yes";
    spec.hots = "typo";
    (spec.endpoints[0] as Record<string, unknown>).netns = 7;
    const issues = issuesOf(() => labFromSpec(spec as unknown as LabSpec).plan());
    expect(issues.map((i) => i.path).sort()).toEqual(["endpoints.a.netns", "lab.hots", "lab.sandbox"]);
    expect(issues.find((i) => i.path === "lab.hots")?.message).toMatch(/unknown field "hots" — a lab takes name, host, sandbox, endpoints/);
  });

  it("a definition that is no lab at all", () => {
    // A value of the wrong type: one issue saying what it is.
    for (const [bad, received] of [[null, "null"], [5, "5 (a number)"], ["lab", '"lab"']] as const) {
      const e = thrown(() => labFromSpec(bad as unknown as LabSpec).plan());
      expect(e.code).toBe("INVALID_SPEC");
      expect(e.issues).toEqual([{ path: "lab", message: `expected a lab as an object but received ${received}` }]);
    }
    // An object (or array) without the required fields: one issue per field.
    for (const bad of [[], {}]) {
      const e = thrown(() => labFromSpec(bad as unknown as LabSpec).plan());
      expect(e.code).toBe("INVALID_SPEC");
      expect(e.issues.map((i) => i.path)).toEqual(["lab", "lab.host", "lab.sandbox", "endpoints"]);
      if (!Array.isArray(bad)) expect(() => labFromSpec(bad as unknown as LabSpec).endpoint("a", pub).plan()).toThrow(/INVALID|Invalid/);
    }
  });

  it("builder arguments of the wrong type: options that are no object, unknown options, a network that is none", () => {
    issueAt(() => lab("x", "x-host" as unknown as object).endpoint("a", pub).plan(), "lab.options", /expected the options of lab\(name, options\) as an object/);
    issueAt(() => lab("x", { hots: "h" } as unknown as object).endpoint("a", pub).plan(), "lab.options", /unknown option "hots" — lab\(name, options\) takes host, sandbox/);
    issueAt(() => lab("x").endpoint("a", pub, { ipp: "10.77.0.5" } as unknown as object).plan(), "endpoints.a.pub.options", /unknown option "ipp"/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/24", 5 as unknown as object)).plan(), "networks.n.subnets[0].options", /as an object .* but received 5/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/24", { exclude: "10.0.0.5" } as unknown as object)).plan(), "networks.n.subnets[0].exclude", /list of addresses or named addresses/);
    issueAt(() => lab("x").endpoint("a", undefined as unknown as typeof pub).plan(), "endpoints.a.attachments[0].network", /expected a network/);
    issueAt(() => lab("x").endpoint("a", pub.hostAccess(5 as unknown as { ip: string })).plan(), "networks.pub.hostAccess", /expected host access as an object but received 5/);
    issueAt(() => lab("x").endpoint("a", net.macvlan(5 as unknown as string).parent("eth0")).plan(), "endpoints.a.attachments[0].network.name", /expected a network name \(a string\)/);
    issueAt(() => lab("x").endpoint("a", pub.mtu("1500" as unknown as number)).plan(), "networks.pub.mtu", /expected an MTU \(a number\) but received "1500"/);
  });
});

describe("issue §2: subnets of a single address", () => {
  it("/32 and /128 are refused with the reason; /31 and /127 are point-to-point (two usable addresses)", () => {
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.7/32")).plan(), "networks.n.subnets[0].cidr", /single address, not a subnet.*use \/31/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("2001:db8::5/128").ipv4(false)).plan(), "networks.n.subnets[0].cidr", /single address.*use \/127/);
    const p2p = lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/31", { gateway: "10.0.0.0" })).plan().toJSON();
    expect(p2p.endpoints[0]?.interfaces[0]?.addresses).toEqual(["10.0.0.1/31"]);
  });

  it("IPv4-mapped IPv6 subnets are refused", () => {
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("::ffff:10.0.0.0/120").ipv4(false)).plan(), "networks.n.subnets[0].cidr", /IPv4-mapped/);
  });
});

describe("issue §2: MACs are unique within a lab", () => {
  it("an endpoint named host no longer gets the shim's MAC (shims have their own derivation)", () => {
    const p = lab("x", { host: "xh" }).endpoint("host", pub.hostAccess({ ip: "10.77.0.250" })).plan().toJSON();
    const shimOp = p.ops.find((o) => o.kind === "shim-add");
    const shim = shimOp === undefined ? undefined : iproute2(shimOp).argv;
    const endpointMac = p.endpoints[0]?.interfaces[0]?.mac;
    expect(endpointMac).toBe(deterministicMac("x", "host", "pub"));
    expect(shim).not.toContain(endpointMac);
    expect(shim?.[shim.indexOf("address") + 1]).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  });

  it("a static MAC equal to a generated one is refused at once, naming both owners (it used to fail after 5 s of retries)", () => {
    const clash = deterministicMac("x", "b", "pub").toUpperCase();
    const hit = issueAt(() => lab("x").endpoint("a", pub, { mac: clash }).endpoint("b", pub).plan(), "endpoints.a.pub.mac", /static MAC .* of endpoint "a" on network "pub" is also the MAC underlay derives for endpoint "b" on network "pub"/);
    expect(hit.message).toContain(clash.toLowerCase());
  });

  it("two equal static MACs are refused, naming both", () => {
    issueAt(() => lab("x").endpoint("a", pub, { mac: "02:00:00:00:00:01" }).endpoint("b", pub, { mac: "02:00:00:00:00:01" }).plan(), "endpoints.b.pub.mac", /already the static MAC of endpoint "a" on network "pub"/);
  });

  it("two generated MACs equal by hash accident: the later one is derived again, deterministically", () => {
    // Found by a birthday search over e0…e3999999 (40 hashed bits).
    expect(deterministicMac("x", "e2623188", "n")).toBe("02:08:7b:56:2e:c3");
    expect(deterministicMac("x", "e3331303", "n")).toBe("02:08:7b:56:2e:c3");
    const n = net.macvlan("n").parent("eth0").subnet("10.0.0.0/24");
    const macs = lab("x").endpoint("e2623188", n).endpoint("e3331303", n).plan().toJSON().endpoints.map((e) => e.interfaces[0]?.mac);
    expect(macs).toEqual(["02:08:7b:56:2e:c3", "02:22:94:d8:06:aa"]);
    expect(deterministicMac("x", "e3331303", "n", 1)).toBe("02:22:94:d8:06:aa");
  });

  it("MACs: malformed, multicast, all-zero; canonical lowercase in the plan", () => {
    issueAt(() => lab("x").endpoint("a", pub, { mac: "02-00-00-00-00-01" }).plan(), "endpoints.a.pub.mac", /expected a MAC like/);
    issueAt(() => lab("x").endpoint("a", pub, { mac: "01:00:5e:00:00:01" }).plan(), "endpoints.a.pub.mac", /unicast/);
    issueAt(() => lab("x").endpoint("a", pub, { mac: "00:00:00:00:00:00" }).plan(), "endpoints.a.pub.mac", /no address/);
    expect(lab("x").endpoint("a", pub, { mac: "02:AB:CD:00:00:01" }).plan().toJSON().endpoints[0]?.interfaces[0]?.mac).toBe("02:ab:cd:00:00:01");
  });
});

describe("issue §2: other values", () => {
  it("MTU: whole numbers in 68–65535, and at least 1280 on a network with IPv6", () => {
    issueAt(() => lab("x").endpoint("a", pub.mtu(1500.5)).plan(), "networks.pub.mtu", /whole number/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("2001:db8::/64").mtu(1000)).plan(), "networks.n.mtu", /below 1280.*IPv6/);
  });

  it("leading zeros in addresses and prefix lengths are explained (iproute2 reads them as octal)", () => {
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/024")).plan(), "networks.n.subnets[0].cidr", /"024" has a leading zero.*octal, i\.e\. 20: write 24/);
    issueAt(() => lab("x").endpoint("a", pub, { ip: "10.77.0.010" }).plan(), "endpoints.a.pub.ip", /"010" has a leading zero.*octal, i\.e\. 8: write 10/);
    issueAt(() => lab("x").endpoint("a", net.macvlan("n").parent("eth0").subnet("10.0.0.0/24", { gateway: "10.0.0.01" })).plan(), "networks.n.subnets[0].gateway", /leading zero/);
  });
});
