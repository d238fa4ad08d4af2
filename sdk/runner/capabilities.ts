/**
 * What the kernel and iproute2 behind an executor can do, probed once per executor and cached:
 * root, iproute2 version and `-json` support, and which link kinds the kernel has. The link
 * probe runs in a throwaway network namespace (`unshare --net`), so it touches nothing.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor, KernelCapabilities, LinkKind } from "../executor/types.ts";
import { kernelOption } from "./hints.ts";

export type { LinkKind } from "../executor/types.ts";

/** The probe's answer (`nameInTarget` is passed to the planner). */
export type Capabilities = KernelCapabilities;

const cache = new WeakMap<Executor, Promise<Capabilities>>();

const PROBE_LINES = [
  "link add ulpb type bridge",
  "link add ulpv type veth peer name ulpw",
  "link add ulpd type dummy",
  "link add ulpm link ulpv type macvlan mode bridge",
  "link add ulpi link ulpw type ipvlan mode l2",
  "link add link ulpv name ulpv.5 type vlan id 5",
];
const PROBE_KINDS: readonly LinkKind[] = ["bridge", "veth", "dummy", "macvlan", "ipvlan", "vlan"];

/**
 * The name probe, run by a shell in a throwaway namespace A: a nested throwaway namespace B makes
 * a link `ulpn`, then asks for another `ulpn` to be created in A (named by the shell's pid). A
 * kernel that checks names in the target answers yes; one that checks the caller's answers
 * "File exists". The nested `ip` is started by `unshare` itself (never by a shell, which on
 * busybox systems may prefer its own `ip` applet), and sits in a pipeline, so the shell stays
 * alive (no exec of the last command) while its pid names A. Both namespaces vanish with the
 * processes.
 */
const NAME_PROBE = `printf 'link add ulpn type %s\nlink add ulpn netns %s type %s\n' "$1" "$$" "$1" | unshare --net -- ip -batch - && echo underlay-name-in-target`;

async function probe(executor: Executor): Promise<Capabilities> {
  const v = await executor.run({ netns: null, argv: ["ip", "-V"] });
  if (v.code !== 0) throw new UnderlayError("PREFLIGHT", `iproute2 is not usable: ${v.stderr.trim()} — install iproute2 (Debian: apt-get install iproute2)`);
  const version = /iproute2[-\w.]*/.exec(`${v.stdout}${v.stderr}`)?.[0] ?? v.stdout.trim();
  const j = await executor.run({ netns: null, argv: ["ip", "-json", "link", "show", "dev", "lo"] });
  if (j.code !== 0 || !j.stdout.trim().startsWith("[")) {
    throw new UnderlayError("PREFLIGHT", `iproute2 (${version}) has no JSON output (ip -json) — install iproute2 4.14 or newer`);
  }
  const r = await executor.run({ netns: null, argv: ["unshare", "--net", "--", "ip", "-force", "-batch", "-"], input: `${PROBE_LINES.join("\n")}\n` });
  if (/Operation not permitted|Permission denied/i.test(r.stderr) && r.code !== 0 && !/Command failed/.test(r.stderr)) {
    throw new UnderlayError("PREFLIGHT", "cannot create a network namespace: run as root (CAP_SYS_ADMIN and CAP_NET_ADMIN are needed)");
  }
  const failed = new Set<number>();
  for (const m of r.stderr.matchAll(/Command failed [^:\n]*:(\d+)/g)) failed.add(Number(m[1]));
  const kinds = Object.fromEntries(PROBE_KINDS.map((k, i) => [k, !failed.has(i + 1)])) as Record<LinkKind, boolean>;
  // macvlan/ipvlan/vlan sit on the veth; if veth itself is missing they cannot be judged: try a bridge base.
  if (!kinds.veth && kinds.bridge) {
    const again = await executor.run({
      netns: null,
      argv: ["unshare", "--net", "--", "ip", "-force", "-batch", "-"],
      input: "link add ulpb type bridge\nlink add ulpm link ulpb type macvlan mode bridge\nlink add ulpi link ulpb type ipvlan mode l2\nlink add link ulpb name ulpb.5 type vlan id 5\n",
    });
    const f2 = new Set<number>();
    for (const m of again.stderr.matchAll(/Command failed [^:\n]*:(\d+)/g)) f2.add(Number(m[1]));
    kinds.macvlan = !f2.has(2);
    kinds.ipvlan = !f2.has(3);
    kinds.vlan = !f2.has(4);
  }
  const base = kinds.bridge ? "bridge" : kinds.dummy ? "dummy" : null;
  const names = base === null ? null : await executor.run({ netns: null, argv: ["unshare", "--net", "--", "sh", "-c", NAME_PROBE, "underlay-probe", base] });
  const nameInTarget = names !== null && names.code === 0 && names.stdout.includes("underlay-name-in-target");
  return { tool: version, kinds, nameInTarget };
}

/**
 * Probes (once per executor) and returns the capabilities.
 *
 * @example
 * ```ts
 * const caps = await capabilities(localExecutor());
 * if (!caps.kinds.ipvlan) console.log("no ipvlan here");
 * ```
 */
export function capabilities(executor: Executor): Promise<Capabilities> {
  let p = cache.get(executor);
  if (p === undefined) {
    p = executor.probe?.() ?? probe(executor);
    cache.set(executor, p);
    p.catch(() => cache.delete(executor));
  }
  return p;
}

/** Throws `UNSUPPORTED_KERNEL` naming the missing kernel options, if any needed kind is missing. */
export function requireKinds(caps: Capabilities, needed: ReadonlySet<LinkKind>): void {
  const missing = [...needed].filter((k) => !caps.kinds[k]);
  if (missing.length === 0) return;
  throw new UnderlayError(
    "UNSUPPORTED_KERNEL",
    `this kernel cannot create ${missing.join(", ")} links (missing ${missing.map(kernelOption).join(", ")}) — load the module (modprobe ${missing.map((k) => (k === "vlan" ? "8021q" : k)).join(" ")}) or use a kernel built with it; see README › Kernel support, and the kernel lab (npm run kernel-lab) which proves these on a Debian kernel`,
    { details: { missing } },
  );
}
