/**
 * The benchmark's rows that run in processes of their own: underlay through the netlink executor
 * under Bun and Deno, underlay through the iproute2 executor under Bun (the "today"), and
 * the raw-netlink floor (`floor.c`, when gcc is there). Each reports times inside its process.
 *
 * The underlay processes are started once and then asked for one lab at a time, so that the
 * benchmark can pair their labs with the floor's: lab k of every method runs in the same few
 * hundred milliseconds, under the same load — on a shared machine, whose load changes from
 * second to second, a ratio of runs far apart in time measures the neighbours.
 *
 * @example
 * ```ts
 * const bun = startChild("netlink (bun)", 100, floorBin);
 * const first = await bun.lab(sandboxPrefix()); // pays the process's one-time costs
 * const steady = await bun.lab(sandboxPrefix());
 * const { peakRssMB } = await bun.close();
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { floorRun } from "./floor.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The methods run as processes of their own. */
export const CHILD_METHODS = ["netlink (bun)", "netlink (deno)", "iproute2 (bun)", "floor"] as const;
/** One of {@link CHILD_METHODS}. */
export type ChildMethod = (typeof CHILD_METHODS)[number];

/** One lab's up and down in a child run. */
export interface ChildLab {
  readonly upMs: number;
  readonly downMs: number;
  /** CPU time of the whole process during `up` (the floor: its working thread's on-CPU time). */
  readonly upCpuMs: number;
}

/** A method's process, serving labs one at a time. */
export interface ChildRunner {
  /** Brings one lab of the runner's size up and down in a sandbox of `prefix`. */
  lab(prefix: string): Promise<ChildLab>;
  /** Ends the process; resolves with its peak resident memory (`null` for the floor). */
  close(): Promise<{ readonly peakRssMB: number | null }>;
}

/**
 * Starts `method` for labs of `n` endpoints. The floor has nothing to warm up: each of its labs
 * is a run of its own (`floorBin`: the compiled floor).
 *
 * @example
 * ```ts
 * const deno = startChild("netlink (deno)", 500, null);
 * const [cold, warm] = [await deno.lab("ub1a2b3c"), await deno.lab("ub4d5e6f")];
 * await deno.close();
 * ```
 */
export function startChild(method: ChildMethod, n: number, floorBin: string | null): ChildRunner {
  if (method === "floor") {
    if (floorBin === null) throw new Error("the floor is not built");
    return {
      lab: async () => floorRun(floorBin, n, false),
      close: async () => ({ peakRssMB: null }),
    };
  }
  const [runtime, executor] = method === "netlink (bun)" ? ["bun", "netlink"] : method === "netlink (deno)" ? ["deno", "netlink"] : ["bun", "iproute2"];
  const script = join(root, "tasks/bench/netlink/underlay-child.ts");
  const argv = runtime === "bun" ? [join(root, "node_modules/.bin/bun"), script] : [join(root, "node_modules/.bin/deno"), "run", "-A", script];
  const child = spawn(argv[0] as string, [...argv.slice(1), executor as string, String(n)], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const next = async (what: string): Promise<Record<string, number>> => {
    const line = await lines.next();
    if (line.done === true) {
      const code = await exited;
      throw new Error(`${method} n=${n}: the process ended (${code}) before ${what}: ${stderr}`);
    }
    return JSON.parse(line.value) as Record<string, number>;
  };
  // One request at a time: a lab's answer is the next line.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    lab(prefix) {
      const answer = queue.then(async () => {
        child.stdin.write(`${prefix}\n`);
        const r = await next(`answering lab ${prefix}`);
        return { upMs: Number(r["upMs"]), downMs: Number(r["downMs"]), upCpuMs: Number(r["upCpuMs"]) };
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    async close() {
      await queue;
      child.stdin.end();
      const r = await next("reporting its memory");
      const code = await exited;
      if (code !== 0) throw new Error(`${method} n=${n} exited ${code}: ${stderr}`);
      return { peakRssMB: Number(r["peakRssMB"]) };
    },
  };
}
