/**
 * Kernel-lab assets: host tools, Debian's kernel and the initramfs, cached under
 * `${XDG_CACHE_HOME:-$HOME/.cache}/underlay/kernel-lab/` (never inside the repo). After
 * {@link prepareKernelLab}, `kernel` and `initrd.img` in that directory point at the current
 * assets, which is where `qemuExecutor()` looks by default.
 * @module
 */
import { mkdir, rename, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { kernelLabDir } from "../../sdk/executor/qemu/kernel-lab-dir.ts";
import { ensureHostTools, type HostTools } from "./host-tools.ts";
import { buildInitramfs, type Initramfs } from "./initramfs.ts";
import { bootableKernel } from "./kernel-image.ts";
import { ensureKernelPackage, type KernelPackage } from "./kernel-package.ts";

/** Options of {@link prepareKernelLab}. */
export interface PrepareOptions {
  /** Cache directory (default `kernelLabDir()`). */
  readonly cacheDir?: string;
  /** Kernel metapackage to resolve (default `linux-image-amd64`). */
  readonly meta?: string;
  /** Modules to load at boot (default `GUEST_MODULES`). */
  readonly modules?: readonly string[];
  /** Progress lines (`prepare` prints them). */
  readonly onProgress?: (line: string) => void;
}

/** Everything a boot needs, with what it cost to get. */
export interface KernelLabAssets {
  /** The cache directory. */
  readonly cacheDir: string;
  /** Kernel image path (the stable `kernel` link: the PVH `vmlinux` when possible, else `vmlinuz`). */
  readonly kernel: string;
  /** True when `kernel` is the uncompressed PVH image (boots about 2 s faster under TCG). */
  readonly pvh: boolean;
  /** Initramfs path (the stable `initrd.img` link). */
  readonly initrd: string;
  /** Host tools found or installed. */
  readonly tools: HostTools;
  /** The kernel package. */
  readonly kernelPackage: KernelPackage;
  /** The initramfs. */
  readonly initramfs: Initramfs;
  /** Milliseconds per stage. */
  readonly timings: {
    readonly toolsMs: number;
    /** Resolve + download + unpack + vmlinux extraction (the last three 0 when cached). */
    readonly kernelMs: number;
    /** Extracting the PVH vmlinux from vmlinuz (0 when cached). */
    readonly extractMs: number;
    readonly initramfsMs: number;
    readonly totalMs: number;
  };
}

async function replaceSymlink(target: string, link: string): Promise<void> {
  const tmp = `${link}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  try {
    await rename(tmp, link);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Finds or installs the host tools, downloads and unpacks the kernel once, builds the initramfs
 * when its inputs changed, and points `<cacheDir>/vmlinuz` and `<cacheDir>/initrd.img` at them.
 * Safe to call from several test workers at once.
 *
 * @example
 * ```ts
 * const assets = await prepareKernelLab({ onProgress: console.log });
 * const vm = await qemuExecutor({ kernel: assets.kernel, initrd: assets.initrd });
 * ```
 */
export async function prepareKernelLab(options: PrepareOptions = {}): Promise<KernelLabAssets> {
  const cacheDir = options.cacheDir ?? kernelLabDir();
  const progress = options.onProgress ?? (() => {});
  await mkdir(cacheDir, { recursive: true });
  const t0 = performance.now();
  const tools = await ensureHostTools(progress);
  const t1 = performance.now();
  const kernelPackage = await ensureKernelPackage(cacheDir, { ...(options.meta ? { meta: options.meta } : {}), onProgress: progress });
  const image = await bootableKernel(kernelPackage.vmlinuz);
  progress(
    `kernel ${kernelPackage.package} ${kernelPackage.version} (${kernelPackage.release})${kernelPackage.cached ? " cached" : ""}, ` +
      `booting ${image.pvh ? `vmlinux via PVH${image.extractMs > 0 ? ` (extracted in ${image.extractMs} ms)` : ""}` : "vmlinuz"}`,
  );
  const t2 = performance.now();
  const initramfs = await buildInitramfs(cacheDir, {
    busybox: tools.busybox,
    ip: tools.ip,
    dash: tools.dash,
    kernel: kernelPackage,
    ...(options.modules ? { modules: options.modules } : {}),
  });
  const t3 = performance.now();
  progress(
    `initramfs ${initramfs.path} (${Math.round(initramfs.bytes / 1024)} KiB, ${initramfs.modules.length} modules: ` +
      `${initramfs.modules.join(" ")})${initramfs.cached ? " cached" : ""}`,
  );
  const kernel = join(cacheDir, "kernel");
  const initrd = join(cacheDir, "initrd.img");
  await replaceSymlink(image.path, kernel);
  await replaceSymlink(initramfs.path, initrd);
  const ms = (a: number, b: number) => Math.round(b - a);
  return {
    cacheDir,
    kernel,
    initrd,
    pvh: image.pvh,
    tools,
    kernelPackage,
    initramfs,
    timings: { toolsMs: ms(t0, t1), kernelMs: ms(t1, t2), extractMs: image.extractMs, initramfsMs: ms(t2, t3), totalMs: ms(t0, t3) },
  };
}
