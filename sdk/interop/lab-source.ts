/**
 * A lab → the TypeScript source of a lab module (`export default lab(…).endpoint(…)`), written
 * with the public builder API, so an imported Docker script becomes an ordinary lab file that
 * `underlay plan|up|down` take and a person can edit. Pure: the same lab, the same text.
 * @module
 */
import type { Plannable } from "../runner/context.ts";
import type { NetworkSpec, SubnetSpec } from "../spec/types.ts";
import { labNetworks } from "../spec/validate.ts";

/** Options of {@link labSource}. */
export interface LabSourceOptions {
  /** Module the SDK is imported from (default `underlay`). */
  readonly importFrom?: string;
  /** Comment lines written at the top (e.g. where the lab came from, notes). */
  readonly header?: readonly string[];
}

const RESERVED = new Set(["lab", "net", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "await", "implements", "interface", "package", "private", "protected", "public"]);

function identifier(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, "_");
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}_net`;
  let out = id;
  for (let k = 2; taken.has(out); k++) out = `${id}_${k}`;
  taken.add(out);
  return out;
}

const str = (s: string): string => JSON.stringify(s);

function subnetOptions(s: SubnetSpec): string {
  const parts: string[] = [];
  if (s.gateway !== undefined) parts.push(`gateway: ${str(s.gateway)}`);
  if (s.ipRange !== undefined) parts.push(`ipRange: ${str(s.ipRange)}`);
  if (s.exclude !== undefined) {
    parts.push(
      Array.isArray(s.exclude)
        ? `exclude: [${s.exclude.map(str).join(", ")}]`
        : `exclude: { ${Object.entries(s.exclude).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${str(v)}`).join(", ")} }`,
    );
  }
  return parts.length === 0 ? "" : `, { ${parts.join(", ")} }`;
}

function networkSource(n: NetworkSpec): string {
  const calls = [`net.${n.driver}(${str(n.name)})`];
  if (n.parent !== undefined) calls.push(`.parent(${str(n.parent)})`);
  const mode = n.driver === "macvlan" ? n.macvlanMode : n.ipvlanMode;
  if (mode !== undefined) calls.push(`.mode(${str(mode)})`);
  if (n.ipvlanFlag !== undefined) calls.push(`.flag(${str(n.ipvlanFlag)})`);
  const head = calls.join("");
  const more: string[] = n.subnets.map((s) => `.subnet(${str(s.cidr)}${subnetOptions(s)})`);
  if (n.internal) more.push(".internal()");
  if (n.mtu !== undefined) more.push(`.mtu(${n.mtu})`);
  if (n.gatewayPolicy !== "first") more.push(`.gatewayPolicy(${str(n.gatewayPolicy)})`);
  if (n.ipv4 !== undefined) more.push(`.ipv4(${n.ipv4})`);
  if (n.hostAccess !== undefined) more.push(`.hostAccess(${JSON.stringify(n.hostAccess)})`);
  return more.length <= 1 ? `${head}${more.join("")}` : `${head}\n  ${more.join("\n  ")}`;
}

/**
 * The source of a lab module equivalent to `source` (it plans byte-identically).
 *
 * @example
 * ```ts
 * writeFileSync("lab.ts", labSource(fromDocker(script, { lab: "mvb" }), { header: ["imported from run.sh"] }));
 * ```
 */
export function labSource(source: Plannable, options: LabSourceOptions = {}): string {
  const spec = source.spec();
  const { networks } = labNetworks(spec);
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  const out: string[] = (options.header ?? []).map((l) => `// ${l}`);
  out.push(`import { lab, net } from ${str(options.importFrom ?? "underlay")};`, "");
  for (const n of networks) {
    const id = identifier(n.name, taken);
    ids.set(n.name, id);
    out.push(`const ${id} = ${networkSource(n)};`);
  }
  const labOptions: string[] = [];
  if (spec.host !== null) labOptions.push(`host: ${str(spec.host)}`);
  if (spec.sandbox) labOptions.push("sandbox: true");
  const lines = [`export default lab(${str(spec.name)}${labOptions.length === 0 ? "" : `, { ${labOptions.join(", ")} }`})`];
  for (const ep of spec.endpoints) {
    ep.attachments.forEach((a, i) => {
      const opts: string[] = [];
      if (a.ips.length === 1) opts.push(`ip: ${str(a.ips[0] as string)}`);
      else if (a.ips.length > 1) opts.push(`ip: [${a.ips.map(str).join(", ")}]`);
      if (a.mac !== undefined) opts.push(`mac: ${str(a.mac)}`);
      if (ep.netns !== undefined && i === 0) opts.push(`netns: ${str(ep.netns)}`);
      lines.push(`  .endpoint(${str(ep.name)}, ${ids.get(a.network.name) as string}${opts.length === 0 ? "" : `, { ${opts.join(", ")} }`})`);
    });
  }
  out.push("", `${lines.join("\n")};`, "");
  return out.join("\n");
}
