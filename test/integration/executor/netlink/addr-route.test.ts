/**
 * Addresses, routes and sysctls through the netlink layer, under Bun and Deno, read back with
 * `ip -json`: IPv4 and IPv6 (nodad) addresses added and one deleted; default routes for both
 * families, a device-only route replaced by one via a gateway, host routes (IPv4 and IPv6), a
 * metric, another table, a deleted route. And how a namespace's sysctls are reached without a
 * process: `/proc/sys` resolves against the namespace of the thread that opens the file — read by
 * path from home it shows home's value; opened while the thread is inside, the namespace's.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { drive, ffiRuntimes, ipJson } from "./support.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

interface IpAddr { ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string; nodad?: boolean }[] }
type IpRoute = Record<string, unknown>;

describe.runIf(requireRoot("netlink addresses and routes on the real kernel"))("netlink addresses, routes and sysctls on the real kernel", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  describe.each(ffiRuntimes)("under %s", (runtime) => {
    const p = uniqueName("nl");
    prefixes.push(p);
    const r = `${p}-r`;

    it("adds and deletes addresses and routes exactly as ip would", async () => {
      const out = await drive<{ sysctl: Record<string, string | null>; threads: unknown[] }>(runtime, "addr-route", [p]);
      const e0 = ipJson<IpAddr[]>(r, "addr", "show", "dev", "e0")[0];
      expect(e0?.addr_info.filter((x) => x.scope === "global").map((x) => `${x.local}/${x.prefixlen}${x.nodad ? " nodad" : ""}`)).toEqual(["10.1.0.2/24", "fd01::2/64 nodad"]);
      const short = (routes: IpRoute[]): string[] =>
        routes.map((x) => [x["dst"], x["gateway"] && `via ${String(x["gateway"])}`, x["dev"] && `dev ${String(x["dev"])}`, x["metric"] !== undefined && `metric ${String(x["metric"])}`, x["scope"] !== "global" && `scope ${String(x["scope"])}`].filter(Boolean).join(" "));
      expect(short(ipJson<IpRoute[]>(r, "-4", "route", "show"))).toEqual([
        "default via 10.1.0.1 dev e0",
        "10.1.0.0/24 dev e0 scope link",
        "10.2.0.0/16 via 10.1.0.254 dev e0",
        "10.3.0.5 via 10.1.0.9 dev e0",
        "10.4.0.0/16 dev e0 metric 50 scope link",
      ]);
      expect(short(ipJson<IpRoute[]>(r, "-4", "route", "show", "table", "100"))).toEqual(["10.6.0.0/16 via 10.1.0.1 dev e0"]);
      expect(short(ipJson<IpRoute[]>(r, "-6", "route", "show")).filter((x) => !x.startsWith("fe80"))).toEqual([
        "fd01::/64 dev e0 metric 256",
        "fd02::5 dev e0 metric 1024",
        "default via fd01::1 dev e0 metric 1024",
      ]);
      expect(out.threads).toEqual([]);

      // Sysctls: the value set inside is the namespace's, home keeps its own.
      const s = out.sysctl;
      expect(s["inside"]).toBe(s["flipped"]);
      expect(s["homeAfter"]).toBe(s["home"]);
      expect(execFileSync("ip", ["netns", "exec", r, "sysctl", "-n", String(s["key"])], { encoding: "utf8" }).trim()).toBe(s["flipped"]);
      expect(execFileSync("sysctl", ["-n", String(s["key"])], { encoding: "utf8" }).trim()).toBe(s["home"]);
      // Read by path from home, /proc/sys showed home's value: the lookup follows the reading thread.
      expect(s["byPathFromHome"]).toBe(s["home"]);
      // A per-device key exists inside (e0) and not at home.
      expect(s["deviceKeyInside"]).toBe("0");
      expect(s["deviceKeyAtHome"]).toBeNull();
    });

    it("leaves nothing once the library deletes the namespace", async () => {
      const out = await drive<{ removed: string[] }>(runtime, "cleanup", [p]);
      expect(out.removed).toEqual([r]);
    });
  });
});
