/**
 * Where an example's labs run (pure): the examples are written like the documents, for `eth0`;
 * this rebuilds a lab for the sandbox (host namespace `ex-<lab>`) or for a real interface given
 * with `--parent`, and under another name when asked (`--lab`).
 * @module
 */
import { lab, type EndpointOptions, type LabBuilder, type NetworkSpec } from "../sdk/index.ts";

/**
 * Where and under which name a lab runs.
 *
 * @example
 * ```ts
 * const sandboxed: Target = { name: "mvb", host: "ex-mvb", sandbox: true, parent: null };
 * ```
 */
export interface Target {
  /** Lab name. */
  readonly name: string;
  /** Host namespace (`null` = this machine's own namespace). */
  readonly host: string | null;
  /** Whether the lab creates its host namespace and stand-in parents. */
  readonly sandbox: boolean;
  /** Interface that takes the place of `eth0` (`eth0.50` becomes `<parent>.50`); `null` keeps the names. */
  readonly parent: string | null;
}

/**
 * Who builds the sandbox's host namespaces: the lab itself (`lab`) or the example's setup step (`setup`).
 *
 * @example
 * ```ts
 * const hosts: HostBuilder = "setup"; // two-host-l3 joins its two hosts with a veth pair first
 * ```
 */
export type HostBuilder = "lab" | "setup";

/**
 * The target of each lab of an example.
 *
 * - default: sandbox, host namespace `ex-<lab>`; with `hosts: "setup"` the namespace is built by
 *   the example (and the lab uses it as an existing host).
 * - `parent`: this machine's namespace, `eth0` replaced by the real interface.
 * - `rename`: the lab is called `rename` (several labs: `rename` + `a`, `b`, …).
 *
 * @example
 * ```ts
 * targetsFor(["mvb"], { parent: null, rename: null, hosts: "lab" });
 * // [{ name: "mvb", host: "ex-mvb", sandbox: true, parent: null }]
 * ```
 */
export function targetsFor(
  names: readonly string[],
  options: { readonly parent: string | null; readonly rename: string | null; readonly hosts: HostBuilder },
): Target[] {
  return names.map((base, i) => {
    const name = options.rename === null ? base : names.length === 1 ? options.rename : `${options.rename}${String.fromCharCode(97 + i)}`;
    if (options.parent !== null) return { name, host: null, sandbox: false, parent: options.parent };
    return { name, host: `ex-${name}`, sandbox: options.hosts === "lab", parent: null };
  });
}

/**
 * A parent name with `eth0` replaced: `eth0` → `ens3`, `eth0.50` → `ens3.50`; other names
 * (`foo`, none) stay as they are.
 *
 * @example
 * ```ts
 * replaceEth0("eth0.218", "ens3"); // "ens3.218"
 * ```
 */
export function replaceEth0(parent: string | undefined, by: string): string | undefined {
  if (parent === "eth0") return by;
  if (parent !== undefined && /^eth0\.\d+$/.test(parent)) return `${by}${parent.slice(4)}`;
  return parent;
}

function withParent(n: NetworkSpec, by: string | null): NetworkSpec {
  if (by === null) return n;
  const parent = replaceEth0(n.parent, by);
  return parent === undefined ? n : { ...n, parent };
}

/**
 * Rebuilds a lab for a target, through the public builder API: same endpoints, networks,
 * addresses and MACs; new name, host namespace, sandbox flag and parent.
 *
 * @example
 * ```ts
 * retarget(lab("mvb").endpoint("c1", pub), { name: "mvb", host: null, sandbox: false, parent: "ens3" });
 * ```
 */
export function retarget(source: LabBuilder, target: Target): LabBuilder {
  let out = lab(target.name, target.host === null ? { sandbox: target.sandbox } : { host: target.host, sandbox: target.sandbox });
  for (const ep of source.spec().endpoints) {
    for (const at of ep.attachments) {
      const options: EndpointOptions = {
        ip: at.ips,
        ...(at.mac === undefined ? {} : { mac: at.mac }),
        ...(ep.netns === undefined ? {} : { netns: ep.netns }),
      };
      out = out.endpoint(ep.name, withParent(at.network, target.parent), options);
    }
  }
  return out;
}
