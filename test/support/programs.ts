/**
 * Small real programs for tests of programs in endpoints: an HTTP server, a UDP echo server and
 * their clients, run by the test's own JavaScript runtime (`process.execPath -e …`), so they need
 * nothing that a fresh machine lacks (no python, curl or socat).
 */

const run = (code: string, ...args: string[]): string[] => [process.execPath, "-e", code, ...args];

/** An HTTP server on `port` (all addresses) answering `hello from <name>` to every request; prints `listening <port>` once it listens. */
export function httpServer(port: number, name: string): string[] {
  return run(
    `const http = require("node:http");
     const [port, name] = process.argv.slice(-2);
     http.createServer((req, res) => res.end("hello from " + name + " " + req.url)).listen(Number(port), () => console.log("listening " + port));`,
    String(port),
    name,
  );
}

/** A UDP echo server on `port` (IPv4) answering each datagram with `echo:<datagram>`. */
export function udpEcho(port: number): string[] {
  return run(
    `const s = require("node:dgram").createSocket("udp4");
     s.on("message", (m, r) => s.send("echo:" + m, r.port, r.address));
     s.bind(Number(process.argv.at(-1)), () => console.log("bound"));`,
    String(port),
  );
}

/** Fetches `url` and prints the status and body; exits 1 on a network error. */
export function httpGet(url: string): string[] {
  return run(
    `fetch(process.argv.at(-1)).then(async (r) => console.log(r.status + " " + (await r.text())), (e) => { console.error(String(e.cause ?? e)); process.exit(1); });`,
    url,
  );
}

/** Sends one UDP datagram to host:port and prints the answer; exits 1 without one within 2 s. */
export function udpAsk(host: string, port: number, text: string): string[] {
  return run(
    `const [host, port, text] = process.argv.slice(-3);
     const s = require("node:dgram").createSocket("udp4");
     s.on("message", (m) => { console.log(String(m)); process.exit(0); });
     s.send(text, Number(port), host);
     setTimeout(() => { console.error("no answer"); process.exit(1); }, 2000);`,
    host,
    String(port),
    text,
  );
}
