/**
 * Kernel modules for the guest: find a module by name in an unpacked kernel package, read its
 * dependencies (the kernel's `modules.dep` when present, else each module's `.modinfo`
 * `depends=`), order the closure dependencies-first, and return the bytes decompressed
 * (`.ko.xz` / `.ko.zst` / `.ko.gz` → `.ko`, since busybox `insmod` loads plain `.ko`).
 * @module
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { UnderlayError } from "../../sdk/errors.ts";
import { modinfo } from "./elf.ts";
import { runHostBytes } from "./exec.ts";

/** A module chosen for the initramfs. */
export interface GuestModule {
  /** Canonical name (`-` → `_`), e.g. `8021q`. */
  readonly name: string;
  /** Path relative to the modules directory, with a plain `.ko` suffix, e.g. `kernel/net/8021q/8021q.ko`. */
  readonly path: string;
  /** Names of the modules it needs (already earlier in the order). */
  readonly depends: readonly string[];
  /** Uncompressed module bytes. */
  readonly bytes: Uint8Array;
}

const MODULE_FILE = /\.ko(\.xz|\.zst|\.gz)?$/;

/**
 * Canonical module name of a file or name: basename without `.ko[.xz|.zst|.gz]`, `-` → `_`.
 *
 * @example
 * ```ts
 * moduleName("kernel/drivers/net/ipvlan/ipvlan.ko.xz"); // "ipvlan"
 * ```
 */
export function moduleName(file: string): string {
  return basename(file).replace(MODULE_FILE, "").replaceAll("-", "_");
}

/**
 * Orders the dependency closure of `wanted`, dependencies first (a stable depth-first order).
 * `depsOf` returns a module's direct dependencies, or `null` when the module does not exist.
 * Names for which `isBuiltin` is true are dropped (they are part of the kernel image).
 *
 * @example
 * ```ts
 * orderModules(["8021q"], (n) => ({ "8021q": ["mrp", "garp"], garp: ["stp", "llc"], stp: ["llc"] })[n] ?? []);
 * // { order: ["mrp", "llc", "stp", "garp", "8021q"], missing: [] }
 * ```
 */
export function orderModules(
  wanted: readonly string[],
  depsOf: (name: string) => readonly string[] | null,
  isBuiltin: (name: string) => boolean = () => false,
): { order: string[]; missing: string[] } {
  const order: string[] = [];
  const missing: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (isBuiltin(name) || state.has(name)) return;
    state.set(name, "visiting");
    const deps = depsOf(name);
    if (deps === null) {
      missing.push(name);
    } else {
      for (const d of deps) visit(d);
      order.push(name);
    }
    state.set(name, "done");
  };
  for (const w of wanted) visit(moduleName(w));
  return { order, missing };
}

async function walk(dir: string, rel: string, out: Map<string, string>): Promise<void> {
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const r = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(dir, r, out);
    else if (MODULE_FILE.test(entry.name)) out.set(moduleName(entry.name), r);
  }
}

function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const rest = line.slice(colon + 1).trim();
    deps.set(moduleName(line.slice(0, colon)), rest === "" ? [] : rest.split(/\s+/).map(moduleName));
  }
  return deps;
}

async function decompress(path: string): Promise<Uint8Array> {
  if (path.endsWith(".ko")) return new Uint8Array(await readFile(path));
  if (path.endsWith(".gz")) return new Uint8Array(gunzipSync(await readFile(path)));
  const tool = path.endsWith(".xz") ? ["xz", "-dc", path] : ["zstd", "-dc", path];
  return runHostBytes(tool, `install ${tool[0]} (Debian: ${tool[0] === "xz" ? "xz-utils" : "zstd"}) to unpack ${basename(path)}`);
}

/**
 * Resolves `wanted` module names in the modules directory of an unpacked kernel package
 * (`…/lib/modules/<version>`), with everything they depend on, in load order.
 * Built-in modules (listed in `modules.builtin`) are skipped. Throws `PREFLIGHT` naming any
 * module the kernel neither ships nor builds in.
 *
 * @example
 * ```ts
 * const mods = await resolveGuestModules("/cache/kernel/lib/modules/6.1.0-56-amd64", ["8021q", "ipvlan"]);
 * mods.map((m) => m.name); // ["mrp", "llc", "stp", "garp", "8021q", "ipvlan"]
 * ```
 */
export async function resolveGuestModules(modulesDir: string, wanted: readonly string[]): Promise<GuestModule[]> {
  const files = new Map<string, string>();
  for (const top of ["kernel", "updates", "extra"]) {
    if (existsSync(join(modulesDir, top))) await walk(modulesDir, top, files);
  }
  const builtinFile = join(modulesDir, "modules.builtin");
  const builtin = new Set(
    existsSync(builtinFile) ? (await readFile(builtinFile, "utf8")).split("\n").filter(Boolean).map(moduleName) : [],
  );
  const depFile = join(modulesDir, "modules.dep");
  const fromDepFile = existsSync(depFile) ? parseModulesDep(await readFile(depFile, "utf8")) : null;

  // Without modules.dep (Debian generates it at install time), read each module's .modinfo.
  const bytes = new Map<string, Uint8Array>();
  const loaded = async (name: string): Promise<Uint8Array | null> => {
    const rel = files.get(name);
    if (rel === undefined) return null;
    const cached = bytes.get(name);
    if (cached !== undefined) return cached;
    const b = await decompress(join(modulesDir, rel));
    bytes.set(name, b);
    return b;
  };
  const deps = new Map<string, string[] | null>();
  const pending = wanted.map(moduleName);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (deps.has(name) || builtin.has(name)) continue;
    let d: string[] | null;
    if (fromDepFile !== null) d = fromDepFile.get(name) ?? null;
    else {
      const b = await loaded(name);
      d = b === null ? null : (modinfo(b).get("depends") ?? "").split(",").filter(Boolean).map(moduleName);
    }
    deps.set(name, d);
    if (d !== null) pending.push(...d);
  }
  const { order, missing } = orderModules(wanted, (n) => deps.get(n) ?? null, (n) => builtin.has(n));
  if (missing.length > 0) {
    throw new UnderlayError(
      "PREFLIGHT",
      `kernel lab: the kernel in ${modulesDir} has no module ${missing.join(", ")} (neither a .ko file nor built in) — ` +
        `pick another kernel package or drop the module from the wanted list`,
    );
  }
  const result: GuestModule[] = [];
  for (const name of order) {
    const rel = files.get(name) as string;
    const b = await loaded(name);
    if (b === null) throw new UnderlayError("PREFLIGHT", `kernel lab: cannot read module ${name} in ${modulesDir}`);
    result.push({ name, path: rel.replace(MODULE_FILE, ".ko"), depends: deps.get(name) ?? [], bytes: b });
  }
  return result;
}
