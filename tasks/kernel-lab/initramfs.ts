/**
 * The guest initramfs: static busybox (with applet symlinks), the host's iproute2 `ip` and `dash`
 * with their shared libraries and loader (from `ldd`), the wanted kernel modules with their dependencies,
 * `/init` and the agent. Written as cpio newc + gzip into the cache, named by the hash of the
 * archive's contents, so it is rebuilt (compressed) only when an input changes.
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { UnderlayError } from "../../sdk/errors.ts";
import { qemuAgentScript } from "../../sdk/executor/qemu/agent-script.ts";
import { cpioNewc, type CpioEntry } from "./cpio.ts";
import { mustRunHost } from "./exec.ts";
import { initScript, MODULE_LIST_PATH } from "./init-script.ts";
import type { KernelPackage } from "./kernel-package.ts";
import { resolveGuestModules, type GuestModule } from "./modules.ts";

/** Parameters passed to `insmod`: no stray `dummy0` in the guest, so it starts with `lo` only. */
export const GUEST_MODULE_PARAMS: Readonly<Record<string, string>> = { dummy: "numdummies=0" };

/**
 * Modules the guest loads at boot (with everything they depend on). `ipv6` is built into
 * Debian's kernel and then skipped; `bridge` lets host-style sandboxes (bridge parents) run too;
 * `virtio_pci` + `virtio_console` give the agent its virtio-serial port.
 */
export const GUEST_MODULES: readonly string[] = [
  "ipv6", "8021q", "ipvlan", "dummy", "macvlan", "veth", "bridge", "virtio_pci", "virtio_console",
];

/**
 * Library paths from `ldd` output (the loader included); `missing` lists `=> not found` names.
 *
 * @example
 * ```ts
 * parseLdd("\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n\t/lib64/ld-linux-x86-64.so.2 (0x2)\n");
 * // { libraries: ["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"], missing: [] }
 * ```
 */
export function parseLdd(text: string): { libraries: string[]; missing: string[] } {
  const libraries: string[] = [];
  const missing: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const arrow = /^(\S+)\s+=>\s+(\S+)/.exec(line);
    if (arrow !== null) {
      if (arrow[2] === "not") missing.push(arrow[1] ?? line);
      else if (arrow[2]?.startsWith("/")) libraries.push(arrow[2]);
    } else if (line.startsWith("/")) {
      const path = line.split(/\s+/)[0];
      if (path !== undefined) libraries.push(path);
    }
  }
  return { libraries: [...new Set(libraries)], missing };
}

/** Inputs of {@link buildInitramfs}. */
export interface InitramfsInputs {
  /** Path of a statically linked busybox. */
  readonly busybox: string;
  /** Path of iproute2's `ip`. */
  readonly ip: string;
  /** Path of `dash`, installed as the guest's `/bin/sh` (else busybox sh is). */
  readonly dash?: string | null;
  /** The unpacked kernel whose modules go in. */
  readonly kernel: KernelPackage;
  /** Module names to load at boot (default {@link GUEST_MODULES}). */
  readonly modules?: readonly string[];
}

/** A built (or cached) initramfs. */
export interface Initramfs {
  /** Path of the gzip-compressed archive. */
  readonly path: string;
  /** First 16 hex digits of the sha256 of the uncompressed archive. */
  readonly hash: string;
  /** True when an identical archive was already in the cache. */
  readonly cached: boolean;
  /** Milliseconds to gather inputs and hash (and compress, when built). */
  readonly buildMs: number;
  /** Compressed size in bytes. */
  readonly bytes: number;
  /** Modules loaded at boot, in load order. */
  readonly modules: readonly string[];
}

/** Adds `entry` after making sure every parent directory precedes it. */
function adder(entries: CpioEntry[]): (entry: CpioEntry) => void {
  const dirs = new Set<string>([""]);
  const ensureDir = (path: string): void => {
    if (dirs.has(path)) return;
    ensureDir(dirname(path) === "." ? "" : dirname(path));
    dirs.add(path);
    entries.push({ type: "dir", path });
  };
  return (entry) => {
    const path = entry.path.replace(/^\/+/, "");
    const parent = dirname(path);
    ensureDir(parent === "." ? "" : parent);
    if (entry.type === "dir") ensureDir(path);
    else entries.push({ ...entry, path });
  };
}

function modulesDep(mods: readonly GuestModule[]): string {
  const byName = new Map(mods.map((m) => [m.name, m]));
  const closure = (m: GuestModule, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const d of m.depends) {
      const dm = byName.get(d);
      if (dm === undefined || seen.has(d)) continue;
      seen.add(d);
      out.push(dm.path, ...closure(dm, seen));
    }
    return out;
  };
  return mods.map((m) => `${m.path}:${closure(m).map((p) => ` ${p}`).join("")}\n`).join("");
}

/**
 * Gathers the guest's files into cpio entries (pure apart from reading the input files).
 *
 * @example
 * ```ts
 * const { entries, modules } = await initramfsEntries({ busybox: "/bin/busybox", ip: "/usr/bin/ip", kernel });
 * ```
 */
export async function initramfsEntries(inputs: InitramfsInputs): Promise<{ entries: CpioEntry[]; modules: GuestModule[] }> {
  const entries: CpioEntry[] = [];
  const add = adder(entries);
  const text = (s: string) => new TextEncoder().encode(s);
  for (const d of ["bin", "sbin", "dev", "proc", "sys", "run", "tmp", "root", "etc/underlay", "var"]) add({ type: "dir", path: d });
  add({ type: "symlink", path: "var/run", target: "../run" });
  add({ type: "chardev", path: "dev/console", major: 5, minor: 1 });
  add({ type: "chardev", path: "dev/null", major: 1, minor: 3, mode: 0o666 });

  add({ type: "file", path: "bin/busybox", data: new Uint8Array(await readFile(inputs.busybox)), mode: 0o755 });
  const applets = (await mustRunHost([inputs.busybox, "--list"], "is busybox-static intact?")).stdout.split("\n").filter(Boolean);
  for (const applet of applets.sort()) {
    if (applet === "busybox" || applet === "ip" || applet.includes("/") || (applet === "sh" && inputs.dash)) continue;
    add({ type: "symlink", path: `bin/${applet}`, target: "busybox" });
  }

  // iproute2's ip, and dash as /bin/sh: busybox sh runs its own applets before PATH, so inside a
  // `sh -c` script "ip" would be busybox's cut-down ip; dash finds /sbin/ip.
  const binaries = [{ path: "sbin/ip", host: inputs.ip }, ...(inputs.dash ? [{ path: "bin/dash", host: inputs.dash }] : [])];
  const libraries = new Set<string>();
  for (const b of binaries) {
    add({ type: "file", path: b.path, data: new Uint8Array(await readFile(b.host)), mode: 0o755 });
    const ldd = parseLdd((await mustRunHost(["ldd", b.host], `is ${b.host} intact?`)).stdout);
    if (ldd.missing.length > 0) {
      throw new UnderlayError("PREFLIGHT", `kernel lab: ${b.host} needs ${ldd.missing.join(", ")}, which ldd cannot find — reinstall its package`);
    }
    for (const lib of ldd.libraries) libraries.add(lib);
  }
  for (const lib of [...libraries].sort()) add({ type: "file", path: lib, data: new Uint8Array(await readFile(lib)), mode: 0o755 });
  if (inputs.dash) add({ type: "symlink", path: "bin/sh", target: "dash" });
  // The loader's cache spares it a search through every hwcaps directory for each library.
  if (existsSync("/etc/ld.so.cache")) add({ type: "file", path: "etc/ld.so.cache", data: new Uint8Array(await readFile("/etc/ld.so.cache")) });

  const { release, modulesDir } = inputs.kernel;
  const mods = await resolveGuestModules(modulesDir, inputs.modules ?? GUEST_MODULES);
  const base = `lib/modules/${release}`;
  for (const m of mods) add({ type: "file", path: `${base}/${m.path}`, data: m.bytes });
  add({ type: "file", path: `${base}/modules.dep`, data: text(modulesDep(mods)) });
  const loadLine = (m: GuestModule) => [`/${base}/${m.path}`, GUEST_MODULE_PARAMS[m.name] ?? ""].join(" ").trim();
  add({ type: "file", path: MODULE_LIST_PATH, data: text(mods.map((m) => `${loadLine(m)}\n`).join("")) });

  add({ type: "file", path: "init", data: text(initScript()), mode: 0o755 });
  add({ type: "file", path: "agent", data: text(qemuAgentScript), mode: 0o755 });
  return { entries, modules: mods };
}

/**
 * Builds the initramfs into `<cacheDir>/initramfs/initrd-<hash>.img` unless that file already
 * exists, and keeps only the three newest archives.
 *
 * @example
 * ```ts
 * const img = await buildInitramfs(cacheDir, { busybox: tools.busybox, ip: tools.ip, kernel });
 * img.cached; // true on the second run with the same inputs
 * ```
 */
export async function buildInitramfs(cacheDir: string, inputs: InitramfsInputs): Promise<Initramfs> {
  const t = performance.now();
  const { entries, modules } = await initramfsEntries(inputs);
  const archive = cpioNewc(entries);
  const hash = createHash("sha256").update(archive).digest("hex").slice(0, 16);
  const dir = join(cacheDir, "initramfs");
  const path = join(dir, `initrd-${hash}.img`);
  const names = modules.map((m) => m.name);
  if (existsSync(path)) {
    const bytes = (await stat(path)).size;
    return { path, hash, cached: true, buildMs: Math.round(performance.now() - t), bytes, modules: names };
  }
  await mkdir(dir, { recursive: true });
  const gz = gzipSync(archive, { level: 6 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, gz);
  await rename(tmp, path);
  const images = await Promise.all(
    (await readdir(dir)).filter((f) => /^initrd-[0-9a-f]+\.img$/.test(f)).map(async (f) => ({ f, m: (await stat(join(dir, f))).mtimeMs })),
  );
  for (const old of images.sort((a, b) => b.m - a.m).slice(3)) await rm(join(dir, old.f), { force: true });
  return { path, hash, cached: false, buildMs: Math.round(performance.now() - t), bytes: gz.length, modules: names };
}
