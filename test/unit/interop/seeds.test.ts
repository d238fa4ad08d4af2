/**
 * The reference documents' command blocks, pasted into `fromDocker`, plan exactly like the
 * hand-written examples: the whole plan JSON (ops, networks, endpoints, diagnostics) byte for
 * byte against the example's own `--plan` output. The documents name containers differently
 * from the examples (or not at all), so the test renames the endpoints in start order before
 * comparing; every other difference between a block and its example is an edit listed here with
 * its reason, and each edit must match the block's text. The documents' dialect is used (IPv6
 * subnets alone make a network dual-stack, underlay's MACs); the engine dialect is checked at the
 * end.
 */
import { describe, expect, it } from "vitest";
import { labFromSpec, type LabBuilder, type PlanData } from "../../../sdk/index.ts";
import { fromDocker, importDocker } from "../../../sdk/interop/index.ts";
import { examples, pool, runExampleProcess } from "../../examples/support.ts";
import { thrown } from "../../support/errors.ts";
import { seedBlocks, seedFile, type SeedBlock } from "./seed-blocks.ts";

const doc = seedBlocks(seedFile("003"));
const ipvlanDoc = seedBlocks(seedFile("004"));

function block(blocks: readonly SeedBlock[], index: number): string {
  const b = blocks[index - 1];
  if (b === undefined) throw new Error(`no command block #${index}`);
  return b.text;
}

/** A change to the documents' text, with the reason the example differs. */
interface Edit {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** One lab of an example, as the documents' blocks give it. */
interface SeedLab {
  readonly lab: string;
  readonly host: string;
  readonly sandbox: boolean;
  readonly text: string;
  readonly edits: readonly Edit[];
  /** The example's endpoint names in start order. */
  readonly names: readonly string[];
}

const add = (lines: string, why: string): Edit => ({ from: "", to: `\n${lines}`, why });

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    if (e.from === "") out += e.to;
    else {
      expect(out, `edit "${e.why}" must match the documents' text`).toContain(e.from);
      out = out.replace(e.from, e.to);
    }
  }
  return out;
}

function renamed(l: LabBuilder, names: readonly string[]): LabBuilder {
  const spec = l.spec();
  expect(spec.endpoints.length).toBe(names.length);
  // The namespace goes with the name (a long Docker name gets a hashed one).
  return labFromSpec({ ...spec, endpoints: spec.endpoints.map((e, i) => ({ name: names[i] as string, attachments: e.attachments })) });
}

const scenarios: Readonly<Record<string, readonly SeedLab[]>> = {
  "macvlan-bridge": [{ lab: "mvb", host: "ex-mvb", sandbox: true, text: block(doc, 1), edits: [], names: ["c1", "c2"] }],
  "macvlan-ip-range": [
    { lab: "mva", host: "ex-mva", sandbox: true, text: block(doc, 2), edits: [add("docker run --net=pub_net alpine\ndocker run --net=pub_net alpine", "the block only creates the network; the example starts two containers to show the exclusion")], names: ["p1", "p2"] },
    { lab: "mvr", host: "ex-mvr", sandbox: true, text: block(doc, 3), edits: [add("docker run --net=macnet32 -it --rm alpine /bin/sh", "a second container shows allocation going upwards from .128")], names: ["r1", "r2"] },
  ],
  "ipvlan-l2": [{ lab: "ipl2", host: "ex-ipl2", sandbox: true, text: block(doc, 4), edits: [add("docker run --net=db_net -it --rm alpine /bin/sh", "a second container to ping")], names: ["c1", "c2"] }],
  "ipvlan-l2-gateway": [{ lab: "ipgw", host: "ex-ipgw", sandbox: true, text: block(doc, 5), edits: [], names: ["ipv1", "ipv2"] }],
  internal: [{ lab: "iso", host: "ex-iso", sandbox: true, text: block(doc, 6), edits: [], names: ["cid1", "cid2", "cid3"] }],
  "macvlan-trunk": [
    {
      lab: "mvt",
      host: "ex-mvt",
      sandbox: true,
      text: [block(doc, 7), block(doc, 8), block(doc, 9)].join("\n"),
      edits: [
        { from: "-o parent=eth0.60 -o \\\n", to: "-o parent=eth0.60 \\\n", why: "the stray `-o` of the documents: Docker takes `-o` as its value and refuses the line (see the test below)" },
        { from: "docker network create -d ipvlan \\\n    --subnet=192.168.210.0/24", to: "docker network create -d macvlan \\\n    --subnet=192.168.210.0/24", why: "the documents write ipvlan under this macvlan heading; the example uses the heading's driver" },
        { from: "    -o ipvlan_mode=l2 ipvlan210", to: "    macvlan210", why: "…and so no ipvlan mode, and the name macvlan210" },
        { from: "--net=ipvlan210 --ip=192.168.210.10", to: "--net=macvlan210 --ip=192.168.210.10", why: "the renamed network" },
        { from: "--net=ipvlan210 --ip=192.168.210.9", to: "--net=macvlan210 --ip=192.168.210.9", why: "the renamed network" },
        { from: "--net=ipvlan210 --ip=192.168.212.10", to: "--net=macvlan210 --ip=192.168.212.10", why: "the renamed network" },
        { from: "--net=ipvlan210 --ip=192.168.212.9", to: "--net=macvlan210 --ip=192.168.212.9", why: "the renamed network" },
      ],
      names: ["t5", "t6", "t7", "t8", "m10", "m9", "n10", "n9"],
    },
  ],
  "ipvlan-trunk": [
    {
      lab: "ivt",
      host: "ex-ivt",
      sandbox: true,
      text: [block(doc, 10), block(doc, 11), block(doc, 12)].join("\n"),
      edits: [add("docker run --net=ipvlan114 --ip=192.168.116.10 alpine", "a container on the second subnet of VLAN 114 shows it needs a router")],
      names: ["t1", "t2", "t3", "t4", "s1", "s2", "s3"],
    },
  ],
  "manual-vlan": [{ lab: "mvl", host: "ex-mvl", sandbox: false, text: block(doc, 23), edits: [], names: ["t5", "t6"] }],
  "ipvlan-l3": [{ lab: "ipl3", host: "ex-ipl3", sandbox: true, text: block(doc, 13), edits: [], names: ["c1", "c2", "c3", "c4"] }],
  "macvlan-dual-stack": [
    {
      lab: "mvds",
      host: "ex-mvds",
      sandbox: true,
      text: block(doc, 14),
      edits: [{ from: "--net=macvlan216 --name=macnet216_test --ip=192.168.218.10", to: "--net=macvlan216 --ip=192.168.218.10", why: "the documents give two running containers the same name, which Docker refuses (see the test below)" }],
      names: ["t1", "t2", "t3", "t4"],
    },
  ],
  "ipvlan-v6-only": [{ lab: "iv6", host: "ex-iv6", sandbox: true, text: [block(doc, 16), block(doc, 17), block(doc, 19)].join("\n"), edits: [], names: ["c1", "c2", "c3"] }],
  "ipvlan-l2-dual-stack": [
    {
      lab: "ivds",
      host: "ex-ivds",
      sandbox: true,
      text: [block(doc, 18), "docker run --net=ipvlan140 -it --rm alpine /bin/sh", block(doc, 20)].join("\n"),
      edits: [add("docker run --net=ipvlan140 --ip=192.168.142.10 alpine", "a container on the second IPv4 subnet (IPv4 needs a router, IPv6 reaches everyone)")],
      names: ["c1", "c2", "c3"],
    },
  ],
  "ipvlan-l3-dual-stack": [
    {
      lab: "il3ds",
      host: "ex-il3ds",
      sandbox: true,
      text: block(doc, 21),
      edits: [
        { from: "-o parent=eth0 \\", to: "-o parent=eth0.118 \\", why: "the heading's VLAN 118 (the command uses eth0: 'a tagged VLAN interface does not have to be used')" },
        { from: "--ip6=2001:db8:abc6::50 --ip=192.168.112.50", to: "--ip6=2001:db8:abc6::50 --ip=192.168.112.51", why: "the documents reuse .112.50 after the 3rd container is gone (--rm); the example runs all four at once" },
      ],
      names: ["c1", "c2", "c3", "c4"],
    },
  ],
};

/** The example's own plans (`--plan`, under Bun), started up front, two at a time. */
const names = Object.keys(scenarios);
const runs = pool(names.map((name) => () => runExampleProcess("bun", name, ["--plan"])), 2);
const examplePlans = (name: string): Promise<PlanData[]> =>
  (runs[names.indexOf(name)] as Promise<{ code: number | null; stdout: string; stderr: string }>).then((r) => {
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as PlanData | PlanData[];
    return Array.isArray(parsed) ? parsed : [parsed];
  });

describe("the documents' command blocks plan exactly like the examples", () => {
  it("every example built from the documents' commands is covered (the other two have no Docker commands)", () => {
    expect([...names, "host-access", "two-host-l3"].sort()).toEqual([...examples]);
  });

  for (const [example, labs] of Object.entries(scenarios)) {
    it(`${example}: ${labs.map((l) => l.lab).join(" + ")}`, async () => {
      const expected = await examplePlans(example);
      expect(expected.length).toBe(labs.length);
      labs.forEach((s, i) => {
        const text = applyEdits(s.text, s.edits);
        const l = renamed(fromDocker(text, { lab: s.lab, host: s.host, sandbox: s.sandbox, dialect: "documents" }), s.names);
        expect(JSON.stringify(l.plan().toJSON(), null, 2)).toBe(JSON.stringify(expected[i], null, 2));
      });
    });
  }
});

describe("the documents' blocks as written", () => {
  it("the ipvlan page's two blocks (with $ prompts and line breaks) plan like ipvlan-l2-gateway and internal", async () => {
    const gw = fromDocker(block(ipvlanDoc, 1), { lab: "ipgw", host: "ex-ipgw", sandbox: true, dialect: "documents" });
    const iso = fromDocker(block(ipvlanDoc, 2), { lab: "iso", host: "ex-iso", sandbox: true, dialect: "documents" });
    expect(JSON.stringify(gw.plan().toJSON())).toBe(JSON.stringify((await examplePlans("ipvlan-l2-gateway"))[0]));
    expect(JSON.stringify(iso.plan().toJSON())).toBe(JSON.stringify((await examplePlans("internal"))[0]));
  });

  it("`ping -c 4 ipv1`, `docker exec` and `ip link` lines are skipped and reported, never silently dropped", () => {
    const { notes } = importDocker(block(ipvlanDoc, 1), { lab: "ipgw" });
    expect(notes).toEqual(["line 12: skipped `ping -c 4 ipv1` (changes no network)"]);
    expect(importDocker(block(doc, 6), { lab: "iso" }).notes.filter((n) => n.includes("docker exec"))).toHaveLength(3);
    expect(importDocker(block(doc, 23), { lab: "mvl" }).notes.filter((n) => n.includes("skipped `ip link"))).toHaveLength(2);
  });

  it("the VLAN 60 block's stray `-o` is refused with its line, as Docker refuses it", () => {
    const e = thrown(() => fromDocker(block(doc, 8)));
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => i.path)).toEqual(["line 2", "line 2", "line 8", "line 9"]);
    expect(e.issues[0]?.message).toContain('-o expected a value but received the flag "-o"');
    expect(e.issues[1]?.message).toContain('expected exactly one network name but received "macvlan_mode=bridge", "macvlan60"');
    expect(e.issues[2]?.message).toContain('network "macvlan60" is not created above');
  });

  it("the dual-stack block's second `--name=macnet216_test` is refused, as Docker refuses it", () => {
    const e = thrown(() => fromDocker(block(doc, 14)));
    expect(e.issues).toEqual([
      {
        path: "line 11",
        message: 'docker run: the name "macnet216_test" is already used by the container of line 9 — Docker refuses it ("Conflict. The container name … is already in use"); give this one another --name or none',
      },
    ]);
  });

  it("every block parses alone, or after the block that creates its network", () => {
    const fixed = (b: SeedBlock): string => b.text.replace("-o parent=eth0.60 -o \\\n", "-o parent=eth0.60 \\\n").replace("--name=macnet216_test --ip=192.168.218.10", "--ip=192.168.218.10");
    let checked = 0;
    for (const b of doc) {
      if (b.index === 8 || b.index === 14) expect(() => fromDocker(b.text)).toThrow(); // refused above, as Docker refuses them
      if (b.index === 21) {
        // Four containers in "separate terminals": the 4th asks for the 3rd's 192.168.112.50 while it runs.
        const e = thrown(() => fromDocker(b.text, { dialect: "documents" }));
        expect(e.issues.map((i) => i.path)).toEqual(["line 17: endpoints.c4.ipnet110.ip"]);
        expect(e.issues[0]?.message).toContain('192.168.112.50 is already given to endpoint "c3"');
        checked++;
        continue;
      }
      let text = fixed(b);
      if (!text.includes("docker network create")) {
        const used = /--net=([\w.-]+)/.exec(text)?.[1] ?? "";
        const creator = doc.slice(0, b.index - 1).reverse().find((x) => new RegExp(`docker network create[\\s\\S]*\\s${used}(\\n|$)`).test(x.text));
        expect(creator, `block #${b.index} uses ${used}`).toBeDefined();
        const create = /(?:#.*\n)*docker network create(?:.*\\\n)*.*/.exec(fixed(creator as SeedBlock))?.[0];
        text = `${create}\n${text}`;
      }
      expect(() => importDocker(text, { lab: "seed", dialect: "documents" }), `block #${b.index}`).not.toThrow();
      checked++;
    }
    expect(checked).toBe(23);
  });
});

describe("the engine dialect (the default) on the documents' blocks", () => {
  it("a network without --ipv6 leaves out its IPv6 subnet and the --ip6 addresses, and says so", () => {
    const { lab: l, notes } = importDocker(block(doc, 14).replace("--name=macnet216_test --ip=192.168.218.10", "--ip=192.168.218.10"), { lab: "mvds" });
    expect(l.plan().networks[0]?.subnets.map((s) => s.cidr)).toEqual(["192.168.216.0/24", "192.168.218.0/24"]);
    expect(notes.some((n) => n.startsWith("line 2: network macvlan216 has IPv6 subnets but no --ipv6"))).toBe(true);
    const v6only = importDocker([block(doc, 16), block(doc, 19)].join("\n"), { lab: "iv6" });
    expect(v6only.lab.plan().endpoints.map((e) => e.interfaces[0]?.addresses)).toEqual([["172.18.0.2/16"], ["172.18.0.3/16"]]);
    expect(v6only.notes.some((n) => n.includes("--ip6=2001:db8:abc2::51 left out"))).toBe(true);
  });

  it("macvlan MACs are 02:42 and the IPv4 address, as Docker Engine derives them", () => {
    const eps = fromDocker(block(doc, 1), { lab: "mvb" }).plan().endpoints;
    expect(eps.map((e) => [e.interfaces[0]?.addresses[0], e.interfaces[0]?.mac])).toEqual([
      ["172.16.86.10/24", "02:42:ac:10:56:0a"],
      ["172.16.86.2/24", "02:42:ac:10:56:02"],
    ]);
  });

  it("an --ip-range without --gateway: the gateway is the range's first address and containers follow it", () => {
    const l = fromDocker("docker network create -d macvlan --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 -o parent=eth0 r32\ndocker run --net=r32 alpine", { lab: "r" });
    const ep = l.plan().endpoints[0]?.interfaces[0];
    expect([ep?.addresses, ep?.routes]).toEqual([["192.168.32.129/24"], [{ dst: "default", via: "192.168.32.128", dev: "eth0" }]]);
    const docs = fromDocker("docker network create -d macvlan --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 -o parent=eth0 r32\ndocker run --net=r32 alpine", { lab: "r", dialect: "documents" });
    expect(docs.plan().endpoints[0]?.interfaces[0]?.addresses).toEqual(["192.168.32.128/24"]);
  });

  it("--internal with a parent keeps the parent and the gateway address, without a default route", () => {
    const l = fromDocker("docker network create -d macvlan --internal --subnet=10.9.5.0/24 -o parent=eth0 in1\ndocker run --net=in1 alpine", { lab: "in" });
    const p = l.plan();
    expect(p.networks[0]?.parent).toBe("eth0");
    expect(p.endpoints[0]?.interfaces[0]?.addresses).toEqual(["10.9.5.2/24"]);
    expect(p.endpoints[0]?.interfaces[0]?.routes).toEqual([]);
  });
});
