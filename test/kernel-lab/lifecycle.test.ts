/**
 * Kernel lab, lifecycle: how a guest starts, fails, times out, stops — and that no qemu outlives
 * the process that started it, whichever runtime (Node, Bun, Deno) that process is.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { qemuExecutor } from "../../sdk/executor/qemu/executor.ts";
import type { QemuExecutor, QemuExecutorOptions } from "../../sdk/executor/qemu/options.ts";
import { kernelLabAssets, kernelLabReady } from "../support/guest.ts";
import { pidAlive } from "../../sdk/lib/file-lock.ts";

const lab = await kernelLabReady("kernel lab: lifecycle");
const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => join(repo, "node_modules", ".bin", name);


async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

async function withGuest<T>(options: QemuExecutorOptions, body: (vm: QemuExecutor) => Promise<T>): Promise<T> {
  const assets = await kernelLabAssets();
  const vm = await qemuExecutor({ kernel: assets.kernel, initrd: assets.initrd, ...options });
  try {
    return await body(vm);
  } finally {
    await vm.close();
    expect(pidAlive(vm.pid), `qemu ${vm.pid} must be gone after close()`).toBe(false);
  }
}

/** Runs the kernel-lab CLI under a runtime; resolves with its exit code and output. */
function cli(argv: readonly string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv;
    const child = spawn(program as string, args, { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe.runIf(lab)("kernel lab lifecycle", () => {
  it("boots, reports its boot time, closes idempotently, and refuses work after close", async () => {
    const vm = await withGuest({}, async (vm) => {
      console.log(`kernel lab: boot under ${process.env.UNDERLAY_QEMU_ACCEL ?? "tcg"}: ${vm.bootMs} ms`);
      expect(vm.bootMs).toBeGreaterThan(0);
      expect(vm.name).toBe("qemu");
      expect((await vm.run({ netns: null, argv: ["echo", "hi"] })).stdout).toBe("hi\n");
      return vm;
    });
    await vm.close(); // a second close is harmless
    await expect(vm.run({ netns: null, argv: ["true"] })).rejects.toMatchObject({ code: "EXEC" });
  });

  it("also speaks over the second serial port (the slower fallback channel)", async () => {
    await withGuest({ channel: "serial" }, async (vm) => {
      const arg = "a b\n'quoted' \"double\" 50%0A ü\r";
      expect((await vm.run({ netns: null, argv: ["printf", "%s", arg] })).stdout).toBe(arg);
      expect((await vm.run({ netns: null, argv: ["cat"], input: "in\nput" })).stdout).toBe("in\nput");
      const r = await vm.run({ netns: null, argv: ["sh", "-c", "echo o; echo e >&2; exit 5"] });
      expect(r).toEqual({ code: 5, stdout: "o\n", stderr: "e\n" });
    });
  });

  it("kills a command that outlives commandTimeoutMs (exit 137) and keeps serving", async () => {
    await withGuest({ commandTimeoutMs: 1000 }, async (vm) => {
      const r = await vm.run({ netns: null, argv: ["sleep", "20"] });
      expect(r.code).toBe(137); // killed by SIGKILL, not run to its end
      expect((await vm.run({ netns: null, argv: ["echo", "still here"] })).stdout).toBe("still here\n");
    });
  });

  it("fails a boot that cannot succeed with a clear EXEC error carrying the console log, and leaves no qemu", async () => {
    const dir = await mkdtemp(join(tmpdir(), "underlay-kl-"));
    try {
      const junk = join(dir, "junk.img");
      writeFileSync(junk, "this is not an initramfs\n".repeat(100));
      const { kernel } = await kernelLabAssets();
      const attempt = qemuExecutor({ kernel, initrd: junk, consoleLog: join(dir, "console.log"), bootTimeoutMs: 90_000 });
      await expect(attempt).rejects.toMatchObject({ code: "EXEC", message: expect.stringMatching(/console log[\s\S]*(panic|VFS|initramfs)/i) });
      await expect(qemuExecutor({ kernel: join(dir, "missing"), initrd: junk })).rejects.toMatchObject({
        code: "EXEC",
        message: expect.stringContaining("tasks/kernel-lab/index.ts prepare"),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("leaves no qemu behind when the process that booted it is killed with SIGKILL", async () => {
    const child = spawn(bin("bun"), ["tasks/kernel-lab/index.ts", "shell"], { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    try {
      expect(await until(() => /qemu pid \d+/.test(stderr) || child.exitCode !== null, 90_000), stderr).toBe(true);
      const pid = Number(/qemu pid (\d+)/.exec(stderr)?.[1]);
      expect(pidAlive(pid), stderr).toBe(true);
      child.kill("SIGKILL");
      expect(await until(() => !pidAlive(pid), 10_000), `qemu ${pid} outlived its parent`).toBe(true);
      // …and the watchdog removed the socket directory the dead process could not.
      const ownDir = () =>
        readdirSync(tmpdir())
          .filter((d) => d.startsWith("underlay-qemu-"))
          .some((d) => {
            try {
              return readFileSync(join(tmpdir(), d, "qemu.pid"), "utf8").trim() === String(pid);
            } catch {
              return false;
            }
          });
      expect(await until(() => !ownDir(), 5_000), "socket directory left behind").toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it.each([
    ["bun", [bin("bun")]],
    ["deno", [bin("deno"), "run", "-A"]],
    ["node (tsx)", [bin("tsx")]],
  ])("runs the same executor under %s", async (_name, runtime) => {
    const r = await cli([...runtime, "tasks/kernel-lab/index.ts", "run", "--", "printf", "%s|", "two words", "ünï"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("two words|ünï|");
    expect(r.stderr).toMatch(/booted \S+-amd64 in \d+ ms/);
  });
});
