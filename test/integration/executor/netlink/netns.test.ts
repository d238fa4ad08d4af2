/**
 * Named namespaces through the netlink layer, under Bun and Deno: the ones it creates are listed
 * by `ip netns list`, usable by `ip netns exec`, and gone after it deletes them; `/run/netns` is a
 * shared mount as iproute2 leaves it. And after 500 create/delete cycles of a whole endpoint
 * (namespace, macvlan in place, addresses, up, route, a sysctl read inside, dumps), no thread of
 * the process is left in another namespace — a check shown to work by a thread started on
 * purpose inside one (a Worker; under Bun a GC helper thread is born there with it).
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { drive, ffiRuntimes, ip, workerRuntimes } from "./support.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

describe.runIf(requireRoot("netlink namespaces on the real kernel"))("netlink namespaces on the real kernel", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  describe.each(ffiRuntimes)("under %s", (runtime) => {
    const p = uniqueName("nn");
    prefixes.push(p);
    const names = [`${p}-0`, `${p}-1`, `${p}-2`];

    it("creates namespaces that ip netns lists and can enter, on a shared /run/netns", async () => {
      const r = await drive<{ names: string[]; listed: string[]; loopbacks: string[] }>(runtime, "netns-add", [p, "3"]);
      expect(r.listed).toEqual(names);
      expect(r.loopbacks).toEqual(["lo", "lo", "lo"]);
      const listed = (JSON.parse(ip("-json", "netns", "list")) as { name: string }[]).map((n) => n.name);
      expect(listed.filter((n) => n.startsWith(`${p}-`)).sort()).toEqual(names);
      for (const n of names) {
        const inside = execFileSync("ip", ["netns", "exec", n, "ip", "-json", "link", "show"], { encoding: "utf8" });
        expect((JSON.parse(inside) as { ifname: string }[]).map((l) => l.ifname)).toEqual(["lo"]);
        // a namespace of its own: not the test's
        expect(execFileSync("ip", ["netns", "exec", n, "readlink", "/proc/self/ns/net"], { encoding: "utf8" })).not.toBe(execFileSync("readlink", ["/proc/self/ns/net"], { encoding: "utf8" }));
      }
      expect(execFileSync("findmnt", ["-n", "-o", "PROPAGATION", "/run/netns"], { encoding: "utf8" }).trim()).toMatch(/^shared/);
    });

    it("deletes them: gone from ip netns list and from /run/netns", async () => {
      const r = await drive<{ removed: string[] }>(runtime, "cleanup", [p]);
      expect(r.removed).toEqual(names);
      expect(ip("netns", "list")).not.toContain(p);
    });

    it("leaves no thread in another namespace after 500 endpoint create/delete cycles", async () => {
      const r = await drive<{ cycles: number; dumps: number; threads: unknown[] }>(runtime, "cycles", [p, "500"]);
      expect(r.cycles).toBe(500);
      expect(r.dumps).toBe(10);
      expect(r.threads).toEqual([]);
    });
  });
});

describe.runIf(requireRoot("the foreign-thread check"))("the foreign-thread check", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  it.each(workerRuntimes)("under %s: lists a thread born while the JS thread sat in another namespace", async (runtime) => {
    const p = uniqueName("nt");
    prefixes.push(p);
    const r = await drive<{ target: string; before: unknown[]; during: { tid: number; comm: string; netns: string }[] }>(runtime, "thread-check", [p]);
    expect(r.before).toEqual([]);
    expect(r.during.length).toBeGreaterThan(0);
    for (const t of r.during) expect(t.netns).toBe(r.target);
  });
});
