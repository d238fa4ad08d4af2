/**
 * Programs in the endpoints of a lab that is up, on the real kernel: endpoint lookup (addresses
 * per family, without prefix), `exec` (exit code, output, input, env, cwd, timeout), `spawn` with
 * each ready condition — a TCP port listening in *that* endpoint, a UDP port, a line, a function
 * — and the errors, carrying the program's output, when it exits first or never gets ready; an
 * HTTP and a UDP exchange between endpoints; `kill` escalating to SIGKILL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lab, net, UnderlayError, type UpResult } from "../../../sdk/index.ts";
import { findNetnsProcesses } from "../../../sdk/executor/netns-processes.ts";
import { rejection, thrown } from "../../support/errors.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";
import { httpGet, httpServer, udpAsk, udpEcho } from "../../support/programs.ts";

const name = uniqueName("lp");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-live-"));
const pub = net.macvlan("pub").parent("eth0").subnet("10.77.0.0/24").subnet("2001:db8:77::/64");

describe.runIf(requireRoot("programs in endpoints"))("programs in the endpoints of a lab that is up", () => {
  let live: UpResult;

  beforeAll(async () => {
    live = await lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub, { ip: ["10.77.0.10", "2001:db8:77::10"] }).endpoint("cli", pub).up({ stateDir, handleSignals: false });
  });

  afterAll(async () => {
    await live?.down();
    const left = removeNetnsWithPrefix(name);
    rmSync(stateDir, { recursive: true, force: true });
    expect(left, "left behind").toEqual([]);
  });

  it("looks endpoints up by name, with addresses per family and without prefix length", () => {
    const web = live.endpoint("web");
    expect(web.netns).toBe(`${name}-web`);
    expect(web.ipv4).toEqual(["10.77.0.10"]);
    expect(web.ipv6).toEqual(["2001:db8:77::10"]);
    expect(web.interfaces.map((i) => [i.name, i.network, i.cidrs])).toEqual([["eth0", "pub", ["10.77.0.10/24", "2001:db8:77::10/64"]]]);
    const e = thrown(() => live.endpoint("wbe"));
    expect(e.code).toBe("USAGE");
    expect(e.message).toBe(`lab ${name} has no endpoint "wbe" — expected one of web, cli`);
  });

  it("exec runs a program in the endpoint's namespace and returns code and output, whatever the code", async () => {
    const addr = await live.exec("web", ["ip", "-br", "-4", "addr", "show", "dev", "eth0"]);
    expect(addr.code).toBe(0);
    expect(addr.stdout).toContain("10.77.0.10/24");
    const failed = await live.exec("cli", ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(failed).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("exec passes input, env and cwd", async () => {
    const r = await live.exec("cli", ["sh", "-c", 'read line; echo "$line $GREETING $(pwd)"'], { input: "hi\n", env: { GREETING: "there" }, cwd: "/tmp" });
    expect(r.stdout).toBe("hi there /tmp\n");
  });

  it("exec stops a program that outlives its timeout and rejects with TIMEOUT and the output so far", async () => {
    const e = await rejection(live.exec("cli", ["sh", "-c", "echo started; exec sleep 30"], { timeoutMs: 300 }));
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toBe(`cli: sh -c "echo started; exec sleep 30" did not finish within 300 ms — stopped it; its output so far:\n  | started`);
  });

  it("spawn with ready { tcp } resolves once the port listens in that endpoint; a client in another endpoint gets the page", async () => {
    await using server = await live.spawn("web", httpServer(8080, "web"), { ready: { tcp: 8080 } });
    expect(server.exit).toBeNull();
    const r = await live.exec("cli", httpGet("http://10.77.0.10:8080/x"));
    expect(r.stdout).toBe("200 hello from web /x\n");
    const v6 = await live.exec("cli", httpGet("http://[2001:db8:77::10]:8080/six"));
    expect(v6.stdout).toBe("200 hello from web /six\n");
  });

  it("spawn with ready { udp } resolves once the port is bound; a UDP client in another endpoint gets its echo", async () => {
    await using echo = await live.spawn("web", udpEcho(9000), { ready: { udp: 9000 } });
    const r = await live.exec("cli", udpAsk("10.77.0.10", 9000, "ping"));
    expect(r).toMatchObject({ code: 0, stdout: "echo:ping\n" });
    expect(echo.output()).toBe("bound\n");
  });

  it("a port listening in another endpoint does not make a program ready", async () => {
    await using other = await live.spawn("cli", httpServer(8081, "cli"), { ready: { tcp: 8081 } });
    const e = await rejection(live.spawn("web", ["sleep", "30"], { ready: { tcp: 8081 }, readyTimeoutMs: 300 }));
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toBe("web: sleep 30 was not ready within 300 ms (waiting for TCP port 8081 to listen in web) — stopped it; its output:\n  (no output)");
    expect(other.exit).toBeNull();
  });

  it("spawn with ready { line } and with a function; waitForLine; output keeps both streams", async () => {
    await using p = await live.spawn("web", ["sh", "-c", "echo one; echo two >&2; echo ready now; exec sleep 30"], { ready: { line: /^ready/ } });
    // Both streams in the order their chunks arrived (two pipes: which one is read first is the event loop's choice).
    expect(p.output().split("\n").sort()).toEqual(["", "one", "ready now", "two"]);
    expect(p.output("stdout")).toBe("one\nready now\n");
    expect(p.output("stderr")).toBe("two\n");
    expect(await p.waitForLine("now")).toBe("ready now");
    let polls = 0;
    await using q = await live.spawn("web", ["sleep", "30"], { ready: () => ++polls >= 3 });
    expect(polls).toBe(3);
    expect(q.exit).toBeNull();
  });

  it("a program that exits before it is ready: EXEC with its exit code and output", async () => {
    const e = await rejection(live.spawn("web", ["sh", "-c", "echo cannot bind >&2; exit 2"], { ready: { tcp: 8082 } }));
    expect(e.code).toBe("EXEC");
    expect(e.message).toBe('web: sh -c "echo cannot bind >&2; exit 2" exited (code 2) before it was ready (waiting for TCP port 8082 to listen in web) — its output:\n  | cannot bind');
  });

  it("a program that never gets ready is stopped, and the error says what it waited for and what it printed", async () => {
    const e = await rejection(live.spawn("web", ["sh", "-c", "echo warming up; exec sleep 30"], { ready: { line: "ready" }, readyTimeoutMs: 300 }));
    expect(e).toBeInstanceOf(UnderlayError);
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toBe('web: sh -c "echo warming up; exec sleep 30" was not ready within 300 ms (waiting for a line of output matching ready) — stopped it; its output:\n  | warming up');
    expect(findNetnsProcesses([`${name}-web`])).toEqual([]);
  });

  it("kill sends SIGTERM, then SIGKILL to a program that ignores it", async () => {
    const p = await live.spawn("web", ["sh", "-c", "trap '' TERM; echo armed; while :; do sleep 1; done"], { ready: { line: "armed" } });
    const exit = await p.kill("SIGTERM", 200);
    expect(exit).toEqual({ code: null, signal: "SIGKILL" });
    const q = await live.spawn("web", ["sleep", "30"]);
    expect(await q.kill()).toEqual({ code: null, signal: "SIGTERM" });
  });
});
