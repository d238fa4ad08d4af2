/**
 * Support for the package tests: run a command and collect its output, `npm pack` the repository,
 * make a scratch consumer project under the system temp dir and install the tarball into it with
 * its runtime dependencies only, and the source of the scripts a consumer writes (importing every
 * entry point of package.json by its package specifier).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageEntries, type PackageEntries } from "../../tasks/package/entries.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The repository's own tools: the consumer checks use these, nothing is downloaded for them. */
export const TOOLS = {
  tsc: join(ROOT, "node_modules/.bin/tsc"),
  bun: join(ROOT, "node_modules/.bin/bun"),
  deno: join(ROOT, "node_modules/.bin/deno"),
} as const;

/** The entry points, as package.json declares them. */
export const MANIFEST: PackageEntries = packageEntries(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));

/** What a command printed and how it ended. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without npm's lifecycle variables (`npm test` sets them; a nested npm would read them as its own config). */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k) && k !== "INIT_CWD") env[k] = v;
  return { ...env, NO_COLOR: "1", ...extra };
}

/**
 * Runs a program (no shell) and resolves with its exit code and output; never rejects on a
 * non-zero exit.
 *
 * @example
 * ```ts
 * const r = await run("node", ["app.mjs"], { cwd: dir });
 * ```
 */
export function run(program: string, args: readonly string[], options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/** Output of a run, for an assertion message. */
export function shown(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** One file of `npm pack --json`. */
export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

/** `npm pack --json`'s description of the tarball. */
export interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly PackedFile[];
}

/**
 * `npm pack` of the repository into `dest` (its `prepack` builds dist/ first); returns the
 * tarball's path and npm's description of it.
 *
 * @example
 * ```ts
 * const { tarball, packed } = await npmPack(tmp);
 * ```
 */
export async function npmPack(dest: string): Promise<{ readonly tarball: string; readonly packed: Packed }> {
  const r = await run("npm", ["pack", "--json", "--pack-destination", dest], { cwd: ROOT });
  if (r.code !== 0) throw new Error(`npm pack failed: ${shown(r)}`);
  const [packed] = JSON.parse(r.stdout) as Packed[];
  if (packed === undefined) throw new Error(`npm pack described no tarball: ${r.stdout}`);
  return { tarball: join(dest, packed.filename), packed };
}

/**
 * A fresh project at `dir` (package.json of the given module type) with the tarball installed —
 * and nothing but its runtime dependencies.
 *
 * @example
 * ```ts
 * await consumerProject(join(tmp, "esm"), tarball, "module");
 * ```
 */
export async function consumerProject(dir: string, tarball: string, type: "module" | "commonjs"): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type }, null, 2)}\n`);
  const r = await run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", tarball], { cwd: dir });
  if (r.code !== 0) throw new Error(`npm install of the tarball failed: ${shown(r)}`);
}

/** `import * as e0 from "underlay"; import * as e1 from "underlay/ipam"; …`, each specifier passed through `spec` (Deno: `npm:`). */
function importEveryEntry(spec: (s: string) => string): string {
  return MANIFEST.entries.map((e, i) => `import * as e${i} from ${JSON.stringify(spec(e.specifier))};`).join("\n");
}

/**
 * A consumer's script: imports every entry, then builds a real sandboxed lab (two macvlan
 * endpoints), checks the ping matrix, verifies it and tears it down; prints one JSON line with the
 * outcome, the number of exports of each entry and where the package resolved from.
 * The lab name is the script's first argument.
 *
 * @example
 * ```ts
 * writeFileSync("app.mjs", appSource((s) => s));
 * ```
 */
export function appSource(spec: (s: string) => string): string {
  return `${importEveryEntry(spec)}
const name = process.argv[2];
const { lab, net } = e0;
const pub = net.macvlan("pub").parent("eth0").subnet("192.168.77.0/24");
const l = lab(name, { host: name + "-h", sandbox: true }).endpoint("a", pub).endpoint("b", pub);
const up = await l.up();
let report = { changed: up.changed };
try {
  const check = await l.check();
  const verify = await l.verify();
  report = { ...report, ok: check.ok, probes: check.probes.length, checked: verify.checked };
} finally {
  const down = await up.down();
  report = { ...report, removed: down.removed };
}
const exportCounts = [${MANIFEST.entries.map((_, i) => `Object.keys(e${i}).length`).join(", ")}];
console.log(JSON.stringify({ ...report, exportCounts, resolved: import.meta.resolve(${JSON.stringify(spec(MANIFEST.name))}) }));
`;
}

/**
 * A TypeScript consumer for `tsc --noEmit`: every entry imported, and typed uses of the root and
 * the task runner (whose context exposes zx's types).
 *
 * @example
 * ```ts
 * writeFileSync("consumer.ts", consumerSource());
 * ```
 */
export function consumerSource(): string {
  return `${importEveryEntry((s) => s)}
import { lab, net, UnderlayError, type LabBuilder, type UpResult } from ${JSON.stringify(MANIFEST.name)};
import { defineTasks, type TaskContext } from ${JSON.stringify(`${MANIFEST.name}/tasks`)};

const pub = net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24");
export const l: LabBuilder = lab("x", { host: "x-h", sandbox: true }).endpoint("a", pub);
export const ops: number = l.plan().ops.length;
export const upLater = (): Promise<UpResult> => l.up();
export const tasks = defineTasks({ a: { run: async (ctx: TaskContext) => { await ctx.$\`true\`; } } });
export const isError = (e: unknown): boolean => e instanceof UnderlayError && e.code === "USAGE";
export const modules = [${MANIFEST.entries.map((_, i) => `e${i}`).join(", ")}] as const;
`;
}

/**
 * A lab file for the CLI: two macvlan endpoints in a sandbox, named `name`.
 *
 * @example
 * ```ts
 * writeFileSync("lab.ts", labSource("pk12ab34"));
 * ```
 */
export function labSource(name: string): string {
  return `import { lab, net } from ${JSON.stringify(MANIFEST.name)};
const pub = net.macvlan("pub").parent("eth0").subnet("192.168.79.0/24");
export default lab(${JSON.stringify(name)}, { host: ${JSON.stringify(`${name}-h`)}, sandbox: true }).endpoint("a", pub).endpoint("b", pub);
`;
}
