/**
 * The shapes of a lab that is up, as a test sees it: endpoints with their addresses, programs
 * run in them (`exec`), programs left running (`spawn`) and ports forwarded to the caller
 * (`forward`).
 * @module
 */
import type { Readable, Writable } from "node:stream";

/** An endpoint interface, with addresses without prefix length, per family. */
export interface LiveInterface {
  /** Interface name inside the endpoint (`eth0`, …). */
  readonly name: string;
  /** Network name. */
  readonly network: string;
  /** MAC address (`null` for ipvlan). */
  readonly mac: string | null;
  /** IPv4 addresses, e.g. `["10.0.0.2"]`. */
  readonly ipv4: readonly string[];
  /** IPv6 addresses, e.g. `["2001:db8::2"]`. */
  readonly ipv6: readonly string[];
  /** The same addresses with prefix length, IPv4 first (`10.0.0.2/24`). */
  readonly cidrs: readonly string[];
}

/** An endpoint of a lab that is up. */
export interface LiveEndpoint {
  /** Endpoint name. */
  readonly name: string;
  /** Its network namespace (`/run/netns/<netns>`). */
  readonly netns: string;
  /** Its interfaces in attachment order. */
  readonly interfaces: readonly LiveInterface[];
  /** Every IPv4 address of every interface, in order (the first is the one to connect to). */
  readonly ipv4: readonly string[];
  /** Every IPv6 address of every interface, in order. */
  readonly ipv6: readonly string[];
}

/** Options of `exec`. */
export interface ExecOptions {
  /** Stop the program after this many ms (SIGTERM, SIGKILL a second later) and reject with `TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Environment variables added to this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. */
  readonly cwd?: string;
  /** Data written to the program's standard input. */
  readonly input?: string;
}

/** What a finished program returned. */
export interface ExecOutput {
  /** Exit code (0 = success). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/**
 * When a spawned program counts as ready: a TCP port listening in its endpoint, a UDP port bound
 * there, a line of its output (stdout or stderr; a string is looked for inside each line, a
 * RegExp is tested against each line), or a function polled until it returns `true`.
 */
export type ReadyCondition =
  | { readonly tcp: number }
  | { readonly udp: number }
  | { readonly line: string | RegExp }
  | ((process: LiveProcess) => boolean | Promise<boolean>);

/** Options of `spawn`. */
export interface SpawnOptions {
  /** Environment variables added to this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. */
  readonly cwd?: string;
  /** Resolve only once the program is ready; if it is not within `readyTimeoutMs` it is stopped and `spawn` rejects. */
  readonly ready?: ReadyCondition;
  /** How long to wait for `ready` (default 10 000 ms). */
  readonly readyTimeoutMs?: number;
}

/** How a program ended. */
export interface ProcessExit {
  /** Exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or `null`. */
  readonly signal: NodeJS.Signals | null;
}

/** A program running in an endpoint (a child of this process). `await using` stops it. */
export interface LiveProcess extends AsyncDisposable {
  /** Process id (of the program itself: `nsenter` replaces itself with it). */
  readonly pid: number;
  /** The endpoint it runs in. */
  readonly endpoint: string;
  /** Its command line. */
  readonly argv: readonly string[];
  /** Its standard input. */
  readonly stdin: Writable;
  /** Its standard output (already flowing: listen with `.on("data")`, or read {@link output}). */
  readonly stdout: Readable;
  /** Its standard error (already flowing, like `stdout`). */
  readonly stderr: Readable;
  /** Everything it printed so far (the last MiB of each stream): both streams in arrival order, or one of them. */
  output(stream?: "stdout" | "stderr"): string;
  /** Resolves with the first line of output (either stream) that matches; rejects with `TIMEOUT` after `timeoutMs` (default 10 000). */
  waitForLine(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** How it ended, or `null` while it runs. */
  readonly exit: ProcessExit | null;
  /** Resolves when it has ended. */
  readonly exited: Promise<ProcessExit>;
  /** Stops it: `signal` (default SIGTERM), then SIGKILL after `graceMs` (default 1000); resolves once it has ended. */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
}

/** Options of `forward`. */
export interface ForwardOptions {
  /** `tcp` (default) or `udp`. */
  readonly protocol?: "tcp" | "udp";
  /** The address to connect to inside the endpoint (default: its first IPv4 address, else its first IPv6, else `127.0.0.1`). */
  readonly host?: string;
  /** The local port (default: any free port). */
  readonly localPort?: number;
}

/** A port of an endpoint, reachable from this process at `127.0.0.1:<port>`. `await using` closes it. */
export interface Forward extends AsyncDisposable {
  /** Always `127.0.0.1`: the forward listens in this process's own network namespace. */
  readonly host: "127.0.0.1";
  /** The local port. */
  readonly port: number;
  /** `tcp` or `udp`. */
  readonly protocol: "tcp" | "udp";
  /** Where connections go inside the endpoint. */
  readonly target: { readonly endpoint: string; readonly host: string; readonly port: number };
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Stops forwarding (open connections are closed). */
  close(): Promise<void>;
}

/**
 * A lab that is up, for tests: endpoint lookup, programs in endpoints, ports forwarded to the
 * caller. (What `up()` returns has these methods; `down()` stops every process left in the
 * lab's namespaces.)
 *
 * @example
 * ```ts
 * await using demo = await lab("demo", { host: "demo-h", sandbox: true }).endpoint("web", pub).endpoint("cli", pub).up();
 * await demo.spawn("web", ["python3", "-m", "http.server", "8080"], { ready: { tcp: 8080 } });
 * const r = await demo.exec("cli", ["curl", "-s", `http://${demo.endpoint("web").ipv4[0]}:8080/`]);
 * ```
 */
export interface LiveLab {
  /** An endpoint with its namespace, interfaces and addresses; throws `USAGE` for an unknown name. */
  endpoint(name: string): LiveEndpoint;
  /** Runs a program in an endpoint and resolves when it has finished (any exit code). */
  exec(endpoint: string, argv: readonly string[], options?: ExecOptions): Promise<ExecOutput>;
  /** Starts a program in an endpoint and leaves it running (local executor only). */
  spawn(endpoint: string, argv: readonly string[], options?: SpawnOptions): Promise<LiveProcess>;
  /** Makes a port of an endpoint reachable from this process at `127.0.0.1` (local executor only). */
  forward(endpoint: string, port: number, options?: ForwardOptions): Promise<Forward>;
}
