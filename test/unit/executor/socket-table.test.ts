/**
 * Reading listening ports from the kernel's socket tables (`/proc/<pid>/net/{tcp,tcp6,udp,udp6}`),
 * on tables as the kernel prints them.
 */
import { describe, expect, it } from "vitest";
import { listeningPorts } from "../../../sdk/executor/socket-table.ts";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 157321 1 00000000ca4341ce 100 0 0 10 0
   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 157322 1 00000000ca4341cf 100 0 0 10 0
   2: 0A4C000A:1F90 0B4C000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 157323 1 00000000ca4341d0 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 157400 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  643: 00000000:2382 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 157322 2 00000000121f260d 0
  644: 0A4C000A:D431 0A4C000B:2382 01 00000000:00000000 00:00000000 00000000     0        0 157323 2 00000000121f260e 0
`;

describe("listeningPorts", () => {
  it("reads TCP sockets in LISTEN (any address, loopback) and skips established ones", () => {
    expect([...listeningPorts(TCP, "tcp")].sort()).toEqual([3306, 8080]);
  });

  it("reads IPv6 tables", () => {
    expect([...listeningPorts(TCP6, "tcp")]).toEqual([8081]);
  });

  it("reads bound, unconnected UDP sockets and skips connected ones", () => {
    expect([...listeningPorts(UDP, "udp")]).toEqual([9090]);
  });

  it("does not mistake a TCP table for a UDP one or the header for a socket", () => {
    expect([...listeningPorts(TCP, "udp")]).toEqual([]);
    expect([...listeningPorts(TCP.split("\n")[0] as string, "tcp")]).toEqual([]);
  });
});
