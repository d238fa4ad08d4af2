/**
 * Reading the kernel's answers, and everything around a request that needs no kernel: ACKs and
 * errors (with and without extended-ACK messages, capped or with the echoed request), the words
 * iproute2 prints for them, the equivalent `ip` command, request validation (every problem at
 * once), runtime detection and what Node is told.
 */
import { describe, expect, it } from "vitest";
import { NLM_F, NLMSG, NLMSGERR_ATTR } from "../../../../sdk/executor/netlink/constants.ts";
import { messages, parseError } from "../../../../sdk/executor/netlink/decode.ts";
import { beginMessage, endMessage, messageWriter, putString, type MessageWriter } from "../../../../sdk/executor/netlink/encode.ts";
import { iproute2Message, netlinkError, netlinkFailureOf } from "../../../../sdk/executor/netlink/failure.ts";
import { loadLibc } from "../../../../sdk/executor/netlink/libc.ts";
import { requestArgv } from "../../../../sdk/executor/netlink/requests.ts";
import { detectRuntime } from "../../../../sdk/executor/netlink/runtime.ts";
import { sysctlPath } from "../../../../sdk/executor/netlink/sysctl.ts";
import { checkRequests, netnsNameProblem } from "../../../../sdk/executor/netlink/validate.ts";
import { thrown } from "../../../support/errors.ts";

/** An NLMSG_ERROR answer as the kernel writes it. */
function errorAnswer(w: MessageWriter, seq: number, error: number, opts: { capped?: boolean; msg?: string; echoedLength?: number } = {}): void {
  const flags = (opts.capped ? NLM_F.CAPPED : 0) | (opts.msg !== undefined ? NLM_F.ACK_TLVS : 0);
  const at = beginMessage(w, NLMSG.ERROR, flags, seq);
  const e = w.length;
  const echoed = opts.capped ? 16 : (opts.echoedLength ?? 16);
  for (let i = 0; i < 4 + echoed; i++) w.bytes[w.length + i] = 0;
  w.view.setInt32(e, error, true);
  w.view.setUint32(e + 4, echoed, true); // the echoed request's nlmsg_len
  w.view.setUint32(e + 4 + 8, seq, true); // … and its seq
  w.length += 4 + echoed;
  if (opts.msg !== undefined) putString(w, NLMSGERR_ATTR.MSG, opts.msg);
  endMessage(w, at);
}

describe("answers", () => {
  it("ACKs and errors of a pipelined batch, matched by seq, with and without the kernel's message", () => {
    const w = messageWriter();
    errorAnswer(w, 11, 0);
    errorAnswer(w, 12, -17);
    errorAnswer(w, 13, -95, { capped: true, msg: "Unknown device type" });
    errorAnswer(w, 14, -22, { echoedLength: 40, msg: "Nexthop has invalid gateway" });
    const ms = messages(w.bytes, w.length);
    expect(ms.map((m) => [m.seq, m.type])).toEqual([[11, NLMSG.ERROR], [12, NLMSG.ERROR], [13, NLMSG.ERROR], [14, NLMSG.ERROR]]);
    expect(ms.map((m) => parseError(w.bytes, m))).toEqual([
      { error: 0, requestSeq: 11 },
      { error: -17, requestSeq: 12 },
      { error: -95, message: "Unknown device type", requestSeq: 13 },
      { error: -22, message: "Nexthop has invalid gateway", requestSeq: 14 },
    ]);
  });

  it("a truncated datagram yields only its whole messages", () => {
    const w = messageWriter();
    errorAnswer(w, 1, 0);
    errorAnswer(w, 2, 0);
    expect(messages(w.bytes, w.length - 1).map((m) => m.seq)).toEqual([1]);
  });

  it("iproute2's words: the kernel's message as `Error: ….`, else `RTNETLINK answers: <strerror>`", () => {
    expect(iproute2Message("File exists")).toBe("RTNETLINK answers: File exists");
    expect(iproute2Message("Operation not supported", "Unknown device type")).toBe("Error: Unknown device type.");
    expect(iproute2Message("Invalid argument", "ipv4: Address already assigned.")).toBe("Error: ipv4: Address already assigned.");
  });

  it("an unknown link kind is UNSUPPORTED_KERNEL naming the kind; other failures are EXEC with errno name and number", () => {
    const kind = netlinkError({ errno: 95, errnoName: "EOPNOTSUPP", stderr: "Error: Unknown device type.", argv: ["ip", "-n", "h", "link", "add", "i0", "link", "p0", "type", "ipvlan", "mode", "l3"], netns: "h" });
    expect(kind.code).toBe("UNSUPPORTED_KERNEL");
    expect(kind.message).toBe('ip -n h link add i0 link p0 type ipvlan mode l3: Error: Unknown device type. [EOPNOTSUPP 95] — this kernel has no "ipvlan" link kind (load its module or use a kernel built with it)');
    const exists = netlinkError({ errno: 17, errnoName: "EEXIST", stderr: "RTNETLINK answers: File exists", argv: ["ip", "link", "add", "p0", "type", "bridge"], netns: null });
    expect(exists.code).toBe("EXEC");
    expect(netlinkFailureOf(exists)).toMatchObject({ errno: 17, errnoName: "EEXIST", stderr: "RTNETLINK answers: File exists" });
    expect(netlinkFailureOf(new Error("x"))).toBeUndefined();
  });
});

describe("requests without a kernel", () => {
  it("render as the equivalent ip command", () => {
    expect(requestArgv({ op: "linkAdd", name: "eth0", targetNetns: "a", kind: "macvlan", parent: "p0", mode: "bridge", mac: "02:f1:00:00:00:01", up: true }, "h")).toEqual(
      ["ip", "-n", "h", "link", "add", "eth0", "netns", "a", "address", "02:f1:00:00:00:01", "up", "link", "p0", "type", "macvlan", "mode", "bridge"],
    );
    expect(requestArgv({ op: "linkAdd", name: "v0", kind: "veth", peer: "v1", peerNetns: "b" }, null)).toEqual(["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "b"]);
    expect(requestArgv({ op: "linkAdd", name: "e.5", kind: "vlan", parent: "e", id: 5 }, null)).toEqual(["ip", "link", "add", "e.5", "link", "e", "type", "vlan", "id", "5"]);
    expect(requestArgv({ op: "routeAdd", dst: "default", family: 6, via: "fd00::1", dev: "eth0", metric: 1024 }, "a")).toEqual(["ip", "-n", "a", "-6", "route", "add", "default", "via", "fd00::1", "metric", "1024", "dev", "eth0"]);
    expect(requestArgv({ op: "addrAdd", dev: 2, cidr: "fd00::2/64", nodad: true }, null)).toEqual(["ip", "addr", "add", "fd00::2/64", "dev", "if2", "nodad"]);
  });

  it("are checked all at once, each problem with its field, what was expected and what was received", () => {
    const e = thrown(() =>
      checkRequests([
        { op: "linkAdd", name: "a-name-longer-than-15", kind: "macvlan", parent: "p0", mode: "bridged" as "bridge", mac: "02:zz:00:00:00:01" },
        { op: "addrAdd", dev: "eth0", cidr: "10.0.0.300/24" },
        { op: "routeAdd", dst: "10.1.0.0/16", via: "fd00::1" },
        { op: "routeAdd", dst: "default" },
        { op: "linkAdd", name: "v5", kind: "vlan", parent: "e", id: 4096 },
      ]),
    );
    expect(e.code).toBe("USAGE");
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'requests[0].name: expected a name of 1–15 bytes without "/", whitespace or NUL but received "a-name-longer-than-15"',
      'requests[0].mode: expected one of bridge, vepa, private, passthru, source but received "bridged"',
      'requests[0].mac: expected a MAC address like 02:f1:00:00:00:01 but received "02:zz:00:00:00:01"',
      'requests[1].cidr: expected an address with prefix length like 10.0.0.2/24 but received "10.0.0.300/24"',
      'requests[2].via: expected an IPv4 gateway for 10.1.0.0/16 but received "fd00::1"',
      "requests[3]: expected a gateway (via) or a device (dev) for route default but received neither",
      "requests[4].id: expected an integer from 0 to 4095 but received 4096",
    ]);
    expect(e.message).toMatch(/^Invalid netlink request: 7 problems found/);
  });

  it("namespace names are file names in /run/netns (longer than interface names may be), devices at most 15 bytes", () => {
    expect(() => checkRequests([{ op: "linkAdd", name: "eth0", targetNetns: "a-namespace-named-at-length", kind: "veth", peer: "p", peerNetns: "another-long-namespace" }])).not.toThrow();
    const e = thrown(() => checkRequests([{ op: "linkAdd", name: "eth0", targetNetns: "../etc", kind: "bridge" }]));
    expect(e.issues).toEqual([{ path: "linkAdd.targetNetns", message: 'expected a namespace name (a file name in /run/netns: no "/", not "." or "..") but received "../etc"' }]);
    expect(netnsNameProblem("..")).not.toBeNull();
    expect(netnsNameProblem("demo-web")).toBeNull();
  });

  it("sysctl keys map to /proc/sys paths the way sysctl(8) reads them, and junk is refused", () => {
    expect(sysctlPath("net.ipv6.conf.all.forwarding")).toBe("/proc/sys/net/ipv6/conf/all/forwarding");
    expect(sysctlPath("net/ipv4/conf/eth0.50/rp_filter")).toBe("/proc/sys/net/ipv4/conf/eth0.50/rp_filter");
    expect(thrown(() => sysctlPath("../../etc/passwd")).code).toBe("USAGE");
  });
});

describe("runtimes", () => {
  it("detectRuntime reads the global it is given", () => {
    expect(detectRuntime({ Bun: { version: "1.4.5" } })).toBe("bun");
    expect(detectRuntime({ Deno: { version: { deno: "2.9.6" } } })).toBe("deno");
    expect(detectRuntime({ process: { versions: { node: "20.20.2" } } })).toBe("node");
    expect(detectRuntime({})).toBe("unknown");
    expect(detectRuntime()).toBe("node"); // vitest runs under Node
  });

  it("on Node the layer loads libc through koffi (an optional dependency, installed here)", async () => {
    const r = await loadLibc();
    expect(r.available ? r.runtime : r.reason).toBe("node");
  });
});
