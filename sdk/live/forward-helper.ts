/**
 * The forwarder's helper: a few lines of plain JavaScript that the current runtime (Node, Bun or
 * Deno) runs inside an endpoint's namespace. It listens on a filesystem unix socket — a path,
 * which belongs to no network namespace, so the caller can connect to it from its own — and
 * relays each connection to the target: TCP byte for byte, UDP as datagrams framed with a
 * 2-byte length. It reads its settings from `UNDERLAY_FORWARD`, prints one line when it
 * listens, and exits — removing its socket file — when its standard input closes (its parent
 * went away) or on SIGINT/SIGTERM (Ctrl-C, or a teardown stopping it).
 * @module
 */

/** The line the helper prints once it listens. */
export const HELPER_READY = "underlay-forward ready";

/** The helper's source: CommonJS- and ESM-safe (dynamic imports of `node:` modules only). */
export const FORWARD_HELPER = `(async () => {
  const net = await import("node:net");
  const dgram = await import("node:dgram");
  const fs = await import("node:fs");
  const { sock, host, port, protocol } = JSON.parse(process.env.UNDERLAY_FORWARD);
  const unlink = () => { try { fs.unlinkSync(sock); } catch {} };
  unlink();
  const server = net.createServer((c) => {
    c.on("error", () => c.destroy());
    if (protocol === "tcp") {
      const t = net.connect({ host, port });
      t.on("error", () => c.destroy());
      c.on("close", () => t.destroy());
      t.on("close", () => c.destroy());
      c.pipe(t);
      t.pipe(c);
      return;
    }
    const u = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    u.on("error", () => c.destroy());
    c.on("close", () => { try { u.close(); } catch {} });
    u.on("message", (m) => { const h = Buffer.alloc(2); h.writeUInt16BE(m.length); c.write(Buffer.concat([h, m])); });
    let buf = Buffer.alloc(0);
    c.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const n = buf.readUInt16BE(0);
        u.send(Buffer.from(buf.subarray(2, 2 + n)), port, host);
        buf = buf.subarray(2 + n);
      }
    });
  });
  server.on("error", (e) => { process.stderr.write(String(e && e.message) + "\\n"); process.exit(1); });
  server.listen(sock, () => process.stdout.write(${JSON.stringify(`${HELPER_READY}\n`)}));
  process.stdin.on("end", () => { unlink(); process.exit(0); });
  process.stdin.resume();
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { unlink(); process.exit(128 + (sig === "SIGINT" ? 2 : 15)); });
})();
`;

/**
 * The command that runs the helper in the current runtime (tinybench-style: the global is a
 * parameter, so each branch can be tested).
 *
 * @example
 * ```ts
 * helperArgv(); // [process.execPath, "-e", FORWARD_HELPER] under Node and Bun
 * ```
 */
export function helperArgv(g: Record<string, unknown> = globalThis as unknown as Record<string, unknown>, execPath: string = process.execPath): string[] {
  const deno = g.Deno as { execPath?: () => string } | undefined;
  if (deno !== undefined && typeof deno.execPath === "function") return [deno.execPath(), "eval", FORWARD_HELPER];
  return [execPath, "-e", FORWARD_HELPER];
}

/**
 * Splits a stream of 2-byte-length frames into datagrams.
 *
 * @example
 * ```ts
 * const feed = deframer((d) => console.log(d.toString()));
 * feed(frame(Buffer.from("ping"))); // logs "ping"
 * ```
 */
export function deframer(onDatagram: (datagram: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const n = buf.readUInt16BE(0);
      onDatagram(Buffer.from(buf.subarray(2, 2 + n)));
      buf = buf.subarray(2 + n);
    }
  };
}

/**
 * One datagram as a frame: its length (2 bytes, big-endian), then its bytes.
 *
 * @example
 * ```ts
 * frame(Buffer.from("ping")); // <Buffer 00 04 70 69 6e 67>
 * ```
 */
export function frame(datagram: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(datagram.length);
  return Buffer.concat([head, datagram]);
}
