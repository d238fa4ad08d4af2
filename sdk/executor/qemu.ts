/**
 * Qemu executor: boots a small Linux guest (Debian's stock kernel + a busybox initramfs, built by
 * `tasks/kernel-lab`) and runs commands inside it, so ipvlan, 802.1Q VLANs and dummy parents can
 * be proved on a real kernel even where the host kernel lacks them.
 *
 * The guest runs a busybox `sh` agent ({@link qemuAgentScript}) on a virtio-serial port (or, as a
 * slower fallback, the second 16550 serial port), which qemu exposes as a Unix socket. Protocol,
 * one command at a time:
 * - request: `C <id> <argc> <hasNetns> <inputBytes> <timeoutS>\n`, then the netns (if any) and
 *   each argv element on a line of its own with `%`, LF and CR written as `%25`, `%0A`, `%0D`
 *   (the agent rebuilds `"$@"` with parameter expansion — no shell string, no eval), then
 *   exactly `inputBytes` raw bytes of stdin;
 * - answer: `\x02O <id>` + base64 of stdout, `\x02E <id>` + base64 of stderr, `\x02R <id> <code>`;
 *   `\x02N <id>` when the program does not exist in the guest.
 *
 * qemu runs under a tiny `sh` watchdog that kills it with SIGKILL as soon as this process's pipe
 * to it closes, so even a killed Node/Bun/Deno process leaves no qemu behind. `node:` builtins only.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import { iproute2Executor } from "./iproute2/executor.ts";
import type { Command, ExecResult, Executor } from "./types.ts";
import { pidAlive } from "../lib/file-lock.ts";

// ───────────────────────────── paths ─────────────────────────────

/**
 * The kernel lab's cache directory: `${XDG_CACHE_HOME:-$HOME/.cache}/underlay/kernel-lab`.
 * `tasks/kernel-lab` prepares `kernel` and `initrd.img` there; {@link qemuExecutor} boots them.
 *
 * @example
 * ```ts
 * kernelLabDir({ XDG_CACHE_HOME: "/var/cache/me" }); // "/var/cache/me/underlay/kernel-lab"
 * ```
 */
export function kernelLabDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), ".cache");
  return join(base, "underlay", "kernel-lab");
}

// ───────────────────────────── the guest side ─────────────────────────────

/**
 * The guest agent, a busybox `sh` script (it needs ash's `\${v//a/b}`) that the initramfs runs as
 * `busybox sh /agent` with stdin/stdout on the agent port. It answers `READY <uname -r>` once,
 * then serves requests until `Q` (power off). Per command it forks once for the program (plus
 * once per non-empty stdout/stderr, for base64).
 *
 * @example
 * ```ts
 * entries.push({ type: "file", path: "agent", data: new TextEncoder().encode(qemuAgentScript), mode: 0o755 });
 * ```
 */
export const qemuAgentScript: string = `#!/bin/busybox sh
# underlay guest agent, protocol v1 (see sdk/executor/qemu.ts). stdin/stdout: the agent port.
stty raw -echo -iexten 2>/dev/null
nl='
'
cr=$(printf '\\r')
dec() { case $v in *%*) v=\${v//%0A/$nl}; v=\${v//%0D/$cr}; v=\${v//%25/%};; esac; }
# Sets $p to the program's path: busybox sh prefers its own applets (its "ip" is not iproute2).
found() {
  p=$1
  case $1 in */*) [ -f "$1" ] && [ -x "$1" ]; return;; esac
  for d in /sbin /bin /usr/sbin /usr/bin; do p=$d/$1; [ -f "$p" ] && [ -x "$p" ] && return 0; done
  return 1
}
mkdir -p /tmp/agent && cd /tmp/agent || exit 1
printf '\\002READY %s\\n' "$(uname -r)"
while IFS=' ' read -r tag id argc hasns inlen tmo; do
  case $tag in
  C) ;;
  P) printf '\\002P %s\\n' "$id"; continue;;
  Q) printf '\\002BYE %s\\n' "$id"; sync; poweroff -f; exit 0;;
  *) continue;;
  esac
  ns=
  if [ "$hasns" = 1 ]; then IFS= read -r v; dec; ns=$v; fi
  set --
  i=0
  while [ "$i" -lt "$argc" ]; do IFS= read -r v; dec; set -- "$@" "$v"; i=$((i + 1)); done
  inp=/dev/null
  if [ "$inlen" -gt 0 ]; then head -c "$inlen" >in; inp=in; fi
  if ! found "$1"; then printf '\\002N %s\\n' "$id"; continue; fi
  shift
  set -- "$p" "$@"
  if [ -n "$ns" ]; then set -- nsenter "--net=/run/netns/$ns" -- "$@"; fi
  if [ "$tmo" -gt 0 ]; then set -- timeout -s KILL "$tmo" "$@"; fi
  (exec "$@") <"$inp" >out 2>err
  rc=$?
  printf '\\002O %s\\n' "$id"; [ -s out ] && base64 out
  printf '\\002E %s\\n' "$id"; [ -s err ] && base64 err
  printf '\\002R %s %s\\n' "$id" "$rc"
done
`;

// ───────────────────────────── protocol (pure) ─────────────────────────────

/**
 * Escapes one argv element for a request line: `%` → `%25`, LF → `%0A`, CR → `%0D`.
 *
 * @example
 * ```ts
 * encodeAgentArg("50%\nok"); // "50%25%0Aok"
 * ```
 */
export function encodeAgentArg(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("\n", "%0A").replaceAll("\r", "%0D");
}

/**
 * Renders one request. Throws `EXEC` for an empty argv or a NUL byte (no program argument can
 * hold one).
 *
 * @example
 * ```ts
 * encodeAgentRequest(7, { netns: "a", argv: ["ip", "-json", "link"] }, 0);
 * // bytes of "C 7 3 1 0 0\na\nip\n-json\nlink\n"
 * ```
 */
export function encodeAgentRequest(id: number, command: Command, timeoutSeconds: number): Uint8Array {
  if (command.argv.length === 0) throw new UnderlayError("EXEC", "empty command: argv must name a program");
  const fields = command.netns === null ? command.argv : [command.netns, ...command.argv];
  const bad = fields.findIndex((a) => a.includes("\0"));
  if (bad >= 0) {
    const what = command.netns !== null && bad === 0 ? "netns name" : `argv[${command.netns === null ? bad : bad - 1}]`;
    throw new UnderlayError("EXEC", `${what} contains a NUL byte, which no program argument can hold — remove it`);
  }
  const input = Buffer.from(command.input ?? "", "utf8");
  const head = `C ${id} ${command.argv.length} ${command.netns === null ? 0 : 1} ${input.length} ${Math.max(0, Math.ceil(timeoutSeconds))}\n`;
  const lines = fields.map((f) => `${encodeAgentArg(f)}\n`).join("");
  return Buffer.concat([Buffer.from(head + lines, "utf8"), input]);
}

/** Something the agent said. */
export type AgentEvent =
  | { readonly type: "ready"; readonly release: string }
  | { readonly type: "result"; readonly id: number; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly type: "not-found"; readonly id: number }
  | { readonly type: "pong"; readonly id: number }
  | { readonly type: "bye" };

/**
 * A streaming parser of the agent's output: feed it chunks as they arrive, it calls `onEvent`
 * for each complete message. Lines outside a frame are ignored.
 *
 * @example
 * ```ts
 * const feed = agentParser((e) => console.log(e));
 * feed(Buffer.from("\x02O 1\naGkK\n\x02E 1\n\x02R 1 0\n")); // { type: "result", id: 1, code: 0, stdout: "hi\n", stderr: "" }
 * ```
 */
export function agentParser(onEvent: (event: AgentEvent) => void): (chunk: Uint8Array) => void {
  let pending = Buffer.alloc(0);
  let section: "O" | "E" | null = null;
  let out: string[] = [];
  let err: string[] = [];
  const line = (text: string): void => {
    if (text.charCodeAt(0) !== 2) {
      if (section === "O") out.push(text.trim());
      else if (section === "E") err.push(text.trim());
      return;
    }
    const [tag = "", a = "", b = ""] = text.slice(1).trim().split(" ");
    if (tag === "READY") onEvent({ type: "ready", release: a });
    else if (tag === "O") [section, out, err] = ["O", [], []];
    else if (tag === "E") section = "E";
    else if (tag === "R") {
      const decode = (parts: string[]) => Buffer.from(parts.join(""), "base64").toString("utf8");
      onEvent({ type: "result", id: Number(a), code: Number(b), stdout: decode(out), stderr: decode(err) });
      [section, out, err] = [null, [], []];
    } else if (tag === "N") onEvent({ type: "not-found", id: Number(a) });
    else if (tag === "P") onEvent({ type: "pong", id: Number(a) });
    else if (tag === "BYE") onEvent({ type: "bye" });
  };
  return (chunk) => {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    let nl = pending.indexOf(10);
    while (nl >= 0) {
      line(pending.subarray(0, nl).toString("latin1"));
      pending = pending.subarray(nl + 1);
      nl = pending.indexOf(10);
    }
  };
}

// ───────────────────────────── the host side ─────────────────────────────

/** Options of {@link qemuExecutor}. */
export interface QemuExecutorOptions {
  /** Kernel image (default `<kernelLabDir()>/kernel`, made by `tasks/kernel-lab prepare`). */
  readonly kernel?: string;
  /** Initramfs (default `<kernelLabDir()>/initrd.img`). */
  readonly initrd?: string;
  /** `tcg` (default; or `UNDERLAY_QEMU_ACCEL`) or `kvm` (only where KVM really works). */
  readonly accel?: "tcg" | "kvm";
  /** Guest memory in MiB (default 512). */
  readonly memoryMb?: number;
  /**
   * Agent transport: a virtio-serial port (`virtio`, default: about 5 ms per command and fast bulk
   * transfer) or a second 16550 serial port (`serial`: about 8 ms, ~300 KB/s out, ~80 KB/s in).
   */
  readonly channel?: "serial" | "virtio";
  /** How long boot may take before it fails (default 120 s; TCG needs 2–5 s). */
  readonly bootTimeoutMs?: number;
  /**
   * Per-command limit, enforced in the guest with SIGKILL (exit code 137); the executor gives up
   * on the guest 10 s after it (default 0 = no limit).
   */
  readonly commandTimeoutMs?: number;
  /** Guest console log file (default `<kernelLabDir()>/logs/console-<pid>-<n>.log`, newest 20 kept). */
  readonly consoleLog?: string;
  /** qemu binary (default `qemu-system-x86_64`). */
  readonly qemu?: string;
  /** Firmware; default qboot (`/usr/share/qemu/qboot.rom`, faster than SeaBIOS) when installed; `null` = qemu's default. */
  readonly bios?: string | null;
  /** Extra kernel command line words. */
  readonly append?: string;
  /** Extra qemu arguments, appended last (e.g. `["-cpu", "max"]`). */
  readonly extraQemuArgs?: readonly string[];
  /** Called with every command before it runs (for `--verbose`). */
  readonly onCommand?: (command: Command) => void;
}

/** An executor backed by a booted qemu guest. */
export interface QemuExecutor extends Executor {
  /** Milliseconds from spawning qemu to the agent's first answer. */
  readonly bootMs: number;
  /** The guest's `uname -r`. */
  readonly release: string;
  /** Path of the guest console log (kernel messages, init output). */
  readonly consoleLog: string;
  /** Process id of qemu itself (for diagnostics and leak checks). */
  readonly pid: number;
  /** Powers the guest off and makes sure qemu is gone. Idempotent. */
  close(): Promise<void>;
}

const QBOOT = "/usr/share/qemu/qboot.rom";
const KEEP_LOGS = 20;
let vmCounter = 0;

/** Inputs of {@link qemuArgs} (see {@link QemuExecutorOptions} for their meaning). */
export interface QemuArgsInput {
  /** Kernel image. */
  readonly kernel: string;
  /** Initramfs. */
  readonly initrd: string;
  /** Accelerator. */
  readonly accel: "tcg" | "kvm";
  /** Guest memory in MiB. */
  readonly memoryMb: number;
  /** Agent transport. */
  readonly channel: "serial" | "virtio";
  /** Unix socket path of the agent chardev. */
  readonly socket: string;
  /** Where qemu writes its pid. */
  readonly pidfile: string;
  /** Console (ttyS0) log file. */
  readonly consoleLog: string;
  /** Firmware, `null` for qemu's default. */
  readonly bios: string | null;
  /** Extra kernel command line words. */
  readonly append: string;
  /** Extra qemu arguments. */
  readonly extra: readonly string[];
}

/**
 * The qemu argv (without the binary) for a boot: no NIC and no default devices (nothing can leave
 * the machine), the console on ttyS0 into a file, the agent port on a Unix socket.
 *
 * @example
 * ```ts
 * qemuArgs({ ...input, channel: "virtio" }).includes("virtserialport,chardev=agent,name=underlay.agent"); // true
 * ```
 */
export function qemuArgs(o: QemuArgsInput): string[] {
  const agentDev = o.channel === "serial" ? "/dev/ttyS1" : "/dev/vport0p1";
  // norandmaps: fixed guest addresses let TCG reuse its translations across execs (ip: 40 → 14 ms).
  const cmdline = `console=ttyS0 quiet panic=-1 norandmaps underlay.agent=${agentDev}${o.append === "" ? "" : ` ${o.append}`}`;
  return [
    ...["-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none", "-nic", "none"],
    ...["-machine", "pc", "-accel", o.accel, "-m", String(o.memoryMb), "-smp", "1", "-no-reboot"],
    ...(o.bios === null ? [] : ["-bios", o.bios]),
    ...["-kernel", o.kernel, "-initrd", o.initrd, "-append", cmdline],
    ...["-serial", `file:${o.consoleLog}`, "-pidfile", o.pidfile],
    ...["-chardev", `socket,id=agent,path=${o.socket},server=on,wait=on`],
    ...(o.channel === "serial"
      ? ["-serial", "chardev:agent"]
      : ["-device", "virtio-serial-pci", "-device", "virtserialport,chardev=agent,name=underlay.agent"]),
    ...o.extra,
  ];
}

// Runs qemu and kills it (SIGKILL) as soon as our end of the watchdog's stdin closes — which the
// OS does for us whenever this process dies, however it dies — then removes the socket directory.
// (Its own stderr goes to /dev/null once qemu runs: a "Killed" notice into our closed pipe would
// SIGPIPE it before the cleanup.)
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null 3<&- &
q=$!
( while read -r _; do :; done; kill -KILL "$q" 2>/dev/null ) <&3 &
w=$!
exec 3<&- 2>/dev/null
wait "$q"
rc=$?
kill "$w" 2>/dev/null
rm -rf -- "$UNDERLAY_QEMU_DIR"
exit "$rc"`;

function tail(text: string, lines = 25): string {
  return text.split("\n").slice(-lines).join("\n").trim();
}

const NOTABLE = /Kernel panic|Initramfs unpacking failed|unable to|not syncing|underlay-init: .*failed|agent exited/i;

/**
 * The console lines that explain a failed boot (kernel panic, initramfs errors, init failures).
 *
 * @example
 * ```ts
 * consoleDiagnosis("[1.6] Kernel panic - not syncing: VFS: Unable to mount root fs\n"); // ["[1.6] Kernel panic - …"]
 * ```
 */
export function consoleDiagnosis(log: string): string[] {
  return log.split("\n").filter((l) => NOTABLE.test(l)).slice(0, 5).map((l) => l.trim());
}

function readTail(path: string): string {
  try {
    return tail(readFileSync(path, "utf8")) || "(empty)";
  } catch {
    return "(no console output)";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}


function pruneLogs(dir: string): void {
  try {
    const logs = readdirSync(dir)
      .filter((f) => f.startsWith("console-") && f.endsWith(".log"))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of logs.slice(KEEP_LOGS)) rmSync(join(dir, old.f), { force: true });
  } catch {
    /* logs are a convenience */
  }
}

/** A spawned qemu under its watchdog. */
interface QemuProcess {
  readonly child: ChildProcess;
  /** Set when the watchdog (and so qemu) has exited. */
  exited(): boolean;
  /** qemu's stderr, last lines. */
  stderr(): string;
  /** Resolves with the spawn error, if spawning fails. */
  readonly spawnError: Promise<Error>;
}

function spawnQemu(qemu: string, args: readonly string[], dir: string): QemuProcess {
  const child = spawn("sh", ["-c", WATCHDOG, qemu, ...args], {
    stdio: ["pipe", "ignore", "pipe"],
    env: { ...process.env, UNDERLAY_QEMU_DIR: dir },
  });
  let stderr = "";
  let exited = false;
  child.stderr?.on("data", (b: Buffer) => {
    stderr = tail(stderr + b.toString("utf8"), 40);
  });
  child.on("exit", () => {
    exited = true;
  });
  child.stdin?.on("error", () => {
    /* the watchdog is gone; its exit is reported elsewhere */
  });
  const spawnError = new Promise<Error>((resolve) => child.on("error", resolve));
  return { child, exited: () => exited, stderr: () => stderr, spawnError };
}

async function connectAgent(socket: string, proc: QemuProcess): Promise<Socket | Error> {
  // qemu makes the socket (wait=on: the guest starts once we are connected). The file appears at
  // bind(), a moment before listen(): retry refusals briefly.
  const made = await Promise.race([waitFor(() => existsSync(socket) || proc.exited(), 15_000), proc.spawnError]);
  if (made instanceof Error) return made;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(socket, () => resolve(s));
        s.once("error", reject);
      });
    } catch (e) {
      if (Date.now() > deadline || proc.exited()) return e instanceof Error ? e : new Error(String(e));
      await sleep(10);
    }
  }
}

/**
 * Boots a guest and returns an executor that runs commands in it, one at a time (concurrent calls
 * queue). Rejects with `EXEC` when the assets are missing, qemu cannot start, or the guest does
 * not answer in time (with qemu's stderr and the console log's tail in the message).
 *
 * @example
 * ```ts
 * const vm = await qemuExecutor();            // 2–5 s under TCG
 * const r = await vm.run({ netns: null, argv: ["ip", "link", "add", "d0", "type", "dummy"] });
 * await vm.close();
 * ```
 */
export async function qemuExecutor(options: QemuExecutorOptions = {}): Promise<QemuExecutor> {
  const dir = kernelLabDir();
  const kernel = options.kernel ?? join(dir, "kernel");
  const initrd = options.initrd ?? join(dir, "initrd.img");
  for (const [what, path] of [["kernel", kernel], ["initrd", initrd]] as const) {
    if (!existsSync(path)) {
      throw new UnderlayError(
        "EXEC",
        `qemu executor: ${what} ${path} does not exist — run \`bun tasks/kernel-lab/index.ts prepare\` or pass options.${what}`,
      );
    }
  }
  const accel = options.accel ?? (process.env.UNDERLAY_QEMU_ACCEL === "kvm" ? "kvm" : "tcg");
  const bootTimeoutMs = options.bootTimeoutMs ?? 120_000;
  const timeoutMs = options.commandTimeoutMs ?? 0;
  let consoleLog = options.consoleLog;
  if (consoleLog === undefined) {
    mkdirSync(join(dir, "logs"), { recursive: true });
    pruneLogs(join(dir, "logs"));
    consoleLog = join(dir, "logs", `console-${process.pid}-${++vmCounter}.log`);
  }
  const log = consoleLog;
  const sockDir = mkdtempSync(join(tmpdir(), "underlay-qemu-"));
  const socket = join(sockDir, "agent.sock");
  const pidfile = join(sockDir, "qemu.pid");
  const args = qemuArgs({
    kernel, initrd, accel, socket, pidfile, consoleLog: log,
    memoryMb: options.memoryMb ?? 512,
    channel: options.channel ?? "virtio",
    bios: options.bios === undefined ? (existsSync(QBOOT) ? QBOOT : null) : options.bios,
    append: options.append ?? "",
    extra: options.extraQemuArgs ?? [],
  });

  const started = performance.now();
  const proc = spawnQemu(options.qemu ?? "qemu-system-x86_64", args, sockDir);
  let sock: Socket | null = null;
  let pid = 0;
  const removeSockDir = () => rmSync(sockDir, { recursive: true, force: true });
  process.once("exit", removeSockDir);
  const hardKill = (): void => {
    sock?.destroy();
    proc.child.stdin?.destroy(); // the watchdog kills qemu
    if (!proc.exited()) proc.child.kill("SIGKILL");
    if (pid > 0 && pidAlive(pid)) process.kill(pid, "SIGKILL");
    removeSockDir();
    process.removeListener("exit", removeSockDir);
  };
  const failure = (what: string, cause?: unknown): UnderlayError => {
    hardKill();
    let consoleText = "";
    try {
      consoleText = readFileSync(log, "utf8");
    } catch {
      /* no console output at all */
    }
    const notable = consoleDiagnosis(consoleText);
    const kvmHint = accel === "kvm" ? "; try UNDERLAY_QEMU_ACCEL=tcg (KVM hangs on some machines)" : "";
    const stderr = proc.stderr().split("\n").filter((l) => !l.includes("QEMU waiting for connection")).join("\n").trim();
    return new UnderlayError(
      "EXEC",
      `qemu guest ${what}${notable.length > 0 ? `: ${notable.join(" / ")}` : ""} — check the console log ${log}${kvmHint}, ` +
        `and that ${kernel} and ${initrd} come from \`bun tasks/kernel-lab/index.ts prepare\`.\n` +
        `qemu stderr:\n${stderr || "(empty)"}\nconsole log tail:\n${tail(consoleText) || "(empty)"}`,
      { cause },
    );
  };

  const connected = await connectAgent(socket, proc);
  if (connected instanceof Error) throw failure(`did not start or made no agent socket (${connected.message})`, connected);
  if (proc.exited()) throw failure("exited before its agent socket was ready");
  sock = connected;
  const session = agentSession(connected, log);
  const boot: { ready: { release: string } | Error | null } = { ready: null };
  void session.ready.then((r) => (boot.ready = r));
  await waitFor(() => boot.ready !== null || proc.exited(), bootTimeoutMs, 20);
  const ready = boot.ready;
  if (ready === null) {
    throw failure(proc.exited() ? "exited before its agent answered" : `did not boot within ${Math.round(bootTimeoutMs / 1000)} s (${accel})`);
  }
  if (ready instanceof Error) throw failure("stopped before its agent answered", ready);
  const bootMs = Math.round(performance.now() - started);
  pid = Number(readFileSync(pidfile, "utf8").trim());

  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  const runOne = async (command: Command): Promise<ExecResult> => {
    if (closed) throw new UnderlayError("EXEC", "qemu executor is closed — boot a new one with qemuExecutor()");
    const extra = (["env", "cwd", "timeoutMs"] as const).filter((k) => command[k] !== undefined);
    if (extra.length > 0) {
      throw new UnderlayError("EXEC", `the qemu guest agent runs argv and input only, but received ${extra.join(", ")} for ${command.argv.join(" ")} — run the program through env/sh inside the guest, or use the local executor`);
    }
    options.onCommand?.(command);
    const event = await session.request(command, timeoutMs);
    if (event.type === "not-found") {
      throw new UnderlayError(
        "EXEC",
        `cannot run ${command.argv[0]} in the qemu guest: not found — the guest has busybox applets and iproute2's ip; ` +
          `add the program to tasks/kernel-lab/initramfs.ts`,
      );
    }
    return { code: event.code, stdout: event.stdout, stderr: event.stderr };
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await chain;
    if (!proc.exited()) {
      await session.quit(3000);
      await waitFor(() => proc.exited(), 5000, 20);
    }
    hardKill();
    await waitFor(() => proc.exited() && !pidAlive(pid), 5000, 20);
  };
  return iproute2Executor({
    name: "qemu",
    bootMs,
    release: ready.release,
    consoleLog: log,
    pid,
    run(command: Command): Promise<ExecResult> {
      const result = chain.then(() => runOne(command));
      chain = result.catch(() => undefined);
      return result;
    },
    close,
  });
}

/** The agent conversation over a connected socket: one request in flight at a time. */
interface AgentSession {
  /** Resolves at the agent's READY (or with the error that closed the port first). */
  readonly ready: Promise<{ release: string } | Error>;
  /** Sends one command and resolves with its result or not-found answer. */
  request(command: Command, timeoutMs: number): Promise<Extract<AgentEvent, { type: "result" | "not-found" }>>;
  /** Asks the guest to power off; resolves at its goodbye or after `waitMs`. */
  quit(waitMs: number): Promise<void>;
}

function agentSession(sock: Socket, consoleLog: string): AgentSession {
  type Pending = { id: number; resolve: (e: AgentEvent) => void; reject: (e: Error) => void };
  let pending: Pending | null = null;
  let broken: Error | null = null;
  let nextId = 1;
  let onReady: (r: { release: string } | Error) => void = () => {};
  const ready = new Promise<{ release: string } | Error>((resolve) => (onReady = resolve));
  let booted = false;
  const fail = (error: Error): void => {
    broken ??= error;
    onReady(broken);
    const p = pending;
    pending = null;
    p?.reject(broken);
  };
  sock.on(
    "data",
    agentParser((event) => {
      if (event.type === "ready") {
        if (!booted) {
          booted = true;
          onReady({ release: event.release });
        } else fail(new UnderlayError("EXEC", `the qemu guest agent restarted (console log: ${consoleLog}):\n${readTail(consoleLog)}`));
        return;
      }
      const p = pending;
      if (p === null) return;
      if ("id" in event && event.id !== p.id) {
        fail(new UnderlayError("EXEC", `qemu guest agent answered request ${event.id} while ${p.id} was pending — the session is out of step`));
        return;
      }
      pending = null;
      p.resolve(event);
    }),
  );
  sock.on("error", (e) => fail(new UnderlayError("EXEC", `qemu agent socket failed: ${e.message}`, { cause: e })));
  sock.on("close", () => fail(new UnderlayError("EXEC", `the qemu guest went away (console log: ${consoleLog}):\n${readTail(consoleLog)}`)));
  const send = (payload: Uint8Array | string, id: number): Promise<AgentEvent> =>
    new Promise<AgentEvent>((resolve, reject) => {
      if (broken !== null) return reject(broken);
      pending = { id, resolve, reject };
      sock.write(payload);
    });
  return {
    ready,
    async request(command, timeoutMs) {
      const id = nextId++;
      const answer = send(encodeAgentRequest(id, command, timeoutMs / 1000), id);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const event =
        timeoutMs > 0
          ? await Promise.race([
              answer,
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                  const e = new UnderlayError("EXEC", `the qemu guest did not answer ${command.argv.join(" ")} within ${timeoutMs / 1000 + 10} s`);
                  fail(e);
                  reject(e);
                }, timeoutMs + 10_000);
              }),
            ]).finally(() => clearTimeout(timer))
          : await answer;
      if (event.type !== "result" && event.type !== "not-found") {
        throw new UnderlayError("EXEC", `qemu guest agent sent ${event.type} instead of a result`);
      }
      return event;
    },
    async quit(waitMs) {
      if (broken !== null) return;
      const id = nextId++;
      await Promise.race([send(`Q ${id}\n`, id).catch(() => undefined), sleep(waitMs)]);
    },
  };
}
