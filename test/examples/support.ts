/**
 * Test support for the examples: the list of examples, what each needs from the kernel, how
 * to start one under Node (tsx), Bun or Deno, and a pool that runs at most two at a time.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LinkKind } from "../../sdk/index.ts";

/** Repository root. */
export const root: string = fileURLToPath(new URL("../../", import.meta.url));

/** Example names (files in examples/ without `_` prefix), sorted. */
export const examples: readonly string[] = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();

/**
 * What each example needs from the kernel (the same as its `needs:`): here, with macvlan and
 * veth but no ipvlan, 802.1Q or dummy, only the macvlan examples without VLANs run for real.
 */
export const needs: Readonly<Record<string, readonly LinkKind[]>> = {
  "host-access": ["macvlan"],
  internal: ["ipvlan"],
  "ipvlan-l2": ["ipvlan"],
  "ipvlan-l2-dual-stack": ["ipvlan", "vlan"],
  "ipvlan-l2-gateway": ["ipvlan"],
  "ipvlan-l3": ["ipvlan"],
  "ipvlan-l3-dual-stack": ["ipvlan", "vlan"],
  "ipvlan-trunk": ["ipvlan", "vlan"],
  "ipvlan-v6-only": ["ipvlan", "vlan"],
  "macvlan-bridge": ["macvlan"],
  "macvlan-dual-stack": ["macvlan", "vlan"],
  "macvlan-ip-range": ["macvlan"],
  "macvlan-trunk": ["macvlan", "vlan"],
  "manual-vlan": ["ipvlan", "vlan"],
  "two-host-l3": ["ipvlan", "veth"],
};

/** The JavaScript runtimes the examples must run on. */
export type Runtime = "node" | "bun" | "deno";

/** The three runtimes. */
export const runtimes: readonly Runtime[] = ["node", "bun", "deno"];

function commandFor(runtime: Runtime): [string, string[]] {
  if (runtime === "bun") return [join(root, "node_modules/.bin/bun"), []];
  if (runtime === "deno") return [join(root, "node_modules/.bin/deno"), ["run", "-A"]];
  return [process.execPath, ["--import", "tsx"]];
}

/** Outcome of one example process. */
export interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `examples/<name>.ts` under a runtime with arguments, from the repository root.
 * `env` is added to the environment (e.g. `UNDERLAY_STATE_DIR`); `netns` runs it inside a
 * namespace (`ip netns exec`).
 */
export function runExampleProcess(
  runtime: Runtime,
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
  options: { readonly netns?: string } = {},
): Promise<ExampleRun> {
  const [runtimeProgram, pre] = commandFor(runtime);
  const argv = [runtimeProgram, ...pre, `examples/${name}.ts`, ...args];
  // In a namespace of the test's own, "this machine's network" of --parent mode is that namespace.
  const [program, ...rest] = options.netns === undefined ? argv : ["ip", "netns", "exec", options.netns, ...argv];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program as string, rest, { cwd: root, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: performance.now() - t0 }));
  });
}

/**
 * Starts every task with at most `limit` running at once; returns one promise per task, in
 * order, so each test can await its own.
 */
export function pool<T>(tasks: readonly (() => Promise<T>)[], limit = 2): Promise<T>[] {
  let next = 0;
  const starters: ((v: void) => void)[] = [];
  const gates = tasks.map(() => new Promise<void>((r) => starters.push(r)));
  const release = (): void => {
    const i = next++;
    starters[i]?.();
  };
  const results = tasks.map((task, i) =>
    (gates[i] as Promise<void>).then(task).finally(release),
  );
  for (let k = 0; k < Math.min(limit, tasks.length); k++) release();
  for (const r of results) r.catch(() => {}); // handled by whoever awaits it
  return results;
}
