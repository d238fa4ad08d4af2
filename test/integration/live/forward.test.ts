/**
 * Reaching services in endpoints from the test process itself, on the real kernel: `forward`
 * makes an endpoint's port reachable at 127.0.0.1 in the caller's namespace. HTTP with `fetch`
 * (IPv4 and IPv6 targets), a UDP echo, two labs with the same subnet side by side each reaching
 * its own server, and `close()`, `down()` or a signal stopping the helper, the local port and the
 * socket file.
 */
import { createSocket } from "node:dgram";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lab, net, type UpResult } from "../../../sdk/index.ts";
import { findNetnsProcesses, stopNetnsProcesses } from "../../../sdk/executor/netns-processes.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";
import { httpServer, udpEcho } from "../../support/programs.ts";

const prefix = uniqueName("lf");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-forward-"));
const pub = net.macvlan("pub").parent("eth0").subnet("10.76.0.0/24").subnet("2001:db8:76::/64");
const sandbox = (name: string) => lab(name, { host: `${name}-h`, sandbox: true }).endpoint("web", pub, { ip: ["10.76.0.10", "2001:db8:76::10"] });

/** The forwarders' socket files of this process. */
const sockets = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith(`underlay-fwd-${process.pid}-`));

function udpRoundTrip(port: number, text: string): Promise<string> {
  const s = createSocket("udp4");
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no UDP answer within 5 s")), 5000);
    s.on("message", (m) => {
      clearTimeout(timer);
      resolve(String(m));
    });
    s.send(text, port, "127.0.0.1");
  }).finally(() => s.close());
}

describe.runIf(requireRoot("forwarding to endpoints"))("forward: an endpoint's port at 127.0.0.1 in the test process", () => {
  let a: UpResult;
  let b: UpResult;

  beforeAll(async () => {
    [a, b] = await Promise.all([sandbox(`${prefix}a`).up({ stateDir, handleSignals: false }), sandbox(`${prefix}b`).up({ stateDir, handleSignals: false })]);
  });

  afterAll(async () => {
    await Promise.allSettled([a?.down(), b?.down()]);
    const left = removeNetnsWithPrefix(prefix);
    rmSync(stateDir, { recursive: true, force: true });
    expect(left, "left behind").toEqual([]);
  });

  it("fetch reaches an HTTP server in an endpoint; two labs with the same addresses each reach their own", async () => {
    await a.spawn("web", httpServer(8080, "lab a"), { ready: { tcp: 8080 } });
    await b.spawn("web", httpServer(8080, "lab b"), { ready: { tcp: 8080 } });
    await using fa = await a.forward("web", 8080);
    await using fb = await b.forward("web", 8080);
    expect(fa.target).toEqual({ endpoint: "web", host: "10.76.0.10", port: 8080 });
    expect(fa.port).not.toBe(fb.port);
    const [ra, rb] = await Promise.all([fetch(fa.url("/one")), fetch(fb.url("/two"))]);
    expect([ra.status, await ra.text()]).toEqual([200, "hello from lab a /one"]);
    expect([rb.status, await rb.text()]).toEqual([200, "hello from lab b /two"]);
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(fa.url(`/${i}`)).then((r) => r.text())));
    expect(many).toEqual(Array.from({ length: 20 }, (_, i) => `hello from lab a /${i}`));
  });

  it("forwards to an IPv6 target", async () => {
    await using f = await a.forward("web", 8080, { host: "2001:db8:76::10" });
    expect(await (await fetch(f.url("/v6"))).text()).toBe("hello from lab a /v6");
  });

  it("forwards UDP datagrams both ways", async () => {
    await a.spawn("web", udpEcho(9000), { ready: { udp: 9000 } });
    await using f = await a.forward("web", 9000, { protocol: "udp" });
    expect(f.protocol).toBe("udp");
    expect(await udpRoundTrip(f.port, "ping")).toBe("echo:ping");
    expect(await udpRoundTrip(f.port, "pong")).toBe("echo:pong");
  });

  it("close() stops the helper in the endpoint and the local port", async () => {
    const before = findNetnsProcesses([`${prefix}a-web`]).length;
    const f = await a.forward("web", 8080);
    expect(findNetnsProcesses([`${prefix}a-web`]).length).toBe(before + 1);
    await f.close();
    expect(findNetnsProcesses([`${prefix}a-web`]).length).toBe(before);
    await expect(fetch(f.url("/"))).rejects.toThrow();
    expect(sockets()).toEqual([]);
  });

  it("down closes forwards that are still open and reports only the lab's own programs as stopped", async () => {
    const f = await b.forward("web", 8080);
    const r = await b.down();
    // Another test's gc, reading every namespace of this shared machine through iproute2, may have
    // its `ip` in lab b's namespace at that moment: teardown stops it too; it is not the lab's.
    const foreign = (argv: readonly string[]) => /(^|\/)(ip|nsenter)$/.test(argv[0] ?? "") && argv.includes("-batch");
    expect(r.stopped.filter((p) => !foreign(p.argv)).map((p) => p.argv.slice(-2))).toEqual([["8080", "lab b"]]);
    await expect(fetch(f.url("/"))).rejects.toThrow();
    expect(sockets()).toEqual([]);
  });

  it("a helper stopped from outside (a teardown's SIGTERM, Ctrl-C) removes its socket file", async () => {
    await a.forward("web", 8080);
    expect(sockets()).toHaveLength(1);
    const stopped = await stopNetnsProcesses([`${prefix}a-web`], { graceMs: 1000 });
    expect(stopped.filter((p) => p.argv.includes("eval") || p.argv.includes("-e")).map((p) => p.signal)).toContain("SIGTERM");
    expect(sockets()).toEqual([]);
  });
});
