/**
 * The kernel lab's results table (pure): what the scenario tests record per test file, and how it
 * reads as `RESULTS.md` — a summary per README › Kernel support row, one line per scenario, one
 * per run, and the data itself in an HTML comment so the next run can merge into it.
 * @module
 */

/**
 * One scenario's outcome.
 *
 * @example
 * ```ts
 * const row: ResultRow = { id: "5", title: "internal networks", state: "pass", ms: 13_200, notes: [] };
 * ```
 */
export interface ResultRow {
  /** Scenario id (`1`, `3.l2`, `8.crash` …): the order of the table. */
  readonly id: string;
  /** What the scenario proves. */
  readonly title: string;
  /** vitest's state of the test: `pass`, `fail`, `skip` … */
  readonly state: string;
  /** Milliseconds it took. */
  readonly ms: number;
  /** Lines the scenario noted (`kit.note`). */
  readonly notes: readonly string[];
}

/**
 * What one test file contributed to the results.
 *
 * @example
 * ```ts
 * const run: FileResults = { file: "scenarios-vlan.test.ts", guestKernel: "6.1.0-57-amd64", hostKernel: release(), at: new Date().toISOString(), rows };
 * ```
 */
export interface FileResults {
  /** Test file name (in `test/kernel-lab/`). */
  readonly file: string;
  /** The guest's `uname -r`. */
  readonly guestKernel: string;
  /** The host's `uname -r`. */
  readonly hostKernel: string;
  /** When the file finished (ISO 8601, UTC). */
  readonly at: string;
  /** Its scenarios. */
  readonly rows: readonly ResultRow[];
}

/** Results by test file name. */
export type ResultsData = Record<string, FileResults>;

const DATA_START = "<!-- kernel-lab-data";
const DATA_END = "-->";

/**
 * The data block of a rendered results file (`{}` when it has none or it does not parse).
 *
 * @example
 * ```ts
 * parseResults(renderResults(data)); // deep-equals data
 * ```
 */
export function parseResults(text: string): ResultsData {
  const at = text.indexOf(DATA_START);
  if (at === -1) return {};
  const end = text.indexOf(DATA_END, at + DATA_START.length);
  try {
    return JSON.parse(text.slice(at + DATA_START.length, end)) as ResultsData;
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

/**
 * Renders the results as `RESULTS.md`, the data block last.
 *
 * @example
 * ```ts
 * writeFileSync(".cache/kernel-lab/RESULTS.md", renderResults({ [run.file]: run }));
 * ```
 */
export function renderResults(data: ResultsData): string {
  const files = Object.values(data).sort((a, b) => (a.file < b.file ? -1 : 1));
  const all = files.flatMap((f) => f.rows.map((r) => ({ ...r, f }))).sort((a, b) => idOrder(a.id, b.id));
  const kernels = [...new Set(files.map((f) => f.guestKernel))];
  const passed = (rows: readonly ResultRow[]): number => rows.filter((r) => r.state === "pass").length;
  const mark = (s: string): string => (s === "pass" ? "✓ passed" : s === "fail" ? "✗ FAILED" : s);
  const cell = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    "# Kernel lab results",
    "",
    "Every scenario that ran in the kernel lab's qemu guest, on which guest kernel, and whether it passed.",
    "Test runs (`npm test`, `CI=true npx vitest run test/kernel-lab`) write them to the git-ignored",
    "`.cache/kernel-lab/RESULTS.md`, each test file replacing its own rows; `npm run kernel-lab -- results`",
    "copies them to the tracked `test/kernel-lab/RESULTS.md` (see `tasks/kernel-lab/results.ts`). Do not edit by hand.",
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
