/**
 * The CLI's pure pieces: the progress lines (plain, quiet, NDJSON, verbose commands), the
 * error → exit code table, and `--host`'s sandbox rebuild of a lab. No root, no subprocess.
 */
import { describe, expect, it } from "vitest";
import { lab, net, UnderlayError, type RunEvent } from "../../sdk/index.ts";
import { EXIT, exitCodeOf } from "../../tasks/cli/exit-codes.ts";
import { inSandbox } from "../../tasks/cli/load-lab.ts";
import { createDisplay, type DisplayMode } from "../../tasks/cli/progress.ts";

function render(mode: DisplayMode, events: readonly RunEvent[], verbose = false): string {
  let out = "";
  const d = createDisplay({ mode, verbose, write: (s) => (out += s) });
  for (const e of events) d.lab(e);
  d.command({ netns: "demo-web", argv: ["ip", "-batch", "-"], input: "link set lo up\n" });
  d.close();
  return out;
}

const run: RunEvent[] = [
  { type: "start", action: "up", lab: "demo", total: 41, inPlace: 0 },
  { type: "op-start", id: "netns:demo-web", index: 3, total: 41, summary: "create namespace demo-web", netns: null, argv: ["ip", "netns", "add", "demo-web"] },
  { type: "op-done", id: "netns:demo-web", index: 3, total: 41, summary: "create namespace demo-web", ms: 0.42 },
  { type: "op-failed", id: "link:demo-web:eth0", index: 4, total: 41, summary: "create macvlan eth0 in demo-web", stderr: "RTNETLINK answers: Operation not supported\nmore" },
  { type: "rollback-start", count: 1, reason: "step 4/41 failed" },
  { type: "op-undone", id: "netns:demo-web", summary: "create namespace demo-web", ms: 1.5 },
  { type: "rollback-done", ok: true, failed: [] },
];

describe("progress display", () => {
  it("plain: one line per step with its timing, failures and rollback", () => {
    expect(render("plain", run).split("\n")).toEqual([
      "lab demo: 41 steps to apply",
      "[ 3/41] ✓ create namespace demo-web  0.4 ms",
      "[ 4/41] ✗ create macvlan eth0 in demo-web: RTNETLINK answers: Operation not supported",
      "↺ rolling back 1 step (step 4/41 failed)",
      "  ↺ undo create namespace demo-web  1.5 ms",
      "↺ rollback complete: the system is as it was before",
      "",
    ]);
  });

  it("quiet: only what went wrong", () => {
    expect(render("quiet", run)).not.toContain("✓ create namespace");
    expect(render("quiet", run)).toContain("✗ create macvlan eth0");
  });

  it("json: every event as one JSON line", () => {
    const lines = render("json", run, true).trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual([...run.map((e) => e.type), "command"]);
  });

  it("verbose: each command with its namespace and stdin", () => {
    expect(render("plain", [], true)).toBe("    $ [netns demo-web] ip -batch -\n      | link set lo up\n");
    expect(render("plain", [], false)).toBe("");
  });

  it("down counts the steps undone", () => {
    const out = render("plain", [
      { type: "start", action: "down", lab: "demo", total: 37, inPlace: 0 },
      { type: "op-undone", id: "hosts", summary: "write hosts files for 3 endpoints", ms: 12 },
      { type: "op-undone", id: "netns:demo-db", summary: "create namespace demo-db", ms: 0.9 },
    ]);
    expect(out).toBe("lab demo: tearing down 37 owned steps\n[ 1] ↺ undo write hosts files for 3 endpoints  12 ms\n[ 2] ↺ undo create namespace demo-db  0.9 ms\n");
  });
});

describe("exit codes", () => {
  it("maps error codes: usage/validation 2, drift 3, signals 128+n, the rest 1", () => {
    expect(exitCodeOf(new UnderlayError("USAGE", "x"))).toBe(EXIT.USAGE);
    expect(exitCodeOf(new UnderlayError("INVALID_SPEC", "x"))).toBe(2);
    expect(exitCodeOf(new UnderlayError("DRIFT", "x"))).toBe(3);
    expect(exitCodeOf(new UnderlayError("STEP_FAILED", "x"))).toBe(1);
    expect(exitCodeOf(new UnderlayError("PREFLIGHT", "x"))).toBe(1);
    expect(exitCodeOf(new UnderlayError("ABORTED", "interrupted", { details: { signal: "SIGINT" } }))).toBe(130);
    expect(exitCodeOf(new UnderlayError("ABORTED", "received SIGTERM"))).toBe(143);
    expect(exitCodeOf(new Error("bug"))).toBe(1);
  });
});

describe("--host rebuilds a lab as a sandbox", () => {
  it("keeps endpoints, networks, static addresses, MACs and namespace names", () => {
    const pub = net.macvlan("pub").parent("eth0.50").subnet("192.168.50.0/24");
    const back = net.ipvlan("back").mode("l3").subnet("10.9.0.0/24");
    const original = lab("x")
      .endpoint("web", pub, { ip: "192.168.50.10", mac: "02:00:00:00:00:01" })
      .endpoint("web", back)
      .endpoint("db", pub, { netns: "custom-db" });
    const boxed = inSandbox(original, "x-host");
    expect(boxed.spec()).toEqual({ ...original.spec(), host: "x-host", sandbox: true });
    expect(boxed.plan().toJSON().ops.map((o) => o.id)).toContain("parent:eth0");
  });

  it("rejects a bad namespace name as a validation error", () => {
    expect(() => inSandbox(lab("x"), "a b")).toThrowError(/--host: the host namespace name must use only/);
  });
});
