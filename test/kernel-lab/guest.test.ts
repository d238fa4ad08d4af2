/**
 * Kernel lab, infrastructure: one guest running Debian's stock kernel, driven through the qemu
 * executor. Proves the executor's contract (argv, stdin, stdout/stderr, exit codes, queueing) and
 * the kernel features the host lacks (dummy, 802.1Q VLAN, ipvlan) before the runner's scenarios
 * rely on them.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { UnderlayError } from "../../sdk/errors.ts";
import { capabilities } from "../../sdk/index.ts";
import { kernelChecksNameInTarget } from "../support/name-check.ts";
import { assertGuestClean, guestResidue, kernelLabAssets, kernelLabReady, resetGuest, useGuest } from "../support/guest.ts";

type LinkJson = {
  ifname: string;
  link?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
};

const lab = await kernelLabReady("kernel lab: guest infrastructure");

describe.runIf(lab)("kernel lab guest (Debian kernel under qemu)", () => {
  const guest = useGuest();
  afterEach(() => assertGuestClean(guest.vm));

  const link = async (name: string, netns: string | null = null): Promise<LinkJson> => {
    const r = await guest.ok(["ip", "-details", "-json", "link", "show", "dev", name], { netns });
    const [only] = JSON.parse(r.stdout) as LinkJson[];
    if (only === undefined) throw new Error(`no link ${name}`);
    return only;
  };

  describe("boot", () => {
    it("runs Debian's stock kernel, the one prepare unpacked", async () => {
      const { kernelPackage } = await kernelLabAssets();
      expect(guest.vm.release).toBe(kernelPackage.release);
      expect((await guest.ok(["uname", "-r"])).stdout).toBe(`${kernelPackage.release}\n`);
      expect((await guest.ok(["cat", "/proc/version"])).stdout).toMatch(/Debian/);
      expect(guest.vm.bootMs).toBeGreaterThan(0);
    });

    it("starts with lo only, no named namespaces, and iproute2's ip (not busybox's) as ip and in sh -c", async () => {
      const links = JSON.parse((await guest.ok(["ip", "-json", "link"])).stdout) as LinkJson[];
      expect(links.map((l) => l.ifname)).toEqual(["lo"]);
      expect((await guest.ok(["ip", "-V"])).stdout).toMatch(/^ip utility, iproute2-/);
      expect((await guest.ok(["sh", "-c", "ip -V"])).stdout).toMatch(/^ip utility, iproute2-/);
    });
  });

  describe("capability probe", () => {
    it("says this kernel (before 6.15) checks new link names in the caller's namespace, as a real check shows", async () => {
      const actual = await kernelChecksNameInTarget(guest.vm, "gcp");
      expect(actual).toBe(false);
      expect((await capabilities(guest.vm)).nameInTarget).toBe(actual);
    });
  });

  describe("the executor contract", () => {
    const tricky = [
      "plain",
      "two words",
      " leading and trailing ",
      "it's",
      '"double"',
      "line1\nline2",
      "trailing newlines\n\n",
      "\r\n",
      "tab\there",
      "50% %0A %25 literally",
      "$HOME `id` $(id) ${x}",
      "*",
      "\\back\\slash\\",
      "-n",
      "--",
      "",
      "ünïcødé ✓ 😀",
      "x".repeat(3000),
    ];

    it("passes every argv element through exactly (spaces, quotes, newlines, unicode, empty)", async () => {
      for (const arg of tricky) {
        const r = await guest.ok(["printf", "%s", arg]);
        expect(r.stdout, JSON.stringify(arg.slice(0, 40))).toBe(arg);
      }
      const all = await guest.ok(["printf", "[%s]", ...tricky]);
      expect(all.stdout).toBe(tricky.map((a) => `[${a}]`).join(""));
    });

    it("passes stdin through exactly, and empty stdin when none is given", async () => {
      const text = "first line\nsecond\ttab\r\nünïcødé ✓\n\nno newline at end";
      expect((await guest.ok(["cat"], { input: text })).stdout).toBe(text);
      expect((await guest.ok(["cat"])).stdout).toBe("");
      const big = Array.from({ length: 4000 }, (_, i) => `line ${i} ${"•".repeat(i % 50)}`).join("\n");
      const digest = createHash("sha256").update(big, "utf8").digest("hex");
      const r = await guest.ok(["sha256sum"], { input: big });
      expect(r.stdout.split(" ")[0]).toBe(digest);
      expect((await guest.ok(["cat"], { input: big })).stdout).toBe(big);
    });

    it("keeps stdout and stderr apart and passes exit codes through", async () => {
      const r = await guest.run(["sh", "-c", 'echo to-out; echo to-err >&2; printf "no-newline"; exit 7']);
      expect(r).toEqual({ code: 7, stdout: "to-out\nno-newline", stderr: "to-err\n" });
      for (const code of [0, 1, 2, 42, 255]) {
        expect((await guest.run(["sh", "-c", `exit ${code}`])).code).toBe(code);
      }
      expect((await guest.run(["sh", "-c", "kill -9 $$"])).code).toBe(137);
      const missing = await guest.run(["ip", "link", "show", "dev", "nosuchlink"]);
      expect(missing.code).not.toBe(0);
      expect(missing.stdout).toBe("");
      expect(missing.stderr).toMatch(/nosuchlink/);
    });

    it("rejects a program the guest does not have with an EXEC error", async () => {
      const attempt = guest.run(["no-such-program", "x"]);
      await expect(attempt).rejects.toBeInstanceOf(UnderlayError);
      await expect(attempt).rejects.toMatchObject({ code: "EXEC", message: expect.stringContaining("no-such-program") });
      await expect(guest.run([])).rejects.toMatchObject({ code: "EXEC" });
      expect((await guest.ok(["true"])).code).toBe(0); // the session is still in step
    });

    it("queues concurrent calls: each answer belongs to its own command", async () => {
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => guest.run(["echo", `call ${i}`])));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 25 }, (_, i) => `call ${i}\n`));
    });

    it("round-trips 100 commands in order, each answered by its own result (the time is reported, not asserted)", async () => {
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        const r = await guest.run(["echo", String(i)]);
        times.push(performance.now() - t);
        expect(r.stdout).toBe(`${i}\n`);
      }
      times.sort((a, b) => a - b);
      console.log(`kernel lab: round trip of \`echo\`: median ${(times[50] ?? 0).toFixed(1)} ms, p90 ${(times[90] ?? 0).toFixed(1)} ms`);
    });
  });

  describe("link kinds the host kernel lacks", () => {
    it("creates a dummy parent, an 802.1Q VLAN on it and ipvlan/macvlan children, as ip -details -json reports them", async () => {
      try {
        await guest.ok(["ip", "link", "add", "d0", "type", "dummy"]);
        await guest.ok(["ip", "link", "set", "d0", "up"]);
        await guest.ok(["ip", "link", "add", "link", "d0", "name", "d0.50", "type", "vlan", "id", "50"]);
        await guest.ok(["ip", "link", "add", "i0", "link", "d0", "type", "ipvlan", "mode", "l3s", "bridge"]);
        await guest.ok(["ip", "link", "add", "d1", "type", "dummy"]);
        await guest.ok(["ip", "link", "add", "i1", "link", "d1", "type", "ipvlan", "mode", "l2", "private"]);
        await guest.ok(["ip", "link", "add", "d2", "type", "dummy"]);
        await guest.ok(["ip", "link", "add", "i2", "link", "d2", "type", "ipvlan", "mode", "l3", "vepa"]);
        await guest.ok(["ip", "link", "add", "m0", "link", "d0.50", "type", "macvlan", "mode", "bridge"]);

        const d0 = await link("d0");
        expect(d0.linkinfo?.info_kind).toBe("dummy");
        expect(await link("d0.50")).toMatchObject({
          ifname: "d0.50",
          link: "d0",
          linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id: 50 } },
        });
        // ipvlan: the mode is a string, the flag a boolean key of its own; the MAC is the parent's.
        expect(await link("i0")).toMatchObject({ link: "d0", address: d0.address, linkinfo: { info_kind: "ipvlan", info_data: { mode: "l3s", bridge: true } } });
        expect((await link("i1")).linkinfo?.info_data).toEqual({ mode: "l2", private: true });
        expect((await link("i2")).linkinfo?.info_data).toEqual({ mode: "l3", vepa: true });
        expect(await link("m0")).toMatchObject({ link: "d0.50", linkinfo: { info_kind: "macvlan", info_data: { mode: "bridge" } } });
      } finally {
        for (const parent of ["d0", "d1", "d2"]) await guest.run(["ip", "link", "del", parent]); // children go with them
      }
    });

    it("keeps one ipvlan mode per parent: a second mode switches every sibling; macvlan beside ipvlan and VLAN id 4095 are refused", async () => {
      try {
        await guest.ok(["ip", "link", "add", "d0", "type", "dummy"]);
        await guest.ok(["ip", "link", "add", "i0", "link", "d0", "type", "ipvlan", "mode", "l2"]);
        expect((await link("i0")).linkinfo?.info_data).toEqual({ mode: "l2", bridge: true }); // bridge is the default flag
        await guest.ok(["ip", "link", "add", "i1", "link", "d0", "type", "ipvlan", "mode", "l3"]);
        expect((await link("i0")).linkinfo?.info_data).toMatchObject({ mode: "l3" }); // silently switched
        const macvlan = await guest.run(["ip", "link", "add", "m0", "link", "d0", "type", "macvlan"]);
        expect(macvlan.code).not.toBe(0);
        expect(macvlan.stderr).toMatch(/busy/i);
        const vlan = await guest.run(["ip", "link", "add", "link", "d0", "name", "v4095", "type", "vlan", "id", "4095"]);
        expect(vlan.code).not.toBe(0);
        expect(vlan.stderr).toMatch(/invalid vlan id/i);
      } finally {
        await guest.run(["ip", "link", "del", "d0"]);
      }
    });
  });

  describe("namespaces", () => {
    it("adds a namespace, runs commands inside it, and deletes it", async () => {
      try {
        await guest.ok(["ip", "netns", "add", "ns-a"]);
        expect(JSON.parse((await guest.ok(["ip", "-json", "netns", "list"])).stdout)).toEqual([{ name: "ns-a" }]);
        await guest.ok(["ip", "link", "add", "x0", "type", "dummy"], { netns: "ns-a" });
        const inside = JSON.parse((await guest.ok(["ip", "-json", "link"], { netns: "ns-a" })).stdout) as LinkJson[];
        expect(inside.map((l) => l.ifname)).toEqual(["lo", "x0"]);
        const outside = JSON.parse((await guest.ok(["ip", "-json", "link"])).stdout) as LinkJson[];
        expect(outside.map((l) => l.ifname)).toEqual(["lo"]);
        expect((await guest.ok(["cat"], { netns: "ns-a", input: "stdin in a netns" })).stdout).toBe("stdin in a netns");
      } finally {
        await guest.ok(["ip", "netns", "del", "ns-a"]);
      }
      const missing = await guest.run(["ip", "link"], { netns: "ns-a" });
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/ns-a/);
    });

    it("lets the residue check see leftovers (namespaces, links, VLAN children) and the reset remove them", async () => {
      await guest.ok(["ip", "netns", "add", "left-over"]);
      await guest.ok(["ip", "link", "add", "r0", "type", "dummy"]);
      await guest.ok(["ip", "link", "add", "link", "r0", "name", "r0.7", "type", "vlan", "id", "7"]);
      expect(await guestResidue(guest.vm)).toEqual({ netns: ["left-over"], links: ["r0", "r0.7"] });
      await resetGuest(guest.vm);
      expect(await guestResidue(guest.vm)).toEqual({ netns: [], links: [] });
    });

    it("pings between two ipvlan L2 endpoints in two namespaces, over IPv4 and IPv6", async () => {
      try {
        await guest.ok(["ip", "link", "add", "p0", "type", "dummy"]);
        await guest.ok(["ip", "link", "set", "p0", "up"]);
        const endpoints = [
          { ns: "ep-a", v4: "10.77.0.1/24", v6: "fd77::1/64" },
          { ns: "ep-b", v4: "10.77.0.2/24", v6: "fd77::2/64" },
        ];
        for (const [i, ep] of endpoints.entries()) {
          await guest.ok(["ip", "netns", "add", ep.ns]);
          await guest.ok(["ip", "link", "add", `iv${i}`, "link", "p0", "type", "ipvlan", "mode", "l2"]);
          await guest.ok(["ip", "link", "set", `iv${i}`, "netns", ep.ns, "name", "eth0"]);
          await guest.ok(["ip", "addr", "add", ep.v4, "dev", "eth0"], { netns: ep.ns });
          await guest.ok(["ip", "addr", "add", ep.v6, "dev", "eth0", "nodad"], { netns: ep.ns });
          await guest.ok(["ip", "link", "set", "eth0", "up"], { netns: ep.ns });
          await guest.ok(["ip", "link", "set", "lo", "up"], { netns: ep.ns });
        }
        // busybox ping: -c COUNT, -W SECONDS (wait for replies), -4/-6 (also the ping6 applet).
        const v4 = await guest.run(["ping", "-c", "1", "-W", "2", "10.77.0.2"], { netns: "ep-a" });
        expect(v4.code, v4.stdout + v4.stderr).toBe(0);
        expect(v4.stdout).toMatch(/1 packets received/);
        const v6 = await guest.run(["ping", "-6", "-c", "1", "-W", "2", "fd77::1"], { netns: "ep-b" });
        expect(v6.code, v6.stdout + v6.stderr).toBe(0);
        const v6applet = await guest.run(["ping6", "-c", "1", "-W", "2", "fd77::2"], { netns: "ep-a" });
        expect(v6applet.code, v6applet.stdout + v6applet.stderr).toBe(0);
        const nobody = await guest.run(["ping", "-c", "1", "-W", "1", "10.77.0.9"], { netns: "ep-a" });
        expect(nobody.code).not.toBe(0);
      } finally {
        for (const ns of ["ep-a", "ep-b"]) await guest.run(["ip", "netns", "del", ns]);
        await guest.run(["ip", "link", "del", "p0"]);
      }
    });
  });
});
