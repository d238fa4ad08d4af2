/**
 * The benchmark sandbox: a host namespace `<prefix>-h` holding the parent bridge `p0`, and the
 * endpoint namespaces `<prefix>-e<i>` the baselines create under it. Addresses come from
 * 10.64.0.0/16 (gateway 10.64.0.1), which lives only inside these namespaces. Nothing outside
 * names starting with the sandbox's own unique prefix is ever touched.
 * @module
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { UnderlayError } from "../../../sdk/errors.ts";
import { exec, inNetns, isStopping } from "./exec.ts";
import type { BaselineOptions } from "./types.ts";

/** Name of the parent link inside the sandbox host namespace. */
export const PARENT = "p0";
/** The subnet every endpoint address is taken from. */
export const SUBNET = "10.64.0.0/16";
/** The gateway every endpoint's default route points to. */
export const GATEWAY = "10.64.0.1";

const PREFIX_RE = /^[a-z][a-z0-9]{1,11}$/;
/** Endpoint host numbers start at 2 (.0 = network, .1 = gateway); the last usable is .255.254. */
const MAX_ENDPOINTS = 65_533;

/** Sandboxes created and not yet removed, so a signal handler can clean up. */
const active = new Set<string>();

/**
 * A fresh unique prefix for one run, e.g. `ub3fa9c1` (short, so `<prefix>-e<i>` stays readable).
 *
 * @example
 * ```ts
 * const prefix = sandboxPrefix(); // "ub3fa9c1"
 * ```
 */
export function sandboxPrefix(): string {
  return `ub${randomBytes(3).toString("hex")}`;
}

/**
 * Name of the sandbox host namespace for a prefix.
 *
 * @example
 * ```ts
 * hostNetns("ub3fa9c1"); // "ub3fa9c1-h"
 * ```
 */
export function hostNetns(prefix: string): string {
  return `${prefix}-h`;
}

/**
 * Names of the `n` endpoint namespaces for a prefix.
 *
 * @example
 * ```ts
 * endpointNetns("ub3fa9c1", 2); // ["ub3fa9c1-e0", "ub3fa9c1-e1"]
 * ```
 */
export function endpointNetns(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-e${i}`);
}

/**
 * The address of endpoint `i` in {@link SUBNET}: host number `i + 2`, so the first endpoints get
 * the addresses the CNI host-local IPAM would hand out.
 *
 * @example
 * ```ts
 * endpointCidr(0);   // "10.64.0.2/16"
 * endpointCidr(254); // "10.64.1.0/16"
 * ```
 */
export function endpointCidr(i: number): string {
  const host = i + 2;
  return `10.64.${Math.floor(host / 256)}.${host % 256}/16`;
}

/**
 * Checks a baseline's options; throws a `USAGE` error that names the bad value.
 *
 * @example
 * ```ts
 * checkOptions({ n: 10, prefix: "ub3fa9c1" }); // ok
 * checkOptions({ n: 0, prefix: "ub3fa9c1" });  // throws USAGE
 * ```
 */
export function checkOptions(opts: BaselineOptions): void {
  if (!Number.isInteger(opts.n) || opts.n < 1 || opts.n > MAX_ENDPOINTS) {
    throw new UnderlayError(
      "USAGE",
      `Invalid n: expected an integer from 1 to ${MAX_ENDPOINTS} (endpoints in ${SUBNET}) but received ${String(opts.n)}`,
    );
  }
  checkPrefix(opts.prefix);
}

/**
 * Checks a sandbox prefix (2–12 lower-case letters/digits, starting with a letter), so that no
 * name built from it can match anything but the sandbox's own namespaces; throws `USAGE`.
 *
 * @example
 * ```ts
 * checkPrefix("ub3fa9c1"); // ok
 * checkPrefix("eth0;rm");  // throws USAGE
 * ```
 */
export function checkPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) {
    throw new UnderlayError(
      "USAGE",
      `Invalid prefix: expected 2–12 lower-case letters/digits starting with a letter, like "ub3fa9c1", but received ${JSON.stringify(prefix)} — use sandboxPrefix()`,
    );
  }
}

/**
 * Creates the sandbox: the host namespace `<prefix>-h` with the bridge `p0` in it, set up, and
 * registers it for {@link removeActiveSandboxes}. Prefer {@link withSandbox}, which first makes
 * sure the prefix is fresh and always removes the sandbox.
 *
 * @example
 * ```ts
 * const host = await createSandbox("ub3fa9c1"); // "ub3fa9c1-h"
 * ```
 */
export async function createSandbox(prefix: string): Promise<string> {
  checkPrefix(prefix);
  const host = hostNetns(prefix);
  active.add(prefix);
  await exec(["ip", "netns", "add", host]);
  await exec(inNetns(host, ["ip", "-batch", "-"]), {
    input: `link add ${PARENT} type bridge\nlink set ${PARENT} up\n`,
  });
  return host;
}

/**
 * Runs `fn` inside a fresh sandbox and always removes the sandbox afterwards, even when `fn`
 * fails. Refuses (with `USAGE`, touching nothing) a prefix whose namespaces already exist. When
 * both `fn` and the cleanup fail, the error of `fn` is thrown with the cleanup error attached as
 * `details.cleanup`.
 *
 * @example
 * ```ts
 * const ms = await withSandbox("ub3fa9c1", async (host) => (await exec(inNetns(host, ["true"]))).ms);
 * ```
 */
export async function withSandbox<T>(prefix: string, fn: (host: string) => Promise<T>): Promise<T> {
  checkPrefix(prefix);
  const existing = await sandboxNetns(prefix);
  if (existing.length > 0) {
    throw new UnderlayError(
      "USAGE",
      `Namespaces with prefix "${prefix}" already exist (${existing.join(", ")}) — use a fresh sandboxPrefix()`,
    );
  }
  let failed: { error: unknown } | undefined;
  try {
    return await fn(await createSandbox(prefix));
  } catch (error) {
    failed = { error };
    throw error;
  } finally {
    try {
      await removeSandbox(prefix);
    } catch (cleanup) {
      if (failed === undefined) throw cleanup;
      const e = failed.error;
      if (e instanceof UnderlayError) {
        throw new UnderlayError(e.code, `${e.message}\n(and cleanup failed too: ${String(cleanup)})`, {
          cause: e,
          details: { cleanup },
        });
      }
    }
  }
}

/**
 * Names of the namespaces that belong to the sandbox: exactly `<prefix>-h` and `<prefix>-e<i>`.
 *
 * @example
 * ```ts
 * await sandboxNetns("ub3fa9c1"); // ["ub3fa9c1-h", "ub3fa9c1-e0", …]
 * ```
 */
export async function sandboxNetns(prefix: string): Promise<string[]> {
  checkPrefix(prefix);
  const { stdout } = await exec(["ip", "-json", "netns", "list"]);
  const text = stdout.trim();
  if (text === "") return [];
  const own = new RegExp(`^${prefix}-(h|e\\d+)$`);
  return (JSON.parse(text) as { name: string }[]).map((n) => n.name).filter((n) => own.test(n));
}

/**
 * Removes whatever is left of the sandbox (one `ip -batch -force` of `netns del`, endpoints
 * first) and checks that nothing is left; after a signal it first waits 250 ms for orphans.
 * Resolves with the names it had to remove; rejects with an `EXEC` error naming any survivors.
 *
 * @example
 * ```ts
 * const leftovers = await removeSandbox("ub3fa9c1"); // [] after a clean `down`
 * ```
 */
export async function removeSandbox(prefix: string): Promise<string[]> {
  // After a signal, a killed script's last `ip` may still be finishing: let it, then list.
  if (isStopping()) await sleep(250);
  const found = await sandboxNetns(prefix);
  if (found.length > 0) {
    const host = hostNetns(prefix);
    const ordered = [...found.filter((n) => n !== host), ...found.filter((n) => n === host)];
    await exec(["ip", "-force", "-batch", "-"], {
      input: ordered.map((n) => `netns del ${n}\n`).join(""),
      check: false,
    });
  }
  const left = await sandboxNetns(prefix);
  if (left.length > 0) {
    throw new UnderlayError("EXEC", `could not remove sandbox namespaces ${left.join(", ")} — delete them with ip netns del`);
  }
  active.delete(prefix);
  return found;
}

/**
 * Removes every sandbox this process created and has not removed yet (a safety net after an
 * interrupted run).
 *
 * @example
 * ```ts
 * try { await runBaselines({ ns: [100], reps: 3 }); } finally { await removeActiveSandboxes(); }
 * ```
 */
export async function removeActiveSandboxes(): Promise<void> {
  for (const prefix of [...active]) {
    try {
      await removeSandbox(prefix);
    } catch {
      /* best effort on the way out */
    }
  }
}
