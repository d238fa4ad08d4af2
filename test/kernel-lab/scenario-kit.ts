/**
 * Kernel-lab scenario kit: what every `scenarios-*.test.ts` file shares. One guest per file
 * (`useGuest`), a state directory on the host for the runner's journals, readers for the guest
 * kernel's own `ip -json` answers, the ping matrix through the guest executor, the residue check
 * between scenarios, and the results (what ran, on which guest kernel, and whether it passed),
 * recorded after each file in the git-ignored `.cache/kernel-lab/RESULTS.md`
 * (`npm run kernel-lab -- results` copies them to the tracked `test/kernel-lab/RESULTS.md`).
 *
 * ```ts
 * describe.runIf(await kernelLabReady("scenarios"))("ipvlan", () => {
 *   const { kit, scenario } = scenarioSuite("scenarios-ipvlan.test.ts");
 *   scenario("1", "ipvlan L2", async () => {
 *     await kit.withLab(l, async () => expect((await kit.check(l)).ok).toBe(true));
 *   });
 * });
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, it, onTestFinished } from "vitest";
import type { CheckReport, LabBuilder, UpResult } from "../../sdk/index.ts";
import type { QemuExecutor } from "../../sdk/executor/qemu/options.ts";
import { recordResults } from "../../tasks/kernel-lab/results.ts";
import type { ResultRow } from "../../tasks/kernel-lab/results-render.ts";
import { assertGuestClean, useGuest, type GuestHandle } from "../support/guest.ts";

/** A link as `ip -details -json link` prints it (the fields the scenarios read). */
export interface LinkJson {
  readonly ifindex: number;
  readonly ifname: string;
  readonly flags: readonly string[];
  readonly mtu: number;
  readonly address?: string;
  /** Lower device's name, when it lives in the same namespace. */
  readonly link?: string;
  /** Lower device's ifindex, when it lives in another namespace. */
  readonly link_index?: number;
  readonly ifalias?: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: Readonly<Record<string, unknown>> };
}

/** One address of `ip -json addr show dev X` (its `addr_info`). */
export interface AddrJson {
  readonly family: "inet" | "inet6";
  readonly local: string;
  readonly prefixlen: number;
  readonly scope: string;
  readonly nodad?: boolean;
  readonly tentative?: boolean;
}

/** A route of `ip [-6] -json route`. */
export interface RouteJson {
  readonly dst: string;
  readonly dev: string;
  readonly gateway?: string;
  readonly scope?: string;
  readonly protocol?: string;
  readonly metric?: number;
  readonly prefsrc?: string;
}

/** The shared handle of a scenario file. */
export interface ScenarioKit {
  /** The booted guest (Debian's kernel under qemu). */
  readonly guest: GuestHandle;
  /** The guest executor: the one the runner drives. */
  readonly vm: QemuExecutor;
  /** Options for `up`/`down`/`verify`/`status` against the guest (journals in a host temp dir). */
  readonly opts: { readonly executor: QemuExecutor; readonly stateDir: string; readonly handleSignals: false };
  /** `ip -details -json link show dev <dev>` in `netns`. */
  link(netns: string | null, dev: string): Promise<LinkJson>;
  /** `ip -details -json link` in `netns`. */
  links(netns: string | null): Promise<LinkJson[]>;
  /** The `addr_info` of `ip -json addr show dev <dev>` in `netns`. */
  addrs(netns: string, dev: string): Promise<AddrJson[]>;
  /** `ip -json route` (4) or `ip -6 -json route` (6) in `netns`. */
  routes(netns: string | null, family: 4 | 6): Promise<RouteJson[]>;
  /** One busybox ping from `netns` (`-W` seconds); whether a reply came. */
  ping(netns: string, address: string, wait?: number): Promise<boolean>;
  /** The lab's ping matrix in the guest: `check({ executor, timeout: 1, parallel: 8 })`. */
  check(lab: LabBuilder): Promise<CheckReport>;
  /** `up`, then `body`, then `down` (also when `body` throws). */
  withLab<T>(lab: LabBuilder, body: (up: UpResult) => Promise<T>): Promise<T>;
  /** Adds a line to the scenario's notes in the results (and prints it). */
  note(text: string): void;
}

function parse<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`guest answered something that is not JSON for ${what}: ${text.slice(0, 200)}`, { cause: e });
  }
}

/**
 * Registers one guest, its state directory, the residue check between scenarios and the
 * results of the calling test file; returns the kit and `scenario()`, an `it()` that
 * records its outcome.
 */
export function scenarioSuite(file: string): {
  kit: ScenarioKit;
  scenario: (id: string, title: string, body: () => Promise<void>, timeoutMs?: number) => void;
} {
  const guest = useGuest();
  const stateDir = mkdtempSync(join(tmpdir(), "underlay-kl-state-"));
  const rows: ResultRow[] = [];
  let guestKernel = "?";
  let notes: string[] = [];

  beforeAll(async () => {
    guestKernel = (await guest.ok(["uname", "-r"])).stdout.trim();
  });
  afterEach(() => assertGuestClean(guest.vm));
  afterAll(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    if (rows.length > 0) {
      await recordResults({ file, guestKernel, hostKernel: release(), at: new Date().toISOString(), rows });
    }
  });

  const kit: ScenarioKit = {
    guest,
    get vm() {
      return guest.vm;
    },
    get opts() {
      return { executor: guest.vm, stateDir, handleSignals: false } as const;
    },
    async link(netns, dev) {
      const r = await guest.ok(["ip", "-details", "-json", "link", "show", "dev", dev], { netns });
      const [only] = parse<LinkJson[]>(r.stdout, `link ${dev}`);
      if (only === undefined) throw new Error(`no link ${dev} in ${netns ?? "the root namespace"}`);
      return only;
    },
    async links(netns) {
      return parse<LinkJson[]>((await guest.ok(["ip", "-details", "-json", "link", "show"], { netns })).stdout, "links");
    },
    async addrs(netns, dev) {
      const r = await guest.ok(["ip", "-json", "addr", "show", "dev", dev], { netns });
      return parse<{ addr_info: AddrJson[] }[]>(r.stdout, `addresses of ${dev}`).flatMap((l) => l.addr_info);
    },
    async routes(netns, family) {
      const r = await guest.ok(["ip", ...(family === 6 ? ["-6"] : []), "-json", "route", "show"], { netns });
      return parse<RouteJson[]>(r.stdout, "routes");
    },
    async ping(netns, address, wait = 1) {
      const r = await guest.run(["ping", ...(address.includes(":") ? ["-6"] : []), "-c", "1", "-W", String(wait), address], { netns });
      return r.code === 0;
    },
    check(lab) {
      // The qemu executor runs one command at a time, so `parallel` changes nothing in the guest:
      // every ping that gets no answer costs its full one-second timeout.
      return lab.check({ executor: guest.vm, timeout: 1, parallel: 8 });
    },
    async withLab(lab, body) {
      const up = await lab.up(kit.opts);
      try {
        return await body(up);
      } finally {
        await lab.down(kit.opts);
      }
    },
    note(text) {
      console.log(`kernel-lab ${file}: ${text}`);
      notes.push(text);
    },
  };

  const scenario = (id: string, title: string, body: () => Promise<void>, timeoutMs = 60_000): void => {
    it(`${id}. ${title}`, async () => {
      const t0 = performance.now();
      notes = [];
      onTestFinished((ctx) => {
        rows.push({ id, title, state: ctx.task.result?.state ?? "unknown", ms: performance.now() - t0, notes: [...notes] });
      });
      await body();
    }, timeoutMs);
  };

  return { kit, scenario };
}
