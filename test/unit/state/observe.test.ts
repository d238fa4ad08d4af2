/**
 * observe()'s orchestration — which processes it starts, how many at once, how it treats absent
 * namespaces and failures — with a recording executor that answers from the captured fixtures.
 * The real-kernel behaviour is covered by test/integration/state/observe.test.ts.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { recordingExecutor } from "../../../sdk/executor/recording.ts";
import type { ExecResult } from "../../../sdk/executor/types.ts";
import type { Command } from "../../../sdk/executor/types.ts";
import { observe } from "../../../sdk/state/observe.ts";
import { readFiles } from "../../../sdk/state/read-files.ts";
import { batch, fixture } from "./fixtures.ts";

const ok = (stdout: string, stderr = ""): ExecResult => ({ code: 0, stdout, stderr });
const line = (c: Command): string => `${c.netns ?? "-"} ${c.argv.join(" ")}`;

/** Answers like this machine did for the fx sandbox; `fx-gone` is listed but vanishes before it is read. */
function machine(extra: (c: Command) => ExecResult | undefined = () => undefined): (c: Command) => ExecResult | Promise<ExecResult> {
  return (c) => {
    const special = extra(c);
    if (special !== undefined) return special;
    const cmd = c.argv.join(" ");
    if (cmd === "ip -json netns list") return ok('[{"name":"fx-b"},{"name":"fx-h"},{"name":"fx-a"},{"name":"fx-gone"}]\n');
    if (cmd === "ip -json -details -batch -") {
      if (c.netns === "fx-gone") return { code: 1, stdout: "", stderr: "nsenter: cannot open /run/netns/fx-gone: No such file or directory\n" };
      return ok(c.netns === "fx-h" ? batch.host : c.netns === "fx-a" ? batch.endpoint : batch.bare);
    }
    if (c.argv[0] === "sysctl") return { code: 255, stdout: fixture("endpoint.sysctl.txt"), stderr: "sysctl: cannot stat /proc/sys/net/nope: No such file or directory\n" };
    throw new Error(`unexpected command ${line(c)}`);
  };
}

describe("observe", () => {
  it("starts one process for the namespace list and one per existing namespace", async () => {
    const rec = recordingExecutor(machine());
    const state = await observe(rec, [null, "fx-h", "fx-a", "fx-a", "fx-missing"]);
    expect(rec.commands.map(line)).toEqual([
      "- ip -json netns list",
      "- ip -json -details -batch -",
      "fx-h ip -json -details -batch -",
      "fx-a ip -json -details -batch -",
    ]);
    expect([...state.netns]).toEqual(["fx-b", "fx-h", "fx-a", "fx-gone"]);
    expect([...state.namespaces.keys()]).toEqual([null, "fx-h", "fx-a", "fx-missing"]);
    expect(state.namespaces.get("fx-missing")).toEqual({ name: "fx-missing", exists: false, links: [], addrs: [], routes: [], sysctl: {} });
    expect(state.namespaces.get("fx-a")?.links.map((l) => l.name)).toEqual(["lo", "eth0"]);
    expect(state.namespaces.get("fx-a")?.raw).toBeUndefined();
    expect(state.files.size).toBe(0);
  });

  it("reports a namespace deleted after it was listed as absent", async () => {
    const state = await observe(recordingExecutor(machine()), ["fx-gone"]);
    expect(state.namespaces.get("fx-gone")?.exists).toBe(false);
  });

  it("reads sysctls with one call per namespace, the same keys or keys per namespace", async () => {
    const rec = recordingExecutor(machine());
    const keys = ["net.ipv6.conf.all.accept_ra", "net/ipv6/conf/eth0/disable_ipv6", "net.ipv4.ip_forward", "net.nope"];
    const state = await observe(rec, ["fx-a"], { sysctl: keys });
    expect(rec.commands.map(line)).toContain(`fx-a sysctl ${keys.join(" ")}`);
    expect(state.namespaces.get("fx-a")?.sysctl).toEqual({ "net.ipv6.conf.all.accept_ra": "1", "net.ipv6.conf.eth0.disable_ipv6": "0", "net.ipv4.ip_forward": "0" });

    const per = recordingExecutor(machine());
    await observe(per, ["fx-a", "fx-b"], { sysctl: new Map([["fx-b", ["net.ipv4.ip_forward"]]]) });
    expect(per.commands.filter((c) => c.argv[0] === "sysctl").map(line)).toEqual(["fx-b sysctl net.ipv4.ip_forward"]);
  });

  it("keeps at most `concurrency` namespaces in flight (default 2)", async () => {
    for (const [concurrency, expected] of [[undefined, 2], [1, 1], [3, 3]] as const) {
      let inFlight = 0;
      let max = 0;
      const names = Array.from({ length: 7 }, (_, i) => `fx-n${i}`);
      const rec = recordingExecutor(async (c) => {
        if (c.argv.includes("netns")) return ok(JSON.stringify(names.map((name) => ({ name }))));
        max = Math.max(max, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return ok(batch.bare);
      });
      const state = await observe(rec, names, concurrency === undefined ? {} : { concurrency });
      expect(max).toBe(expected);
      expect([...state.namespaces.keys()]).toEqual(names);
    }
  });

  it("hands the namespace reads to the executor's runMany when there are more namespaces than lanes", async () => {
    const rec = recordingExecutor(machine());
    const many: { commands: Command[]; concurrency: number }[] = [];
    const fanOut = {
      ...rec,
      async runMany(commands: readonly Command[], concurrency: number): Promise<ExecResult[]> {
        many.push({ commands: [...commands], concurrency });
        return Promise.all(commands.map((c) => rec.run(c)));
      },
    };
    const state = await observe(fanOut, ["fx-h", "fx-a", "fx-b", "fx-gone", "fx-missing"]);
    expect(many.map((m) => [m.commands.map((c) => c.netns), m.concurrency])).toEqual([[["fx-h", "fx-a", "fx-b", "fx-gone"], 2]]);
    expect([...state.namespaces.values()].map((n) => [n.name, n.exists])).toEqual([
      ["fx-h", true],
      ["fx-a", true],
      ["fx-b", true],
      ["fx-gone", false],
      ["fx-missing", false],
    ]);
    many.length = 0;
    await observe(fanOut, ["fx-h", "fx-a"]);
    expect(many).toEqual([]); // two namespaces, two lanes: plain runs are cheaper
  });

  it("keeps the raw answers when asked", async () => {
    const state = await observe(recordingExecutor(machine()), ["fx-a"], { raw: true });
    const raw = state.namespaces.get("fx-a")?.raw;
    const field = (xs: readonly unknown[] | undefined, key: string): unknown[] => (xs ?? []).map((x) => (x as Record<string, unknown>)[key]);
    // The endpoint fixture's whole answer, the local table's routes included.
    expect(field(raw?.links, "ifname")).toEqual(["lo", "eth0"]);
    expect(field(raw?.addrs, "ifname")).toEqual(["lo", "eth0"]);
    expect(field(raw?.routes4, "dst")).toEqual(["default", "10.0.0.0/24", "10.9.0.0/16", "10.0.0.2", "10.0.0.255", "127.0.0.0/8", "127.0.0.1", "127.255.255.255"]);
    expect(field(raw?.routes6, "dst")).toEqual(["fd00::/64", "fe80::/64", "default", "::1", "fd00::2", "ff00::/8"]);
  });

  it("skips the namespace list when given one", async () => {
    const rec = recordingExecutor(machine());
    await observe(rec, ["fx-a"], { netns: new Set(["fx-a"]) });
    expect(rec.commands.map(line)).toEqual(["fx-a ip -json -details -batch -"]);
  });

  it("fails with EXEC and the command's stderr when ip fails", async () => {
    const rec = recordingExecutor(machine((c) => (c.netns === "fx-h" && c.argv[0] === "ip" ? { code: 255, stdout: "", stderr: "Error: Operation not permitted\n" } : undefined)));
    const e = await observe(rec, ["fx-h"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnderlayError);
    expect((e as UnderlayError).code).toBe("EXEC");
    expect((e as UnderlayError).message).toBe(
      "reading namespace fx-h failed: ip -batch exited 255: Error: Operation not permitted — check iproute2 (≥ 5.0) and that you are root",
    );
  });

  it("rejects namespace names and sysctl keys that could escape their argument", async () => {
    await expect(observe(recordingExecutor(machine()), ["../etc"])).rejects.toThrow(/namespace name "..\/etc" is not valid/);
    await expect(observe(recordingExecutor(machine()), ["fx-a"], { sysctl: ["-w"] })).rejects.toThrow(/sysctl key "-w" is not a sysctl name/);
  });
});

describe("readFiles", () => {
  const disk = new Map<string, string>([
    ["/etc/netns/fx-a/hosts", "10.0.0.2 a\n"],
    ["/etc/netns/fx-b/hosts", "10.0.0.3 b — ünïcode\n"],
    ["/proc/sys/net/ipv4/ip_forward", "0\n"],
  ]);
  const bytes = (s: string): number => new TextEncoder().encode(s).length;
  const fs = (c: Command): ExecResult => {
    const paths = c.argv.slice(c.argv.indexOf("--") + 1);
    const found = paths.filter((p) => disk.has(p));
    const errors = paths.filter((p) => !disk.has(p)).map((p) => `${c.argv[0]}: cannot open '${p}': No such file or directory\n`).join("");
    const code = errors === "" ? 0 : 1;
    if (c.argv[0] === "stat") return { code, stdout: found.map((p) => `${p.startsWith("/proc") ? 0 : bytes(disk.get(p) ?? "")} ${p}\n`).join(""), stderr: errors };
    return { code, stdout: found.map((p) => disk.get(p)).join(""), stderr: errors };
  };

  it("reads any number of files with stat + one cat, missing ones as null", async () => {
    const rec = recordingExecutor(fs);
    const files = await readFiles(rec, ["/etc/netns/fx-a/hosts", "/etc/netns/fx-b/hosts", "/etc/netns/fx-c/hosts"]);
    expect(rec.commands.map((c) => c.argv[0])).toEqual(["stat", "cat"]);
    expect([...files]).toEqual([
      ["/etc/netns/fx-a/hosts", "10.0.0.2 a\n"],
      ["/etc/netns/fx-b/hosts", "10.0.0.3 b — ünïcode\n"],
      ["/etc/netns/fx-c/hosts", null],
    ]);
  });

  it("falls back to one cat per file when the sizes do not add up (/proc reports 0)", async () => {
    const rec = recordingExecutor(fs);
    const files = await readFiles(rec, ["/etc/netns/fx-a/hosts", "/proc/sys/net/ipv4/ip_forward"]);
    expect(rec.commands.map((c) => c.argv.join(" "))).toEqual([
      "stat -L -c %s %n -- /etc/netns/fx-a/hosts /proc/sys/net/ipv4/ip_forward",
      "cat -- /etc/netns/fx-a/hosts /proc/sys/net/ipv4/ip_forward",
      "cat -- /etc/netns/fx-a/hosts",
      "cat -- /proc/sys/net/ipv4/ip_forward",
    ]);
    expect(files.get("/proc/sys/net/ipv4/ip_forward")).toBe("0\n");
  });

  it("observe passes files through", async () => {
    const state = await observe(recordingExecutor((c) => (c.argv[0] === "ip" ? ok("[]") : fs(c))), [], { files: ["/etc/netns/fx-a/hosts"] });
    expect(state.files.get("/etc/netns/fx-a/hosts")).toBe("10.0.0.2 a\n");
  });
});
