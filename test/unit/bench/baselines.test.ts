/**
 * The pure parts of the performance baselines: the scripts and configs they run, the sandbox
 * names and addresses, option checks, the summary table and the command line. No root needed.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { parseCli } from "../../../tasks/bench/baselines/cli.ts";
import { cniConfig, cniEnv } from "../../../tasks/bench/baselines/cni.ts";
import { detectRuntime, formatEnvironment } from "../../../tasks/bench/baselines/environment.ts";
import { inNetns } from "../../../tasks/bench/baselines/exec.ts";
import { handWrittenScripts } from "../../../tasks/bench/baselines/hand-written.ts";
import { mapLimit } from "../../../sdk/lib/map-limit.ts";
import { naiveScripts } from "../../../tasks/bench/baselines/naive.ts";
import { selectBaselines } from "../../../tasks/bench/baselines/run-baselines.ts";
import { checkOptions, endpointCidr, endpointNetns, hostNetns } from "../../../tasks/bench/baselines/sandbox.ts";
import { formatTable, stat, summarize, type BaselineRow } from "../../../tasks/bench/baselines/summary.ts";

const usage = (fn: () => unknown): UnderlayError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnderlayError) return e;
    throw e;
  }
  throw new Error("expected a USAGE error");
};

describe("sandbox names and addresses", () => {
  it("names the host namespace <prefix>-h and endpoints <prefix>-e<i>", () => {
    expect(hostNetns("ub3fa9c1")).toBe("ub3fa9c1-h");
    expect(endpointNetns("ub3fa9c1", 3)).toEqual(["ub3fa9c1-e0", "ub3fa9c1-e1", "ub3fa9c1-e2"]);
  });

  it("gives endpoint i the address .(i+2) of 10.64.0.0/16, crossing octets", () => {
    expect([0, 1, 253, 254, 65_532].map(endpointCidr)).toEqual([
      "10.64.0.2/16",
      "10.64.0.3/16",
      "10.64.0.255/16",
      "10.64.1.0/16",
      "10.64.255.254/16",
    ]);
  });

  it("enters a namespace with nsenter", () => {
    expect(inNetns("ub3fa9c1-h", ["ip", "-batch", "-"])).toEqual([
      "nsenter",
      "--net=/run/netns/ub3fa9c1-h",
      "--",
      "ip",
      "-batch",
      "-",
    ]);
  });

  it("rejects a bad n or prefix with a USAGE error naming the value", () => {
    expect(() => checkOptions({ n: 3, prefix: "ub3fa9c1" })).not.toThrow();
    const n = usage(() => checkOptions({ n: 0, prefix: "ub3fa9c1" }));
    expect(n.code).toBe("USAGE");
    expect(n.message).toContain("Invalid n");
    expect(usage(() => checkOptions({ n: 65_534, prefix: "ub3fa9c1" })).message).toContain("65534");
    const p = usage(() => checkOptions({ n: 3, prefix: "eth0;rm" }));
    expect(p.message).toContain('"eth0;rm"');
  });
});

describe("hand-written scripts", () => {
  const s = handWrittenScripts("ub3fa9c1", 2);

  it("adds every namespace in one batch", () => {
    expect(s.netnsAdd).toBe("netns add ub3fa9c1-e0\nnetns add ub3fa9c1-e1\n");
  });

  it("creates each macvlan directly in its endpoint namespace, on p0", () => {
    expect(s.links).toBe(
      "link add eth0 netns ub3fa9c1-e0 link p0 type macvlan mode bridge\n" +
        "link add eth0 netns ub3fa9c1-e1 link p0 type macvlan mode bridge\n",
    );
  });

  it("sets address, up and default route in one batch per endpoint", () => {
    expect(s.endpoint(1)).toBe("addr add 10.64.0.3/16 dev eth0\nlink set eth0 up\nroute add default via 10.64.0.1 dev eth0\n");
  });

  it("deletes the endpoints, then the host namespace, in one batch", () => {
    expect(s.down).toBe("netns del ub3fa9c1-e0\nnetns del ub3fa9c1-e1\nnetns del ub3fa9c1-h\n");
  });
});

describe("naive scripts", () => {
  it("runs one ip process per step: create in the host, move, address, up, route", () => {
    const { up, down } = naiveScripts("ub3fa9c1", 1);
    expect(up.split("\n")).toEqual([
      "set -eu",
      "ip netns add ub3fa9c1-e0",
      "ip -n ub3fa9c1-h link add mv0 link p0 type macvlan mode bridge",
      "ip -n ub3fa9c1-h link set mv0 netns ub3fa9c1-e0 name eth0",
      "ip -n ub3fa9c1-e0 addr add 10.64.0.2/16 dev eth0",
      "ip -n ub3fa9c1-e0 link set eth0 up",
      "ip -n ub3fa9c1-e0 route add default via 10.64.0.1 dev eth0",
      "",
    ]);
    expect(down.split("\n")).toEqual(["set -eu", "ip netns del ub3fa9c1-e0", "ip netns del ub3fa9c1-h", ""]);
  });
});

describe("CNI config and environment", () => {
  it("asks for a bridge-mode macvlan on p0 with host-local IPAM in the given dataDir", () => {
    expect(JSON.parse(cniConfig("ub3fa9c1", "/tmp/x/ipam"))).toEqual({
      cniVersion: "1.0.0",
      name: "ub3fa9c1",
      type: "macvlan",
      master: "p0",
      mode: "bridge",
      ipam: {
        type: "host-local",
        subnet: "10.64.0.0/16",
        gateway: "10.64.0.1",
        routes: [{ dst: "0.0.0.0/0" }],
        dataDir: "/tmp/x/ipam",
      },
    });
  });

  it("points the plugin at the endpoint's namespace file and eth0", () => {
    expect(cniEnv("DEL", "ub3fa9c1-e2")).toEqual({
      CNI_COMMAND: "DEL",
      CNI_CONTAINERID: "ub3fa9c1-e2",
      CNI_NETNS: "/run/netns/ub3fa9c1-e2",
      CNI_IFNAME: "eth0",
      CNI_PATH: "/usr/lib/cni",
    });
  });
});

describe("mapLimit", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (x, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x));
      running--;
      return `${i}:${x}`;
    });
    expect(out).toEqual(["0:5", "1:1", "2:3", "3:2", "4:4"]);
    expect(peak).toBe(2);
  });

  it("stops starting new items after a failure and rejects with it once in-flight ones settle", async () => {
    const started: number[] = [];
    let inFlight = 0;
    const error = await mapLimit([0, 1, 2, 3, 4], 2, async (x) => {
      started.push(x);
      inFlight++;
      await new Promise((r) => setTimeout(r, x === 0 ? 1 : 10));
      inFlight--;
      if (x === 0) throw new Error("first fails");
      return x;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("first fails");
    expect(started).toEqual([0, 1]);
    expect(inFlight).toBe(0);
  });
});

describe("summary", () => {
  const rows: BaselineRow[] = [
    { method: "hand-written", n: 100, rep: 0, upMs: 280, downMs: 10 },
    { method: "hand-written", n: 100, rep: 1, upMs: 260, downMs: 12 },
    { method: "hand-written", n: 100, rep: 2, upMs: 270, downMs: 8 },
    { method: "cni", n: 100, rep: 0, upMs: 1500, downMs: 4000 },
  ];

  it("takes min and median (mean of the middle two for even counts)", () => {
    expect(stat([3, 1, 2])).toEqual({ min: 1, median: 2 });
    expect(stat([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5 });
  });

  it("groups by method and n, per endpoint, with the ratio to hand-written", () => {
    const [hand, cni] = summarize(rows);
    expect(hand).toMatchObject({ method: "hand-written", n: 100, reps: 3, up: { min: 260, median: 270 } });
    expect(hand?.upPerEndpoint).toEqual({ min: 2.6, median: 2.7 });
    expect(hand?.downPerEndpoint.median).toBeCloseTo(0.1);
    expect(cni?.upVsHandWritten).toBeCloseTo(1500 / 270);
  });

  it("prints an aligned table with ms per endpoint", () => {
    const lines = formatTable(summarize(rows)).split("\n");
    expect(lines[0]).toMatch(/^method\s+n\s+reps\s+up ms\/ep min\s+up ms\/ep med/);
    expect(lines[2]).toMatch(/^hand-written\s+100\s+3\s+2\.60\s+2\.70\s+0\.08\s+0\.10\s+270\s+10\s+1\.00×$/);
    expect(lines[3]).toMatch(/^cni\s+100\s+1\s+15\.00\s+15\.00\s+40\.00\s+40\.00\s+1500\s+4000\s+5\.56×$/);
  });
});

describe("command line", () => {
  it("parses counts, reps and the chosen baselines", () => {
    expect(parseCli(["--n", "10,100", "--reps", "3", "--which", "hand-written,cni"])).toEqual({
      ns: [10, 100],
      reps: 3,
      which: ["hand-written", "cni"],
      settleMs: 1000,
      json: false,
    });
    expect(parseCli(["--settle", "0", "--json"])).toMatchObject({ ns: [10, 100], reps: 3, settleMs: 0, json: true });
  });

  it("names the bad flag or value", () => {
    expect(usage(() => parseCli(["--n", "10,x"])).message).toContain('Invalid --n: expected a positive integer but received "x"');
    expect(usage(() => parseCli(["--bogus"])).message).toContain("usage: --n 10,100 --reps 3");
    expect(usage(() => selectBaselines(["cni", "docker"])).message).toBe(
      'Invalid baseline "docker": expected one or more of hand-written, naive, cni',
    );
  });
});

describe("environment", () => {
  it("detects the runtime from the global object", () => {
    expect(detectRuntime({ Bun: {} })).toBe("bun");
    expect(detectRuntime({ Deno: {} })).toBe("deno");
    expect(detectRuntime({})).toBe("node");
  });

  it("warns when the machine is busy", () => {
    const env = { runtime: "node", version: "20", cores: 2, kernel: "6.18", load1: 0.1 } as const;
    expect(formatEnvironment(env)).toBe("node 20 · 2 cores · kernel 6.18 · load 0.10");
    expect(formatEnvironment({ ...env, load1: 1.7 })).toContain("warning: the machine is busy (load 1.70 on 2 cores)");
    expect(formatEnvironment({ ...env, load1: 0.9 })).not.toContain("warning");
  });
});
