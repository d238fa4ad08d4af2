/**
 * Lab names for tests: unique among every test running on the machine at the same time — in any
 * worker of any runner, in parallel runs of the same suite — and short enough that
 * `<lab>-<endpoint>` stays within the 15-byte namespace limit.
 *
 * A name is `<prefix><pid><n>`: the prefix (default `u`, or `$UNDERLAY_LAB_PREFIX`), the
 * process id in base 36 padded to the width of the machine's largest pid (3 characters where
 * `pid_max` is 32768, 5 where it is 4194304), and a counter of this process in base 36. A process
 * id belongs to one live process at a time, so two workers — vitest forks, `bun test --parallel`
 * workers, two runs of one suite — never share a name, without any coordination. (A vitest
 * worker id or a hash of the test name would not do: the first repeats across parallel runs, the
 * second across runs of the same test.) In a worker thread, the thread id joins the pid:
 * `<prefix><pid><thread>.<n>`.
 * @module
 */
import { readFileSync } from "node:fs";
import { isMainThread, threadId } from "node:worker_threads";
import { UnderlayError } from "../errors.ts";
import { MAX_NAME_BYTES } from "../spec/names.ts";

const PREFIX = /^[a-z][a-z0-9]{0,3}$/;

let pidWidth: number | null = null;
let counter = 0;

/**
 * Characters needed for any pid of this machine in base 36 (from `/proc/sys/kernel/pid_max`;
 * 5, enough for Linux's largest, when it cannot be read).
 *
 * @example
 * ```ts
 * pidDigits(); // 3 where pid_max is 32768
 * ```
 */
export function pidDigits(): number {
  if (pidWidth === null) {
    let max = 4_194_304;
    try {
      max = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8").trim()) || max;
    } catch {
      /* not Linux's /proc: assume the largest */
    }
    pidWidth = (max - 1).toString(36).length;
  }
  return pidWidth;
}

/** Options of {@link testLabName}. */
export interface LabNameOptions {
  /** 1–4 lower-case letters or digits, starting with a letter (default `$UNDERLAY_LAB_PREFIX` or `u`). */
  readonly prefix?: string;
}

/**
 * The name prefix: the option, else `$UNDERLAY_LAB_PREFIX`, else `u`; a bad one is a `USAGE` error.
 *
 * @example
 * ```ts
 * labPrefix({ prefix: "web" }); // "web"
 * ```
 */
export function labPrefix(options: LabNameOptions = {}): string {
  const prefix = options.prefix ?? process.env.UNDERLAY_LAB_PREFIX ?? "u";
  if (!PREFIX.test(prefix)) {
    throw new UnderlayError("USAGE", `Invalid lab name prefix: expected 1–4 lower-case letters or digits starting with a letter, like "u" or "web", but received ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

/**
 * A fresh lab name for a test (see the module notes for why it is unique).
 *
 * @example
 * ```ts
 * testLabName();                   // "u0qk40" — then "u0qk41", "u0qk42", …
 * testLabName({ prefix: "api" }); // "api0qk43"
 * ```
 */
export function testLabName(options: LabNameOptions = {}): string {
  const pid = process.pid.toString(36).padStart(pidDigits(), "0");
  const n = (counter++).toString(36);
  return isMainThread ? `${labPrefix(options)}${pid}${n}` : `${labPrefix(options)}${pid}${threadId.toString(36)}.${n}`;
}

/**
 * Bytes left for an endpoint name when a lab is called `lab` (its namespaces are `<lab>-<endpoint>`).
 *
 * @example
 * ```ts
 * endpointBudget("u0qk40"); // 8
 * ```
 */
export function endpointBudget(lab: string): number {
  return MAX_NAME_BYTES - new TextEncoder().encode(lab).length - 1;
}

/**
 * Checks that every endpoint namespace of a generated lab fits the 15-byte limit, with a message
 * that says how long endpoint names may be (throws `USAGE`; an endpoint given its own `netns`
 * is checked by the lab's own validation).
 *
 * @example
 * ```ts
 * checkEndpointNames("u0qk40", [{ name: "database", netns: "u0qk40-database" }]); // throws: at most 8 bytes
 * ```
 */
export function checkEndpointNames(lab: string, endpoints: readonly { readonly name: string; readonly netns?: string }[]): void {
  const budget = endpointBudget(lab);
  const long = endpoints.filter((e) => (e.netns === undefined || e.netns === `${lab}-${e.name}`) && new TextEncoder().encode(e.name).length > budget);
  if (long.length === 0) return;
  throw new UnderlayError(
    "USAGE",
    `test lab ${lab}: endpoint name${long.length === 1 ? "" : "s"} ${long.map((e) => JSON.stringify(e.name)).join(", ")} too long — generated lab names take ${lab.length} bytes here, so an endpoint name may have at most ${budget} (namespaces are <lab>-<endpoint>, at most ${MAX_NAME_BYTES} bytes); use shorter endpoint names or a shorter prefix`,
  );
}
