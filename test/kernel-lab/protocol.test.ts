/**
 * The qemu executor's agent protocol, without a guest: request encoding, the streaming answer
 * parser, qemu's argv, and — with the host's own busybox ash, the shell the guest runs — that the
 * agent's `dec` really inverts `encodeAgentArg` for any string.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentParser, encodeAgentArg, encodeAgentRequest, type AgentEvent } from "../../sdk/executor/qemu/agent-protocol.ts";
import { qemuAgentScript } from "../../sdk/executor/qemu/agent-script.ts";
import { consoleDiagnosis } from "../../sdk/executor/qemu/console-log.ts";
import { kernelLabDir } from "../../sdk/executor/qemu/kernel-lab-dir.ts";
import { qemuArgs } from "../../sdk/executor/qemu/qemu-args.ts";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

describe("encodeAgentArg / encodeAgentRequest", () => {
  it("escapes only %, LF and CR", () => {
    expect(encodeAgentArg("plain 'quoted' \"x\" $y `z`")).toBe("plain 'quoted' \"x\" $y `z`");
    expect(encodeAgentArg("50%\nok\r")).toBe("50%25%0Aok%0D");
    expect(encodeAgentArg("%0A")).toBe("%250A");
  });

  it("renders a header, the netns, one line per argv element, then the raw stdin bytes", () => {
    expect(text(encodeAgentRequest(7, { netns: null, argv: ["ip", "-json", "link"] }, 0))).toBe("C 7 3 0 0 0\nip\n-json\nlink\n");
    expect(text(encodeAgentRequest(8, { netns: "ns a", argv: ["cat"], input: "ü\n" }, 2.5))).toBe("C 8 1 1 3 3\nns a\ncat\nü\n");
    expect(text(encodeAgentRequest(9, { netns: null, argv: ["printf", "%s", ""] }, 0))).toBe("C 9 3 0 0 0\nprintf\n%25s\n\n");
  });

  it("refuses an empty argv and NUL bytes, naming the offending field", () => {
    expect(() => encodeAgentRequest(1, { netns: null, argv: [] }, 0)).toThrow(/argv must name a program/);
    expect(() => encodeAgentRequest(1, { netns: null, argv: ["echo", "a\0b"] }, 0)).toThrow(/argv\[1\] contains a NUL/);
    expect(() => encodeAgentRequest(1, { netns: "x\0", argv: ["true"] }, 0)).toThrow(/netns name contains a NUL/);
  });
});

describe("agentParser", () => {
  const answer =
    "boot noise\n\x02READY 6.1.0-56-amd64\n" +
    `\x02O 1\n${Buffer.from("out\n").toString("base64")}\n\x02E 1\n${Buffer.from("err ü").toString("base64")}\n\x02R 1 3\n` +
    "\x02N 2\n\x02O 3\n\x02E 3\n\x02R 3 0\n\x02P 4\n\x02BYE 5\n";
  const expected: AgentEvent[] = [
    { type: "ready", release: "6.1.0-56-amd64" },
    { type: "result", id: 1, code: 3, stdout: "out\n", stderr: "err ü" },
    { type: "not-found", id: 2 },
    { type: "result", id: 3, code: 0, stdout: "", stderr: "" },
    { type: "pong", id: 4 },
    { type: "bye" },
  ];

  it("turns frames into events and ignores lines outside them", () => {
    const events: AgentEvent[] = [];
    agentParser((e) => events.push(e))(Buffer.from(answer));
    expect(events).toEqual(expected);
  });

  it("gives the same events however the bytes are split into chunks", () => {
    const bytes = Buffer.from(answer);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const events: AgentEvent[] = [];
        const feed = agentParser((e) => events.push(e));
        let at = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          feed(bytes.subarray(at, cut));
          at = cut;
        }
        feed(bytes.subarray(at));
        expect(events).toEqual(expected);
      }),
    );
  });

  it("decodes multi-line base64 (busybox wraps at 76 columns)", () => {
    const long = "x".repeat(500);
    const wrapped = Buffer.from(long).toString("base64").replace(/(.{76})/g, "$1\n");
    const events: AgentEvent[] = [];
    agentParser((e) => events.push(e))(Buffer.from(`\x02O 1\n${wrapped}\n\x02E 1\n\x02R 1 0\n`));
    expect(events).toEqual([{ type: "result", id: 1, code: 0, stdout: long, stderr: "" }]);
  });
});

// The agent runs in busybox ash; check its decoder with the same shell on the host.
const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((p) => existsSync(p));

describe.runIf(busybox !== undefined)("the agent's decoder, run by busybox ash", () => {
  const prelude = qemuAgentScript
    .split("\n")
    .filter((l) => /^(nl=|'$|cr=|dec\(\))/.test(l))
    .join("\n");

  it("inverts encodeAgentArg for any string without NUL", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")), { minLength: 1, maxLength: 30 }), (args) => {
        const script = `${prelude}\nwhile IFS= read -r v; do dec; printf '%s\\0' "$v"; done`;
        const input = args.map((a) => `${encodeAgentArg(a)}\n`).join("");
        const r = spawnSync(busybox as string, ["sh", "-c", script], { input, encoding: "utf8" });
        expect(r.status).toBe(0);
        expect(r.stdout.split("\0").slice(0, -1)).toEqual(args);
      }),
      { numRuns: 60 },
    );
  });

  it("parses as a shell script", () => {
    const r = spawnSync(busybox as string, ["sh", "-n", "-c", qemuAgentScript], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("qemuArgs", () => {
  const base = {
    kernel: "/k", initrd: "/i", accel: "tcg", memoryMb: 512, socket: "/s.sock", pidfile: "/q.pid",
    consoleLog: "/c.log", bios: null, append: "", extra: [],
  } as const;

  it("boots with no NIC and no default devices, the console into a file and the agent on a socket", () => {
    const args = qemuArgs({ ...base, channel: "virtio" });
    for (const flag of ["-nodefaults", "-no-reboot", "-kernel", "-initrd"]) expect(args).toContain(flag);
    expect(args.join(" ")).toContain("-nic none");
    expect(args.join(" ")).toContain("-serial file:/c.log");
    expect(args.join(" ")).toContain("-chardev socket,id=agent,path=/s.sock,server=on,wait=on");
    expect(args.join(" ")).toContain("-device virtserialport,chardev=agent");
    expect(args[args.indexOf("-append") + 1]).toBe("console=ttyS0 quiet panic=-1 norandmaps underlay.agent=/dev/vport0p1");
    expect(args.join(" ")).toContain("-accel tcg");
  });

  it("puts the agent on ttyS1 for the serial channel, and adds bios, append and extra args", () => {
    const args = qemuArgs({ ...base, channel: "serial", bios: "/qboot.rom", append: "loglevel=7", extra: ["-cpu", "max"], accel: "kvm" });
    expect(args.join(" ")).toContain("-serial chardev:agent");
    expect(args[args.indexOf("-append") + 1]).toMatch(/underlay\.agent=\/dev\/ttyS1 loglevel=7$/);
    expect(args.join(" ")).toContain("-bios /qboot.rom");
    expect(args.join(" ")).toContain("-accel kvm");
    expect(args.slice(-2)).toEqual(["-cpu", "max"]);
  });
});

describe("kernelLabDir / consoleDiagnosis", () => {
  it("lives under XDG_CACHE_HOME, else ~/.cache", () => {
    expect(kernelLabDir({ XDG_CACHE_HOME: "/var/cache/me", HOME: "/home/x" })).toBe("/var/cache/me/underlay/kernel-lab");
    expect(kernelLabDir({ XDG_CACHE_HOME: "", HOME: "/home/x" })).toBe("/home/x/.cache/underlay/kernel-lab");
  });

  it("picks the lines that explain a failed boot", () => {
    const log = "[0.1] Linux version 6.1\n[0.7] Initramfs unpacking failed: invalid magic\n[1.1] Kernel panic - not syncing: VFS\n[1.2] Call Trace:\n";
    expect(consoleDiagnosis(log)).toEqual(["[0.7] Initramfs unpacking failed: invalid magic", "[1.1] Kernel panic - not syncing: VFS"]);
  });
});
