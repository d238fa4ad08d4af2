/**
 * CNI round trip on the real kernel with the real reference plugins (Debian
 * `containernetworking-plugins`): for each documented macvlan scenario this kernel supports, the
 * lab is brought up by underlay and read back; then the conflists `toCni` exports are executed by
 * the plugins the way a runtime calls them (CNI_COMMAND=ADD, the namespace path, the interface
 * name, the configuration on stdin; then CHECK with the ADD result, then DEL), inside a second
 * sandbox host namespace that holds the same stand-in parent (the plugins look the master up in
 * the namespace they run in). Both sides must show the same link kind and mode, MAC, MTU,
 * addresses and routes for every endpoint. Sandboxed, unique names, nothing left behind.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capabilities, localExecutor, type LabBuilder } from "../../../sdk/index.ts";
import { cniAttachments, fromDocker, type CniConflist } from "../../../sdk/interop/index.ts";
import { CNI_PATH, ensureCniPlugins } from "../../../tasks/bench/baselines/cni.ts";
import { readFacts, type InterfaceFacts } from "../../../tasks/conformance/facts.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("uc");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-cni-"));
let seq = 0;
const fresh = (): string => `${prefix}${(seq++).toString(36)}`;

afterAll(() => {
  const left = removeNetnsWithPrefix(prefix);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left, "namespaces left behind").toEqual([]);
});

/** The documents' macvlan scenarios this kernel can run (no 802.1Q here: VLAN 218's dual stack on eth0 itself). */
const scenarios: readonly {
  readonly name: string;
  readonly text: string;
  readonly hostLocal?: boolean;
  /** Addresses host-local hands out differently: it continues after the last address it reserved (round robin), where Docker and underlay take the lowest free one. */
  readonly hostLocalAddresses?: Readonly<Record<number, readonly string[]>>;
}[] = [
  {
    name: "macvlan bridge (pub_net)",
    hostLocal: true,
    hostLocalAddresses: { 1: ["172.16.86.11/24"] }, // after the static .10, not the lowest free .2
    text: `docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 -o parent=eth0 pub_net
docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh
docker run --net=pub_net -it --rm alpine /bin/sh`,
  },
  {
    name: "--aux-address (pub_net, the host's .250 excluded)",
    text: `docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 --aux-address="exclude_host=172.16.86.250" -o parent=eth0 pub_net
docker run --net=pub_net alpine
docker run --net=pub_net alpine`,
  },
  {
    name: "--ip-range (macnet32)",
    hostLocal: true,
    text: `docker network create -d macvlan --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 --gateway=192.168.32.254 -o parent=eth0 macnet32
docker run --net=macnet32 -it --rm alpine /bin/sh
docker run --net=macnet32 -it --rm alpine /bin/sh`,
  },
  {
    name: "dual stack (macvlan216, two IPv4 subnets and 2001:db8:abc8::/64)",
    text: `docker network create -d macvlan --ipv6 --subnet=192.168.216.0/24 --subnet=192.168.218.0/24 --gateway=192.168.216.1 --gateway=192.168.218.1 --subnet=2001:db8:abc8::/64 --gateway=2001:db8:abc8::10 -o parent=eth0 -o macvlan_mode=bridge macvlan216
docker run --net=macvlan216 --name=t1 --ip=192.168.216.10 -itd alpine /bin/sh
docker run --net=macvlan216 --name=t2 --ip=192.168.218.10 -itd alpine /bin/sh
docker run --net=macvlan216 --ip=192.168.216.11 -it --rm alpine /bin/sh`,
  },
  {
    name: "macvlan private mode",
    text: `docker network create -d macvlan --subnet=10.70.0.0/24 -o parent=eth0 -o macvlan_mode=private priv
docker run --net=priv alpine
docker run --net=priv alpine`,
  },
];

function sh(argv: readonly string[], input?: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(argv[0] as string, argv.slice(1), { encoding: "utf8", env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The configuration a runtime hands one plugin of a conflist: the plugin's object with cniVersion and name (CNI spec, "Execution Protocol"). */
function pluginConfig(c: CniConflist, prevResult?: unknown): string {
  return JSON.stringify({ cniVersion: c.cniVersion, name: c.name, ...c.plugins[0], ...(prevResult === undefined ? {} : { prevResult }) });
}

/** Runs the conflists of every endpoint through the real plugin inside `host`: ADD, read back, CHECK, DEL. */
async function viaCni(l: LabBuilder, host: string, ipam: "static" | "host-local", dataDir: string): Promise<{ facts: InterfaceFacts[]; checks: number[]; dels: number[]; afterDel: string[] }> {
  const plan = l.plan();
  const facts: InterfaceFacts[] = [];
  const checks: number[] = [];
  const dels: number[] = [];
  const afterDel: string[] = [];
  const calls: { ns: string; ifname: string; conflist: CniConflist; result: unknown }[] = [];
  for (const ep of plan.endpoints) {
    const ns = `${host.slice(0, -2)}-${ep.name}`;
    execFileSync("ip", ["netns", "add", ns]);
    for (const a of cniAttachments(l, ep.name, { ipam, dataDir })) {
      const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: ns, CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: a.ifname, CNI_PATH };
      const r = await sh(["nsenter", `--net=/run/netns/${host}`, "--", join(CNI_PATH, a.conflist.plugins[0].type)], pluginConfig(a.conflist), env);
      expect(r.code, `ADD ${ep.name}/${a.ifname}: ${r.stdout} ${r.stderr}`).toBe(0);
      calls.push({ ns, ifname: a.ifname, conflist: a.conflist, result: JSON.parse(r.stdout) });
    }
    facts.push(await readFacts(`/run/netns/${ns}`));
  }
  for (const c of calls) {
    const env = { CNI_CONTAINERID: c.ns, CNI_NETNS: `/run/netns/${c.ns}`, CNI_IFNAME: c.ifname, CNI_PATH };
    const plugin = ["nsenter", `--net=/run/netns/${host}`, "--", join(CNI_PATH, c.conflist.plugins[0].type)];
    checks.push((await sh(plugin, pluginConfig(c.conflist, c.result), { ...env, CNI_COMMAND: "CHECK" })).code);
    dels.push((await sh(plugin, pluginConfig(c.conflist, c.result), { ...env, CNI_COMMAND: "DEL" })).code);
    afterDel.push(execFileSync("ip", ["-n", c.ns, "-br", "link", "show"], { encoding: "utf8" }).trim().split("\n").map((x) => x.split(/\s+/)[0]).join(","));
  }
  return { facts, checks, dels, afterDel };
}

describe.runIf(requireRoot("CNI round trip"))("toCni on the real CNI plugins matches underlay's own up", () => {
  let standIn = "dummy";
  beforeAll(async () => {
    await ensureCniPlugins();
    standIn = (await capabilities(localExecutor())).kinds.dummy ? "dummy" : "bridge";
  }, 180_000);

  for (const s of scenarios) {
    for (const ipam of s.hostLocal === true ? (["static", "host-local"] as const) : (["static"] as const)) {
      it(`${s.name} — ${ipam} IPAM`, async () => {
        const name = fresh();
        const l = fromDocker(s.text, { lab: name, host: `${name}-h`, sandbox: true });
        // underlay's own up, read back, torn down.
        const up = await l.up({ stateDir, handleSignals: false });
        let mine: InterfaceFacts[];
        try {
          mine = await Promise.all(up.plan.endpoints.map((e) => readFacts(`/run/netns/${e.netns}`)));
        } finally {
          await l.down({ stateDir });
        }
        // The same endpoints through the plugins, in a second sandbox with the same stand-in parent.
        const other = fresh();
        const host = `${other}-h`;
        const dataDir = mkdtempSync(join(tmpdir(), "underlay-cni-ipam-"));
        try {
          execFileSync("ip", ["netns", "add", host]);
          execFileSync("ip", ["-n", host, "link", "add", "eth0", "type", standIn]);
          execFileSync("ip", ["-n", host, "link", "set", "eth0", "up"]);
          const theirs = await viaCni(l, host, ipam, dataDir);
          const expected = ipam === "host-local" ? mine.map((f, i) => ({ ...f, addresses: s.hostLocalAddresses?.[i] ?? f.addresses, routes: f.routes })) : mine;
          expect(theirs.facts).toEqual(expected);
          expect(mine[0]?.kind).toBe("macvlan");
          expect(theirs.checks, "CHECK exit codes").toEqual(theirs.checks.map(() => 0));
          expect(theirs.dels, "DEL exit codes").toEqual(theirs.dels.map(() => 0));
          expect(theirs.afterDel, "links left after DEL").toEqual(theirs.afterDel.map(() => "lo"));
        } finally {
          removeNetnsWithPrefix(other);
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
    }
  }
});
