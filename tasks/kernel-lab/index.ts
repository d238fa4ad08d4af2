/**
 * The kernel lab task: `bun tasks/kernel-lab/index.ts <command>` (also `deno run -A` or `tsx`).
 *
 * - `prepare` — find/install the host tools, fetch Debian's kernel, build the initramfs (progress lines);
 * - `boot` — boot the guest once and report the boot time;
 * - `run [--netns NS] [--serial] [--] <argv…>` — boot, run one command (its stdout/stderr/exit code
 *   pass through), print timings on stderr;
 * - `bench [N]` — boot and time N round trips (median, p90) of `true` and `ip -details -json link`;
 * - `shell` — boot and forward each line typed to the guest's `sh -c` (prompt `guest# `);
 * - `results` — write the tracked `test/kernel-lab/RESULTS.md` from the results the kernel-lab
 *   tests recorded in the git-ignored `.cache/kernel-lab/RESULTS.md` (test runs never touch the tracked file);
 * - `test [vitest args…]` — run the kernel-lab tests (`CI=true vitest run test/kernel-lab`), then `results`.
 *
 * @example
 * ```sh
 * bun tasks/kernel-lab/index.ts run ip -details -json link show
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { qemuExecutor } from "../../sdk/executor/qemu/executor.ts";
import type { QemuExecutor } from "../../sdk/executor/qemu/options.ts";
import { prepareKernelLab, type KernelLabAssets } from "./assets.ts";
import { publishResults } from "./results.ts";

const USAGE = `usage: kernel-lab prepare | boot | run [--netns NS] [--serial] [--] <argv…> | bench [N] | shell | results | test [vitest args…]`;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function boot(assets: KernelLabAssets, serial: boolean): Promise<QemuExecutor> {
  const vm = await qemuExecutor({ kernel: assets.kernel, initrd: assets.initrd, channel: serial ? "serial" : "virtio" });
  say(`kernel-lab: booted ${vm.release} in ${vm.bootMs} ms (qemu pid ${vm.pid}, console log ${vm.consoleLog})`);
  return vm;
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${at(0)} ms (n=${s.length})`;
}

async function bench(vm: QemuExecutor, n: number): Promise<void> {
  for (const argv of [["true"], ["ip", "-details", "-json", "link"]]) {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await vm.run({ netns: null, argv });
      times.push(performance.now() - t);
    }
    console.log(`${argv.join(" ")}: ${stats(times)}`);
  }
}

/** `results`: the tracked RESULTS.md from the cached one; says what it wrote and what it left out. */
async function results(): Promise<number> {
  const report = await publishResults();
  const passed = report.files.reduce((n, f) => n + f.passed, 0);
  const total = report.files.reduce((n, f) => n + f.total, 0);
  say(`kernel-lab: wrote ${report.path}: guest kernel ${report.guestKernel}, ${report.files.length} test files, ${passed}/${total} scenarios passed`);
  for (const f of report.files) say(`  ${f.file}: ${f.passed}/${f.total}`);
  for (const d of report.dropped) say(`  left out ${d.file}: its last run was on ${d.guestKernel} — run it again to publish it`);
  return 0;
}

/** `test`: the kernel-lab test files under vitest (a skipped lab fails, as in CI), then `results`. */
async function test(args: readonly string[]): Promise<number> {
  const vitest = spawn(`${ROOT}node_modules/.bin/vitest`, ["run", "test/kernel-lab", ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  const code = await new Promise<number>((resolve, reject) => {
    vitest.on("error", reject);
    vitest.on("exit", (c, signal) => resolve(c ?? (signal === null ? 1 : 128)));
  });
  await results();
  return code;
}

async function shell(vm: QemuExecutor): Promise<void> {
  const prompt = () => process.stdout.write("guest# ");
  const rl = createInterface({ input: process.stdin, terminal: false });
  prompt();
  for await (const line of rl) {
    if (line.trim() === "exit") break;
    if (line.trim() !== "") {
      const t = performance.now();
      const r = await vm.run({ netns: null, argv: ["sh", "-c", line] });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      say(`[exit ${r.code}, ${(performance.now() - t).toFixed(1)} ms]`);
    }
    prompt();
  }
  rl.close();
}

/**
 * Runs the kernel-lab command line and resolves with its exit code (the task runner's
 * `run kernel-lab -- …` calls it too).
 *
 * @example
 * ```ts
 * const code = await main(["run", "uname", "-r"]);
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help") {
    say(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "results") return results();
  if (command === "test") return test(rest[0] === "--" ? rest.slice(1) : rest);
  const quiet = command !== "prepare";
  const assets = await prepareKernelLab({ onProgress: (l) => (quiet ? undefined : say(`kernel-lab: ${l}`)) });
  const t = assets.timings;
  say(
    `kernel-lab: assets ready in ${t.totalMs} ms (tools ${t.toolsMs}, kernel ${t.kernelMs}` +
      `${assets.kernelPackage.cached ? " cached" : ` = download ${assets.kernelPackage.downloadMs} + unpack ${assets.kernelPackage.unpackMs}`}` +
      `${t.extractMs > 0 ? ` + vmlinux ${t.extractMs}` : ""}, ` +
      `initramfs ${t.initramfsMs}${assets.initramfs.cached ? " cached" : " built"})`,
  );
  if (command === "prepare") return 0;

  let serial = false;
  let netns: string | null = null;
  while (rest[0]?.startsWith("--")) {
    const flag = rest.shift();
    if (flag === "--") break;
    if (flag === "--serial") serial = true;
    else if (flag === "--netns") netns = rest.shift() ?? null;
    else {
      say(`kernel-lab: unknown option ${flag}\n${USAGE}`);
      return 2;
    }
  }
  if (command === "run" && rest.length === 0) {
    say(`kernel-lab: run needs a command, e.g. run uname -r\n${USAGE}`);
    return 2;
  }
  if (!["boot", "run", "bench", "shell"].includes(command)) {
    say(`kernel-lab: unknown command ${command}\n${USAGE}`);
    return 2;
  }
  const vm = await boot(assets, serial);
  try {
    if (command === "run") {
      const t0 = performance.now();
      const r = await vm.run({ netns, argv: rest });
      const ms = (performance.now() - t0).toFixed(1);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      say(`kernel-lab: exit ${r.code} in ${ms} ms`);
      return r.code;
    }
    if (command === "bench") await bench(vm, Number(rest[0] ?? 100));
    if (command === "shell") await shell(vm);
    return 0;
  } finally {
    const t0 = performance.now();
    await vm.close();
    say(`kernel-lab: powered off in ${(performance.now() - t0).toFixed(0)} ms`);
  }
}

// Run as a script (bun/deno set import.meta.main; node + tsx: compare with argv[1]), not on import.
const meta = import.meta as ImportMeta & { main?: boolean };
if (meta.main === true || (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      say(`kernel-lab: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
