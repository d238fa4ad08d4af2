/**
 * Test support for the kernel lab: one qemu guest per test file, and a residue check between
 * scenarios. The guest runs Debian's stock kernel, so ipvlan, 802.1Q VLANs and dummy links work
 * there even where the host kernel lacks them.
 *
 * ```ts
 * const lab = await kernelLabReady("ipvlan scenarios");
 * describe.runIf(lab)("ipvlan", () => {
 *   const guest = useGuest();
 *   afterEach(() => assertGuestClean(guest.vm));
 *   it("creates a dummy", async () => { await guest.ok(["ip", "link", "add", "d0", "type", "dummy"]); … });
 * });
 * ```
 */
import { afterAll, beforeAll, expect } from "vitest";
import { UnderlayError } from "../../sdk/errors.ts";
import { qemuExecutor } from "../../sdk/executor/qemu/executor.ts";
import type { QemuExecutor, QemuExecutorOptions } from "../../sdk/executor/qemu/options.ts";
import type { ExecResult, Executor } from "../../sdk/executor/types.ts";
import { prepareKernelLab, type KernelLabAssets } from "../../tasks/kernel-lab/assets.ts";
import { inCI } from "./netns.ts";

let prepared: Promise<KernelLabAssets> | null = null;

/** Prepares the kernel-lab assets once per worker (cached on disk between runs). */
export function kernelLabAssets(): Promise<KernelLabAssets> {
  prepared ??= prepareKernelLab();
  return prepared;
}

/**
 * Makes sure the lab can run — preparing its assets, which installs qemu & co when missing (as
 * root) — and says whether it can. Under `CI=true` it never says no: it throws, since a skipped
 * lab is a failed lab. Elsewhere it warns with the reason and returns `false`.
 *
 * @example
 * ```ts
 * describe.runIf(await kernelLabReady("guest infrastructure"))("guest", () => { … });
 * ```
 */
export async function kernelLabReady(what: string): Promise<boolean> {
  try {
    await kernelLabAssets();
    return true;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (inCI) throw new Error(`${what}: the kernel lab must run under CI=true, but it cannot: ${reason}`, { cause: e });
    console.warn(`skipping ${what}: kernel lab unavailable — ${reason}`);
    return false;
  }
}

/** The guest of a test file, with small conveniences for readable tests. */
export interface GuestHandle {
  /** The booted executor (throws before `beforeAll` ran). */
  readonly vm: QemuExecutor;
  /** Runs argv in the guest (optionally in a namespace, with stdin). */
  run(argv: readonly string[], options?: { netns?: string | null; input?: string }): Promise<ExecResult>;
  /** Like {@link GuestHandle.run} but fails the test with the command's stderr when it exits non-zero. */
  ok(argv: readonly string[], options?: { netns?: string | null; input?: string }): Promise<ExecResult>;
}

/**
 * Boots ONE guest for the calling test file (`beforeAll`) and powers it off in `afterAll`.
 *
 * @example
 * ```ts
 * const guest = useGuest();
 * it("runs", async () => expect((await guest.ok(["uname", "-r"])).stdout).toMatch(/amd64/));
 * ```
 */
export function useGuest(options: QemuExecutorOptions = {}): GuestHandle {
  let vm: QemuExecutor | null = null;
  beforeAll(async () => {
    const assets = await kernelLabAssets();
    vm = await qemuExecutor({ kernel: assets.kernel, initrd: assets.initrd, ...options });
  });
  afterAll(async () => {
    await vm?.close();
    vm = null;
  });
  const handle: GuestHandle = {
    get vm(): QemuExecutor {
      if (vm === null) throw new Error("useGuest(): the guest is not booted (use it inside tests, after beforeAll)");
      return vm;
    },
    run(argv, o = {}) {
      return handle.vm.run({ netns: o.netns ?? null, argv, ...(o.input === undefined ? {} : { input: o.input }) });
    },
    async ok(argv, o = {}) {
      const r = await handle.run(argv, o);
      if (r.code !== 0) {
        const where = o.netns ? ` (netns ${o.netns})` : "";
        throw new Error(`guest: \`${argv.join(" ")}\`${where} exited ${r.code}: ${r.stderr.trim()}`);
      }
      return r;
    },
  };
  return handle;
}

/** What a fresh guest has: the loopback link only, no named namespaces. */
export const GUEST_BASELINE_LINKS: readonly string[] = ["lo"];

/** What is left in the guest: named namespaces and links beyond the baseline. */
export interface GuestResidue {
  /** Named network namespaces (`ip netns list`). */
  readonly netns: readonly string[];
  /** Links in the root namespace other than the baseline. */
  readonly links: readonly string[];
}

async function must(executor: Executor, argv: string[]): Promise<string> {
  const r = await executor.run({ netns: null, argv });
  if (r.code !== 0) throw new UnderlayError("EXEC", `guest: \`${argv.join(" ")}\` exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Lists what a scenario left behind in the guest.
 *
 * @example
 * ```ts
 * await guestResidue(guest.vm); // { netns: [], links: [] }
 * ```
 */
export async function guestResidue(executor: Executor, baseline: readonly string[] = GUEST_BASELINE_LINKS): Promise<GuestResidue> {
  const ns = await must(executor, ["ip", "-json", "netns", "list"]);
  const links = JSON.parse(await must(executor, ["ip", "-json", "link", "show"])) as { ifname: string }[];
  return {
    netns: ns === "" ? [] : (JSON.parse(ns) as { name: string }[]).map((n) => n.name).sort(),
    links: links.map((l) => l.ifname).filter((n) => !baseline.includes(n)).sort(),
  };
}

/**
 * Removes everything from the guest but the baseline (all named namespaces, all other links), so
 * one failed scenario cannot spoil the next. Only for the guest, which the test owns entirely.
 *
 * @example
 * ```ts
 * afterEach(async () => { const left = await guestResidue(guest.vm); await resetGuest(guest.vm); expect(left).toEqual(CLEAN); });
 * ```
 */
export async function resetGuest(executor: Executor, baseline: readonly string[] = GUEST_BASELINE_LINKS): Promise<void> {
  const residue = await guestResidue(executor, baseline);
  for (const ns of residue.netns) await executor.run({ netns: null, argv: ["ip", "netns", "del", ns] });
  // VLAN/ipvlan/macvlan children vanish with their parent; delete in reverse so children go first.
  for (const link of [...residue.links].reverse()) await executor.run({ netns: null, argv: ["ip", "link", "del", link] });
}

/**
 * Asserts that the guest has no named namespace and no link besides `lo` — call it between
 * scenarios. When it finds residue it cleans up (so the next scenario starts clean) and then fails
 * naming what was left.
 *
 * @example
 * ```ts
 * afterEach(() => assertGuestClean(guest.vm));
 * ```
 */
export async function assertGuestClean(executor: Executor, baseline: readonly string[] = GUEST_BASELINE_LINKS): Promise<void> {
  const residue = await guestResidue(executor, baseline);
  if (residue.netns.length > 0 || residue.links.length > 0) await resetGuest(executor, baseline);
  expect(residue, "the guest must be clean between scenarios").toEqual({ netns: [], links: [] });
}
