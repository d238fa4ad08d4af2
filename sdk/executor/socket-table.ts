/**
 * Which ports listen inside a network namespace, read from the kernel's socket tables as a
 * process living there sees them (`/proc/<pid>/net/tcp`, `tcp6`, `udp`, `udp6` list every
 * socket of that process's network namespace). In-process, no `ss`: what waiting for a server
 * to get ready polls.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A transport protocol whose listening sockets can be looked up. */
export type Protocol = "tcp" | "udp";

/** `st` of a listening TCP socket (TCP_LISTEN). */
const TCP_LISTEN = "0A";
/** `st` of a bound, unconnected UDP socket (TCP_CLOSE, as the kernel reports UDP sockets that receive from anyone). */
const UDP_UNCONNECTED = "07";

/**
 * The local ports of the listening sockets in one `/proc/net/{tcp,tcp6,udp,udp6}` table
 * (TCP: state LISTEN; UDP: bound and unconnected).
 *
 * @example
 * ```ts
 * listeningPorts("  sl  local_address rem_address   st …\n   0: 00000000:1F90 00000000:0000 0A …", "tcp"); // Set { 8080 }
 * ```
 */
export function listeningPorts(table: string, protocol: Protocol): Set<number> {
  const want = protocol === "tcp" ? TCP_LISTEN : UDP_UNCONNECTED;
  const ports = new Set<number>();
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== want) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
}

/**
 * Whether something listens on `port` (IPv4 or IPv6) in the network namespace of process `pid`.
 * `false` when the process is gone.
 *
 * @example
 * ```ts
 * isListening(server.pid, 8080, "tcp"); // true once the server called listen()
 * ```
 */
export function isListening(pid: number, port: number, protocol: Protocol, procDir = "/proc"): boolean {
  for (const table of protocol === "tcp" ? ["tcp", "tcp6"] : ["udp", "udp6"]) {
    let text: string;
    try {
      text = readFileSync(join(procDir, String(pid), "net", table), "utf8");
    } catch {
      continue; // no IPv6 in this kernel, or the process is gone
    }
    if (listeningPorts(text, protocol).has(port)) return true;
  }
  return false;
}
