/**
 * One process per namespace: `ip -json -details -batch -` answers four questions at once (links,
 * addresses, IPv4 routes, IPv6 routes). Batch lines cannot carry `-4`/`-6`, and `route show
 * table main` is IPv4-only, so the routes are asked as `table all root 0.0.0.0/0` and
 * `table all root ::/0` — one family each, every table (the main table is picked out when parsing;
 * the rest is kept raw for `dump()`).
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Command } from "../executor/types.ts";
import type { ExecResult } from "../executor/types.ts";
import { splitJsonValues } from "./json-values.ts";
import { asArray } from "./json-read.ts";
import { parseAddrs } from "./parse-addrs.ts";
import { parseLinks } from "./parse-links.ts";
import { parseRoutes } from "./parse-routes.ts";
import type { NamespaceState, RawNamespace } from "./types.ts";

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
 * The command that reads one namespace.
 *
 * @example
 * ```ts
 * const r = await executor.run(namespaceCommand("demo-web"));
 * const state = parseNamespace("demo-web", r.stdout);
 * ```
 */
export function namespaceCommand(netns: string | null): Command {
  return { netns, argv: ["ip", "-json", "-details", "-batch", "-"], input: `${STATE_BATCH.join("\n")}\n` };
}

/** Options of {@link parseNamespace}. */
export interface ParseNamespaceOptions {
  /** Keep the unreduced answers in `raw`. */
  readonly raw?: boolean;
  /** Standard error of the command, quoted when the output is incomplete. */
  readonly stderr?: string;
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
  const values = splitJsonValues(stdout);
  if (values.length !== STATE_BATCH.length) {
    const err = (options.stderr ?? "").trim();
    throw new UnderlayError(
      "EXEC",
      `reading ${namespaceLabel(name)}: ip -batch answered ${values.length} of ${STATE_BATCH.length} questions` +
        `${err === "" ? "" : ` (${err})`} — check that iproute2 supports -json and -batch (≥ 5.0)`,
    );
  }
  const [links, addrs, routes4, routes6] = values.map((v, i) => asArray(v, STATE_BATCH[i] ?? "ip")) as [
    readonly unknown[],
    readonly unknown[],
    readonly unknown[],
    readonly unknown[],
  ];
  const state: NamespaceState = {
    name,
    exists: true,
    links: parseLinks(links),
    addrs: parseAddrs(addrs),
    routes: [...parseRoutes(routes4, 4), ...parseRoutes(routes6, 6)],
    sysctl: {},
  };
  if (!options.raw) return state;
  const raw: RawNamespace = { links, addrs, routes4, routes6 };
  return { ...state, raw };
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
