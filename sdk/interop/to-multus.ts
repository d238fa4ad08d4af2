/**
 * A lab → Kubernetes `NetworkAttachmentDefinition`s (Multus), one per network, as YAML: the same
 * macvlan/ipvlan plugin as {@link toCni} on the same parent and mode, with either `static` IPAM
 * (each pod asks for its planned address and MAC in its `k8s.v1.cni.cncf.io/networks`
 * annotation, listed in a comment above the definition) or `whereabouts` (cluster-wide
 * allocation from the subnet, the ip range and the gateway and aux addresses excluded). This is
 * how a lab designed with underlay runs on many machines: Kubernetes is the distributed engine.
 * YAML is written with the `yaml` package.
 * @module
 */
import { stringify } from "yaml";
import type { Plannable } from "../runner/context.ts";
import type { NetworkSpec } from "../spec/types.ts";
import { labNetworks } from "../spec/validate.ts";
import { cniAttachments } from "./to-cni.ts";

/** Options of {@link toMultus}. */
export interface ToMultusOptions {
  /** `static` (default: per-pod addresses from the plan) or `whereabouts` (cluster-wide allocation). */
  readonly ipam?: "static" | "whereabouts";
  /** Kubernetes namespace of the definitions (default: none written, i.e. the current one). */
  readonly namespace?: string;
  /**
   * Add the network's default route in the pod (default `false`: in Kubernetes the pod's default
   * route belongs to the cluster network on `eth0`; a second one would fail with "file exists").
   */
  readonly defaultRoute?: boolean;
}

/**
 * A Kubernetes object name from a network name (DNS-1123: lowercase, `-` for `_` and `.`).
 *
 * @example
 * ```ts
 * k8sName("pub_net"); // "pub-net"
 * ```
 */
export function k8sName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63) || "net"
  );
}

function excludes(n: NetworkSpec, cidr: string, gateway: string | null): string[] {
  const s = n.subnets.find((x) => x.cidr === cidr);
  const aux = s === undefined ? [] : Array.isArray(s.exclude) ? [...s.exclude] : Object.values(s.exclude ?? {});
  const host = (ip: string): string => `${ip}/${ip.includes(":") ? 128 : 32}`;
  return [...(gateway === null ? [] : [host(gateway)]), ...aux.map(host)];
}

/**
 * One `NetworkAttachmentDefinition` per network of the lab, as a multi-document YAML string.
 *
 * @example
 * ```ts
 * console.log(toMultus(demo, { ipam: "whereabouts" }));
 * // apiVersion: k8s.cni.cncf.io/v1
 * // kind: NetworkAttachmentDefinition
 * // metadata: { name: pub-net }
 * // spec: { config: '{"cniVersion":"1.0.0","name":"pub_net","plugins":[{"type":"macvlan",…}]}' }
 * ```
 */
export function toMultus(source: Plannable, options: ToMultusOptions = {}): string {
  const plan = source.plan();
  const { networks } = labNetworks(source.spec());
  const mode = options.ipam ?? "static";
  const docs: string[] = [];
  for (const n of networks) {
    const info = plan.networks.find((x) => x.name === n.name);
    if (info === undefined) continue;
    const members = plan.endpoints.filter((e) => e.interfaces.some((i) => i.network === n.name));
    const first = members[0];
    if (first === undefined) continue;
    const attachment = cniAttachments(plan, first.name).find((a) => a.network === n.name);
    if (attachment === undefined) continue;
    const { ipam: _ipam, mac: _mac, ...base } = attachment.conflist.plugins[0];
    const routes = options.defaultRoute === true ? attachment.conflist.plugins[0].ipam.routes : [];
    let plugin: object;
    if (mode === "whereabouts") {
      const local = cniAttachments(plan, first.name, { ipam: "host-local" }).find((a) => a.network === n.name)?.conflist.plugins[0].ipam;
      const ranges = (local?.type === "host-local" ? local.ranges.flat() : []).map((r) => ({
        range: r.subnet,
        ...(r.rangeStart === undefined ? {} : { range_start: r.rangeStart }),
        ...(r.rangeEnd === undefined ? {} : { range_end: r.rangeEnd }),
        exclude: excludes(n, r.subnet, r.gateway ?? null),
      }));
      const [head, ...more] = ranges;
      const gateway = info.subnets.find((s) => s.gateway !== null)?.gateway;
      plugin = { ...base, ipam: { type: "whereabouts", ...head, ...(more.length > 0 ? { ipRanges: more } : {}), ...(gateway === undefined || gateway === null ? {} : { gateway }), routes } };
    } else {
      plugin = { ...base, capabilities: { ips: true, ...(info.driver === "macvlan" && info.mode !== "passthru" ? { mac: true } : {}) }, ipam: { type: "static", routes } };
    }
    const config = JSON.stringify({ cniVersion: "1.0.0", name: n.name, plugins: [plugin] });
    const name = k8sName(n.name);
    const doc = stringify({
      apiVersion: "k8s.cni.cncf.io/v1",
      kind: "NetworkAttachmentDefinition",
      metadata: { name, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) },
      spec: { config },
    });
    const header = [`# network ${n.name} (${info.driver} ${info.mode} on ${info.parent}) — lab ${plan.lab}`];
    if (mode === "static") {
      header.push("# pods (annotation k8s.v1.cni.cncf.io/networks):");
      for (const e of members) {
        const ifc = e.interfaces.find((i) => i.network === n.name);
        if (ifc === undefined) continue;
        const selection = { name, ips: ifc.addresses, ...(ifc.mac === null ? {} : { mac: ifc.mac }) };
        header.push(`#   ${e.name}: '${JSON.stringify([selection])}'`);
      }
    }
    header.push(`# the parent ${info.parent} must exist on every node${info.parentSource === "dummy" ? " (underlay creates it for this isolated network; create it there too)" : ""}`);
    docs.push(`${header.join("\n")}\n${doc}`);
  }
  return docs.join("---\n");
}
