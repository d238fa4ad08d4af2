/**
 * Kernel-lab scenario kit: what every `scenarios-*.test.ts` file shares. One guest per file
 * (`useGuest`), a state directory on the host for the runner's journals, readers for the guest
 * kernel's own `ip -json` answers, the ping matrix through the guest executor, the residue check
 * between scenarios, and the results table `test/kernel-lab/RESULTS.md` (what ran, on which guest
 * kernel, and whether it passed), rewritten after each file.
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
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, it, onTestFinished } from "vitest";
import type { CheckReport, LabBuilder, UpResult } from "../../sdk/index.ts";
import type { QemuExecutor } from "../../sdk/executor/qemu/options.ts";
import { withFileLock } from "../../sdk/lib/file-lock.ts";
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
  /** Adds a line to the scenario's notes in RESULTS.md (and prints it). */
  note(text: string): void;
}

/** One scenario's outcome, as RESULTS.md lists it. */
interface ResultRow {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly ms: number;
  readonly notes: readonly string[];
}

/** What one test file contributed to RESULTS.md. */
interface FileResults {
  readonly file: string;
  readonly guestKernel: string;
  readonly hostKernel: string;
  readonly at: string;
  readonly rows: readonly ResultRow[];
}

const RESULTS = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const DATA_START = "<!-- kernel-lab-data";
const DATA_END = "-->";

function parse<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`guest answered something that is not JSON for ${what}: ${text.slice(0, 200)}`, { cause: e });
  }
}

/**
 * Registers one guest, its state directory, the residue check between scenarios and the
 * RESULTS.md update for the calling test file; returns the kit and `scenario()`, an `it()` that
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

// ───────────────────────────── RESULTS.md ─────────────────────────────

function readData(): Record<string, FileResults> {
  let text: string;
  try {
    text = readFileSync(RESULTS, "utf8");
  } catch {
    return {};
  }
  const at = text.indexOf(DATA_START);
  if (at === -1) return {};
  const end = text.indexOf(DATA_END, at + DATA_START.length);
  try {
    return JSON.parse(text.slice(at + DATA_START.length, end)) as Record<string, FileResults>;
  } catch {
    return {};
  }
}

function idOrder(a: string, b: string): number {
  return parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The rows of README › Kernel support that the kernel lab proves, and the scenarios that prove each. */
const FEATURES: readonly (readonly [string, readonly string[]])[] = [
  ["network namespaces (every scenario), veth (the two-host cable)", ["1", "7"]],
  ["macvlan bridge / private / vepa / passthru", ["3.macvlan", "4"]],
  ["ipvlan L2 / L3 / L3S, bridge / private / vepa flags", ["1", "1b", "2", "3.l2", "3.l3", "3.l3s", "6.118", "6.139", "6.140"]],
  ["802.1Q VLAN sub-interfaces (created, found in place, deleted)", ["4", "4.foo", "6.118", "6.139", "6.140", "8.host"]],
  ["dummy parents (internal networks; sandbox stand-ins)", ["5"]],
  ["two-host ipvlan L3 with route helpers", ["7"]],
  ["rollback at every step (802.1Q trunk plan), crash recovery", ["8", "8.host", "8.grow", "8.crash"]],
];

function render(data: Record<string, FileResults>): string {
  const files = Object.values(data).sort((a, b) => (a.file < b.file ? -1 : 1));
  const all = files.flatMap((f) => f.rows.map((r) => ({ ...r, f }))).sort((a, b) => idOrder(a.id, b.id));
  const kernels = [...new Set(files.map((f) => f.guestKernel))];
  const passed = (rows: readonly ResultRow[]): number => rows.filter((r) => r.state === "pass").length;
  const mark = (s: string): string => (s === "pass" ? "✓ passed" : s === "fail" ? "✗ FAILED" : s);
  const cell = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    "# Kernel lab results",
    "",
    "Written by the kernel-lab scenario tests (`CI=true npx vitest run test/kernel-lab`) after each",
    "run: every scenario that ran in the qemu guest, on which guest kernel, and whether it passed.",
    "Each test file replaces its own rows (see `test/kernel-lab/scenario-kit.ts`); do not edit by hand.",
    "",
    `Guest kernel${kernels.length === 1 ? "" : "s"}: ${kernels.map((k) => `\`${k}\``).join(", ")} (Debian \`linux-image-amd64\` under qemu, TCG) — ${passed(all)}/${all.length} scenarios passed.`,
    "",
    "## README › Kernel support",
    "",
    "| feature | scenarios | on the guest kernel |",
    "|---|---|---|",
    ...FEATURES.map(([feature, ids]) => {
      const rows = all.filter((r) => ids.includes(r.id));
      const result = rows.length === 0 ? "not run" : passed(rows) === rows.length ? `✓ (${kernels.join(", ")})` : "✗";
      return `| ${feature} | ${rows.map((r) => r.id).join(", ") || "—"} | ${result} |`;
    }),
    "",
    "## Scenarios",
    "",
    "| scenario | result | time | file |",
    "|---|---|---|---|",
    ...all.map((r) => `| ${cell(`${r.id}. ${r.title}`)} | ${mark(r.state)} | ${(r.ms / 1000).toFixed(1)} s | \`${r.f.file}\` |`),
    "",
  ];
  const noted = all.filter((r) => r.notes.length > 0);
  if (noted.length > 0) {
    lines.push("Notes:", "");
    for (const r of noted) for (const n of r.notes) lines.push(`- ${r.id}: ${n}`);
    lines.push("");
  }
  lines.push(
    "## Runs",
    "",
    "| file | guest kernel | host kernel | run at (UTC) | passed |",
    "|---|---|---|---|---|",
    ...files.map((f) => `| \`${f.file}\` | \`${f.guestKernel}\` | \`${f.hostKernel}\` | ${f.at.replace("T", " ").slice(0, 19)} | ${passed(f.rows)}/${f.rows.length} |`),
    "",
  );
  // JSON never holds "--" outside strings; inside them the escape keeps the HTML comment valid.
  const json = JSON.stringify(data, null, 1).replaceAll("--", "-\\u002d");
  lines.push(DATA_START, json, DATA_END, "");
  return lines.join("\n");
}

/** Replaces this file's rows in RESULTS.md (under a lock: test files finish concurrently). */
async function recordResults(results: FileResults): Promise<void> {
  await withFileLock(`${RESULTS}.lock`, async () => {
    // Rows of test files that no longer exist go; every other file keeps its last run.
    const kept = Object.entries(readData()).filter(([file]) => existsSync(join(dirname(RESULTS), file)));
    const data = { ...Object.fromEntries(kept), [results.file]: results };
    const tmp = `${RESULTS}.${process.pid}.tmp`;
    writeFileSync(tmp, render(data));
    renameSync(tmp, RESULTS);
  });
}
