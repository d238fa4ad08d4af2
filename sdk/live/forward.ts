/**
 * `forward`: a port of an endpoint made reachable from the caller's own network namespace at
 * `127.0.0.1:<port>`. The caller listens there; each TCP connection (or each UDP peer) is relayed
 * over a filesystem unix socket to one helper process inside the endpoint (see
 * `forward-helper.ts`), which connects to the target. Nothing changes in any network: no link,
 * route or address is added, so labs with the same subnets forward side by side.
 * @module
 */
import { randomBytes } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import { spawnIn } from "./exec.ts";
import { deframer, frame, HELPER_READY, helperArgv } from "./forward-helper.ts";
import type { Forward, ForwardOptions, LiveEndpoint } from "./types.ts";

function relayTcp(sock: string, localPort: number): Promise<{ close: () => void; port: number }> {
  const open = new Set<Socket>();
  const server: Server = createServer((c) => {
    const u = connect(sock);
    open.add(c).add(u);
    const end = (): void => {
      c.destroy();
      u.destroy();
      open.delete(c);
      open.delete(u);
    };
    c.on("error", end).on("close", end);
    u.on("error", end).on("close", end);
    c.pipe(u);
    u.pipe(c);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(localPort, "127.0.0.1", () => {
      server.unref();
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => {
          server.close();
          for (const s of open) s.destroy();
        },
      });
    });
  });
}

function relayUdp(sock: string, localPort: number): Promise<{ close: () => void; port: number }> {
  const peers = new Map<string, Socket>();
  const udp: UdpSocket = createSocket("udp4");
  udp.on("message", (msg: Buffer, from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let c = peers.get(key);
    if (c === undefined) {
      const conn = connect(sock);
      peers.set(key, conn);
      conn.on("data", deframer((d) => udp.send(d, from.port, from.address)));
      conn.on("error", () => conn.destroy()).on("close", () => peers.delete(key));
      c = conn;
    }
    c.write(frame(msg));
  });
  return new Promise((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(localPort, "127.0.0.1", () => {
      udp.unref();
      resolve({
        port: udp.address().port,
        close: () => {
          udp.close();
          for (const c of peers.values()) c.destroy();
        },
      });
    });
  });
}

/**
 * Forwards `127.0.0.1:<local port>` in this process's namespace to `port` in an endpoint.
 * Local executor only.
 *
 * @example
 * ```ts
 * await using web = await forwardTo(localExecutor(), demo.endpoint("web"), 8080);
 * await fetch(web.url("/health"));
 * ```
 */
export async function forwardTo(executor: Executor, endpoint: LiveEndpoint, port: number, options: ForwardOptions = {}): Promise<Forward> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UnderlayError("USAGE", `forward to ${endpoint.name}: expected a port from 1 to 65535 but received ${String(port)}`);
  }
  const protocol = options.protocol ?? "tcp";
  const host = options.host ?? endpoint.ipv4[0] ?? endpoint.ipv6[0] ?? "127.0.0.1";
  const sock = join(tmpdir(), `underlay-fwd-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
  const helper = await spawnIn(executor, endpoint, helperArgv(), {
    env: { UNDERLAY_FORWARD: JSON.stringify({ sock, host, port, protocol }), NODE_OPTIONS: "" },
    ready: { line: HELPER_READY },
    readyTimeoutMs: 30_000,
  });
  let relay: { close: () => void; port: number };
  try {
    relay = await (protocol === "tcp" ? relayTcp : relayUdp)(sock, options.localPort ?? 0);
  } catch (e) {
    await helper.kill();
    rmSync(sock, { force: true });
    throw new UnderlayError("USAGE", `forward to ${endpoint.name}:${port}: cannot listen on 127.0.0.1:${options.localPort ?? 0}: ${(e as Error).message} — pick another localPort or leave it out`, { cause: e });
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      relay.close();
      helper.stdin.end();
      await helper.kill("SIGTERM", 1000).catch(() => undefined);
      rmSync(sock, { force: true });
    })());
  return {
    host: "127.0.0.1",
    port: relay.port,
    protocol,
    target: { endpoint: endpoint.name, host, port },
    url: (path = "/") => `http://127.0.0.1:${relay.port}${path.startsWith("/") ? path : `/${path}`}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
