/**
 * Debian's stock kernel for the guest: resolve the `linux-image-amd64` metapackage to the real
 * `linux-image-<abi>-amd64` package, `apt-get download` it and unpack it with `dpkg-deb -x` into
 * the cache (`<cacheDir>/packages/`, once per package version; the unpacked tree is the cache).
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UnderlayError } from "../../sdk/errors.ts";
import { mustRunHost, runHost } from "./exec.ts";

/** An unpacked kernel package. */
export interface KernelPackage {
  /** Real package name, e.g. `linux-image-6.1.0-56-amd64`. */
  readonly package: string;
  /** Package version, e.g. `6.1.192-2`. */
  readonly version: string;
  /** Kernel release (`uname -r`), e.g. `6.1.0-56-amd64`. */
  readonly release: string;
  /** The bootable image. */
  readonly vmlinuz: string;
  /** `…/lib/modules/<release>`. */
  readonly modulesDir: string;
  /** True when it came from the cache. */
  readonly cached: boolean;
  /** Milliseconds spent on `apt-get download` (0 when cached). */
  readonly downloadMs: number;
  /** Milliseconds spent on `dpkg-deb -x` (0 when cached). */
  readonly unpackMs: number;
}

/**
 * The first dependency of a Debian control `Depends:` value, e.g.
 * `linux-image-6.1.0-56-amd64 (= 6.1.192-2)` → `{ name, version: "6.1.192-2" }`.
 *
 * @example
 * ```ts
 * firstDependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2) | foo"); // { name: "linux-image-6.1.0-56-amd64", version: "6.1.192-2" }
 * ```
 */
export function firstDependency(depends: string): { name: string; version: string | null } | null {
  const first = depends.split(",")[0]?.split("|")[0]?.trim() ?? "";
  const m = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9]+)?\s*(?:\(\s*=\s*([^)\s]+)\s*\))?/.exec(first);
  if (m === null || m[1] === undefined) return null;
  return { name: m[1], version: m[2] ?? null };
}

function field(control: string, name: string): string | null {
  const m = new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(control);
  return m?.[1]?.trim() ?? null;
}

async function resolveMeta(meta: string, onProgress: (line: string) => void): Promise<{ name: string; version: string }> {
  const show = async () => runHost(["apt-cache", "show", "--no-all-versions", meta]);
  let r = await show();
  if (r.code !== 0 || field(r.stdout, "Depends") === null) {
    onProgress(`apt-cache knows no ${meta}; running apt-get update`);
    await runHost(["apt-get", "update", "-q"], { env: { DEBIAN_FRONTEND: "noninteractive" } });
    r = await show();
  }
  const depends = r.code === 0 ? field(r.stdout, "Depends") : null;
  const dep = depends === null ? null : firstDependency(depends);
  if (dep === null) {
    throw new UnderlayError(
      "PREFLIGHT",
      `kernel lab: cannot resolve ${meta} to a kernel package (apt-cache show: ${r.stderr.trim() || "no Depends field"}) — run apt-get update and check the apt sources`,
    );
  }
  const version = dep.version ?? field(r.stdout, "Version");
  if (version === null) throw new UnderlayError("PREFLIGHT", `kernel lab: no version for ${dep.name} in apt-cache show ${meta}`);
  return { name: dep.name, version };
}

function describe(root: string, pkg: string, version: string, cached: boolean, downloadMs: number, unpackMs: number): KernelPackage {
  const boot = join(root, "boot");
  const image = readdirSync(boot).find((f) => f.startsWith("vmlinuz-"));
  if (image === undefined) throw new UnderlayError("PREFLIGHT", `kernel lab: ${pkg} has no boot/vmlinuz-* — is it a linux-image package?`);
  const release = image.slice("vmlinuz-".length);
  const modulesDir = [join(root, "lib", "modules", release), join(root, "usr", "lib", "modules", release)].find((d) => existsSync(d));
  if (modulesDir === undefined) throw new UnderlayError("PREFLIGHT", `kernel lab: ${pkg} has no lib/modules/${release}`);
  return { package: pkg, version, release, vmlinuz: join(boot, image), modulesDir, cached, downloadMs, unpackMs };
}

/**
 * Makes sure the kernel package behind `meta` is unpacked under `<cacheDir>/packages/`. Resolving
 * uses the local apt index; the download happens only for a version not yet cached. Safe to run
 * from several processes at once (downloads go to a private directory, the unpacked tree is
 * moved into place atomically).
 *
 * @example
 * ```ts
 * const k = await ensureKernelPackage("/root/.cache/underlay/kernel-lab");
 * k.release; // "6.1.0-56-amd64"
 * ```
 */
export async function ensureKernelPackage(
  cacheDir: string,
  options: { meta?: string; onProgress?: (line: string) => void } = {},
): Promise<KernelPackage> {
  const meta = options.meta ?? "linux-image-amd64";
  const progress = options.onProgress ?? (() => {});
  const { name, version } = await resolveMeta(meta, progress);
  const kernels = join(cacheDir, "packages");
  const root = join(kernels, `${name}_${version}`);
  if (existsSync(join(root, ".complete"))) return describe(root, name, version, true, 0, 0);

  await mkdir(kernels, { recursive: true });
  const work = await mkdtemp(join(kernels, ".work-"));
  try {
    progress(`downloading ${name} ${version} (resolved from ${meta})`);
    let t = performance.now();
    await mustRunHost(["apt-get", "download", "-q", `${name}=${version}`], "check the network and apt sources (apt-get update)", {
      cwd: work,
    });
    const downloadMs = Math.round(performance.now() - t);
    const deb = (await readdir(work)).find((f) => f.endsWith(".deb"));
    if (deb === undefined) throw new UnderlayError("PREFLIGHT", `kernel lab: apt-get download ${name} produced no .deb`);
    progress(`unpacking ${deb} (${downloadMs} ms download)`);
    t = performance.now();
    const tree = join(work, "tree");
    await mustRunHost(["dpkg-deb", "-x", join(work, deb), tree], "is the download complete? remove the cache dir and retry");
    const unpackMs = Math.round(performance.now() - t);
    await writeFile(join(tree, ".complete"), `${name} ${version}\n`);
    try {
      await rename(tree, root);
    } catch (e) {
      if (!existsSync(join(root, ".complete"))) throw e; // another process won the race: use its tree
    }
    // Older kernel versions are of no further use; keep the cache to one tree (~400 MB).
    for (const old of await readdir(kernels)) {
      if (old !== `${name}_${version}` && !old.startsWith(".work-")) await rm(join(kernels, old), { recursive: true, force: true });
    }
    return describe(root, name, version, false, downloadMs, unpackMs);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
