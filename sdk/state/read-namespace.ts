/**
 * One process per namespace: `ip -json -details -batch -` answers four questions at once (links,
 * addresses, IPv4 routes, IPv6 routes). Batch lines cannot carry `-4`/`-6`, and `route show
 * table main` is IPv4-only, so the routes are asked as `table all root 0.0.0.0/0` and
 * `table all root ::/0` — one family each, every table (the main table is picked out when parsing;
 * the rest is kept raw for `dump()`).
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Command, ExecResult, KernelDump } from "../executor/types.ts";
import { splitJsonValues } from "./json-values.ts";
import { asArray, asRecord, str } from "./json-read.ts";
import { parseAddrs } from "./parse-addrs.ts";
import { parseLinks } from "./parse-links.ts";
import { parseRoutes } from "./parse-routes.ts";
import type { NamespaceState } from "./types.ts";

/**
 * The batch read by {@link namespaceCommand}, one question per line, in answer order.
 *
 * @example
 * ```ts
 * STATE_BATCH.join("\n"); // what `ip -json -details -batch -` reads on stdin
 * ```
 */
export const STATE_BATCH: readonly string[] = [
  "link show",
  "addr show",
  "route show table all root 0.0.0.0/0",
  "route show table all root ::/0",
];

/**
 * The command that reads one namespace (with `peers`, also the names of the namespaces it knows
 * by id: `netns list` inside it).
 *
 * @example
 * ```ts
 * const r = await executor.run(namespaceCommand("demo-web"));
 * const state = parseNamespace("demo-web", r.stdout);
 * ```
 */
export function namespaceCommand(netns: string | null, peers = false): Command {
  const lines = peers ? [...STATE_BATCH, "netns list"] : STATE_BATCH;
  return { netns, argv: ["ip", "-json", "-details", "-batch", "-"], input: `${lines.join("\n")}\n` };
}

/** Options of {@link parseNamespace}. */
export interface ParseNamespaceOptions {
  /** Keep the unreduced answers in `raw`. */
  readonly raw?: boolean;
  /** Standard error of the command, quoted when the output is incomplete. */
  readonly stderr?: string;
  /** The command asked for peers (a fifth answer: `netns list`). */
  readonly peers?: boolean;
}

/**
 * Splits the answer of {@link namespaceCommand} into its JSON values.
 *
 * @example
 * ```ts
 * dumpFromOutput("demo-web", stdout).links.length; // 2
 * ```
 */
export function dumpFromOutput(name: string | null, stdout: string, options: ParseNamespaceOptions = {}): KernelDump {
  const values = splitJsonValues(stdout);
  // `ip netns list` prints nothing at all (not even `[]`) when there is no named namespace.
  const expected = STATE_BATCH.length + (options.peers === true ? 1 : 0);
  if (values.length !== expected && !(options.peers === true && values.length === STATE_BATCH.length)) {
    const err = (options.stderr ?? "").trim();
    throw new UnderlayError(
      "EXEC",
      `reading ${namespaceLabel(name)}: ip -batch answered ${values.length} of ${expected} questions` +
        `${err === "" ? "" : ` (${err})`} — check that iproute2 supports -json and -batch (≥ 5.0)`,
    );
  }
  const [links, addrs, routes4, routes6, netns] = values.map((v, i) => asArray(v, [...STATE_BATCH, "netns list"][i] ?? "ip"));
  const dump = { links: links ?? [], addrs: addrs ?? [], routes4: routes4 ?? [], routes6: routes6 ?? [] };
  return options.peers === true ? { ...dump, netns: netns ?? [] } : dump;
}

/**
 * The state of one namespace from its dump (what any reader returns).
 *
 * @example
 * ```ts
 * namespaceFromDump("demo-web", dump, false).addrs.map((a) => a.cidr); // ["127.0.0.1/8", "10.0.0.2/24", …]
 * ```
 */
export function namespaceFromDump(name: string | null, dump: KernelDump, raw: boolean): NamespaceState {
  const state: NamespaceState = {
    name,
    exists: true,
    links: parseLinks(dump.links),
    addrs: parseAddrs(dump.addrs),
    routes: [...parseRoutes(dump.routes4, 4), ...parseRoutes(dump.routes6, 6)],
    sysctl: {},
  };
  const peers = dump.netns === undefined ? null : parsePeers(dump.netns);
  const withPeers = peers === null ? state : { ...state, peers };
  if (!raw) return withPeers;
  const { netns: _netns, ...tables } = dump;
  return { ...withPeers, raw: tables };
}

/** `netns list` entries with an id: id → name. */
function parsePeers(entries: readonly unknown[]): Map<number, string> {
  const peers = new Map<number, string>();
  for (const e of entries) {
    const r = asRecord(e, "netns list entry");
    const name = str(r, "name");
    const id = r["id"];
    if (name !== undefined && typeof id === "number") peers.set(id, name);
  }
  return peers;
}

/**
 * Parses the answer of {@link namespaceCommand} into a {@link NamespaceState} (with no sysctls).
 *
 * @example
 * ```ts
 * parseNamespace("demo-web", stdout).links.map((l) => l.name); // ["lo", "eth0"]
 * ```
 */
export function parseNamespace(name: string | null, stdout: string, options: ParseNamespaceOptions = {}): NamespaceState {
  return namespaceFromDump(name, dumpFromOutput(name, stdout, options), options.raw === true);
}

/**
 * The state of a namespace that does not exist.
 *
 * @example
 * ```ts
 * absentNamespace("gone").exists; // false
 * ```
 */
export function absentNamespace(name: string | null): NamespaceState {
  return { name, exists: false, links: [], addrs: [], routes: [], sysctl: {} };
}

/**
 * Whether a failed command failed because its namespace is gone (deleted after the
 * namespace list was read): nsenter's "cannot open …: No such file or directory".
 *
 * @example
 * ```ts
 * namespaceVanished({ code: 1, stdout: "", stderr: "nsenter: cannot open /run/netns/x: No such file or directory" }); // true
 * ```
 */
export function namespaceVanished(result: ExecResult): boolean {
  return result.code !== 0 && result.stdout === "" && /No such file or directory|Invalid argument/.test(result.stderr);
}

/**
 * How messages name a namespace.
 *
 * @example
 * ```ts
 * namespaceLabel("demo-web"); // "namespace demo-web"
 * namespaceLabel(null); // "the executor's own namespace"
 * ```
 */
export function namespaceLabel(name: string | null): string {
  return name === null ? "the executor's own namespace" : `namespace ${name}`;
}
