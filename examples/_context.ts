/**
 * What an example's own steps (setup, demo, teardown) get to work with: where the labs run, the
 * planned endpoints, and a few small commands (run, ping, create a stand-in link).
 * @module
 */
import { UnderlayError, type Capabilities, type EndpointInfo, type ExecResult, type Executor, type LabBuilder, type Plan } from "../sdk/index.ts";

/**
 * Handed to `setup`, `demo` and `teardown` of a {@link Scenario}.
 *
 * @example
 * ```ts
 * const demo = async ({ host, endpoint, ping }: ExampleContext) => ping(host, "172.16.86.10");
 * ```
 */
export interface ExampleContext {
  /** `true` in the sandbox; `false` with `--parent` (this machine's own network). */
  readonly sandbox: boolean;
  /** The interface that stands for the documents' `eth0`: `eth0` in the sandbox, else `--parent`. */
  readonly parent: string;
  /** The labs as they run (renamed and retargeted). */
  readonly labs: readonly LabBuilder[];
  /** Host namespace of each lab (`null` = this machine's own namespace). */
  readonly hosts: readonly (string | null)[];
  /** Host namespace of the first lab. */
  readonly host: string | null;
  /** The executor the labs run on (pass it to other SDK calls: `{ executor }`). */
  readonly executor: Executor;
  /** A planned endpoint by name, across all labs (addresses, namespace). */
  endpoint(name: string): EndpointInfo;
  /** Runs a command in a namespace (`null` = this one); throws `UnderlayError("EXEC")` unless it exits 0. Returns stdout. */
  sh(netns: string | null, ...argv: string[]): Promise<string>;
  /** Runs a command and returns its result, whatever the exit code (for cleanup). */
  run(netns: string | null, ...argv: string[]): Promise<ExecResult>;
  /** Creates a stand-in for a physical interface in a namespace (a `dummy`, or a `bridge` where the kernel has no dummy), and sets it up. */
  standIn(netns: string, name: string): Promise<void>;
  /** Pings an address once from a namespace, prints the outcome, and returns whether it answered. */
  ping(from: string | null, address: string): Promise<boolean>;
  /** Prints a line. */
  say(text: string): void;
}

/**
 * One example: its labs and, where the documents do something by hand, the example's own steps.
 *
 * @example
 * ```ts
 * const scenario: Scenario = {
 *   labs: [lab("mvl", { host: "ex-mvl" }).endpoint("t5", ipvlan40)],
 *   hosts: "setup",
 *   setup: async ({ host, parent, sh }) => void (await sh(host, "ip", "link", "add", "link", parent, "name", "foo", "type", "vlan", "id", "40")),
 *   teardown: async ({ host, run }) => void (await run(host, "ip", "link", "del", "foo")),
 * };
 * ```
 */
export interface Scenario {
  /** The labs, brought up in this order and torn down in reverse. */
  readonly labs: readonly LabBuilder[];
  /**
   * Who builds the sandbox's host namespaces: the labs (`lab`, default: host namespace plus a
   * stand-in `eth0`) or `setup` (the runner creates empty namespaces `ex-<lab>`, `setup` fills
   * them, and the labs use them as existing hosts).
   */
  readonly hosts?: "lab" | "setup";
  /** Whether the example can run on a real interface with `--parent` (default `true`). */
  readonly realParent?: boolean;
  /** Runs before `up` (what the documents create by hand). */
  readonly setup?: (ctx: ExampleContext) => Promise<void>;
  /** Runs after the ping matrix; returns whether everything it showed was as expected. */
  readonly demo?: (ctx: ExampleContext) => Promise<boolean>;
  /** Runs after `down`, even after a failure: removes what `setup` created. Must tolerate missing objects. */
  readonly teardown?: (ctx: ExampleContext) => Promise<void>;
}

/**
 * @internal Builds the context for a run (used by `_run.ts`).
 *
 * @example
 * ```ts
 * const ctx = makeContext({ sandbox: true, parent: "eth0", labs, plans, executor, caps, say: console.log });
 * ```
 */
export function makeContext(input: {
  readonly sandbox: boolean;
  readonly parent: string;
  readonly labs: readonly LabBuilder[];
  readonly plans: readonly Plan[];
  readonly executor: Executor;
  readonly caps: Capabilities | null;
  readonly say: (text: string) => void;
}): ExampleContext {
  const { executor, say } = input;
  const hosts = input.plans.map((p) => p.host);
  const run = (netns: string | null, ...argv: string[]): Promise<ExecResult> => executor.run({ netns, argv });
  const sh = async (netns: string | null, ...argv: string[]): Promise<string> => {
    const r = await run(netns, ...argv);
    if (r.code !== 0) {
      throw new UnderlayError("EXEC", `${netns === null ? "" : `[${netns}] `}${argv.join(" ")} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    }
    return r.stdout;
  };
  return {
    sandbox: input.sandbox,
    parent: input.parent,
    labs: input.labs,
    hosts,
    host: hosts[0] ?? null,
    executor,
    endpoint(name: string): EndpointInfo {
      for (const p of input.plans) {
        const e = p.endpoints.find((x) => x.name === name);
        if (e !== undefined) return e;
      }
      throw new UnderlayError("USAGE", `no endpoint named ${JSON.stringify(name)} in this example's labs`);
    },
    sh,
    run,
    async standIn(netns: string, name: string): Promise<void> {
      const kind = input.caps?.kinds.dummy === false ? "bridge" : "dummy";
      await sh(netns, "ip", "link", "add", name, "type", kind);
      await sh(netns, "ip", "link", "set", name, "up");
    },
    async ping(from: string | null, address: string): Promise<boolean> {
      const r = await run(from, "ping", ...(address.includes(":") ? ["-6"] : []), "-c", "1", "-W", "1", "-q", address);
      say(`  ${r.code === 0 ? "✓" : "✗"} ping ${address} from ${from ?? "this host"}`);
      return r.code === 0;
    },
    say,
  };
}
