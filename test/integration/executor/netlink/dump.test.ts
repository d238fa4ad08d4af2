/**
 * The netlink layer's dumps read a namespace as `ip -json -details` does: for a sandbox with
 * several links (macvlans in place and at home, a veth pair, bridges), IPv4 and IPv6 addresses
 * and routes (defaults, a metric, a host route, another table), the repo's reader
 * (`parseNamespace`) makes the same `NamespaceState` of the library's dump — under Bun and Deno —
 * as of the answer of `ip -json -details -batch -` that the test runs itself.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { namespaceCommand, parseNamespace } from "../../../../sdk/state/read-namespace.ts";
import type { NamespaceState } from "../../../../sdk/state/types.ts";
import { drive, ffiRuntimes } from "./support.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

function ipRead(ns: string): NamespaceState {
  const cmd = namespaceCommand(ns);
  return parseNamespace(ns, execFileSync("ip", ["-n", ns, ...cmd.argv.slice(1)], { input: cmd.input, encoding: "utf8" }));
}

describe.runIf(requireRoot("netlink dumps on the real kernel"))("netlink dumps on the real kernel", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  describe.each(ffiRuntimes)("under %s", (runtime) => {
    const p = uniqueName("nd");
    prefixes.push(p);

    it("reads the same NamespaceState as ip -json -details, field by field", async () => {
      const r = await drive<{ host: string; endpoint: string }>(runtime, "dump", [p]);
      for (const [ns, text] of [[`${p}-h`, r.host], [`${p}-d`, r.endpoint]] as const) {
        const mine = parseNamespace(ns, text);
        const theirs = ipRead(ns);
        expect(mine.links).toEqual(theirs.links);
        expect(mine.addrs).toEqual(theirs.addrs);
        expect(mine.routes).toEqual(theirs.routes);
        expect(mine).toEqual(theirs);
      }
      const d = parseNamespace(`${p}-d`, r.endpoint);
      expect(d.links.map((l) => `${l.name} ${l.kind ?? "-"}${l.mode === undefined ? "" : ` ${l.mode}`}`)).toEqual(["lo -", "eth0 macvlan bridge", "x1 veth", "x0 veth", "br1 bridge"]);
      expect(d.addrs.filter((a) => a.scope === "global").map((a) => a.cidr)).toEqual(["10.0.0.2/24", "fd00::2/64", "192.168.5.1/30", "fd05::1/126"]);
      expect(d.routes.filter((x) => x.proto !== "kernel").map((x) => `${x.family} ${x.dst} ${x.via ?? x.dev ?? ""}${x.metric === undefined ? "" : ` ${x.metric}`}`)).toEqual([
        "4 default 10.0.0.1", "4 10.9.0.0/16 10.0.0.254 10", "4 192.168.9.9/32 x0", "6 default fd00::1 1024",
      ]);
    });

    it("leaves nothing once the library deletes the namespaces", async () => {
      const out = await drive<{ removed: string[] }>(runtime, "cleanup", [p]);
      expect(out.removed).toEqual([`${p}-d`, `${p}-h`]);
    });
  });
});
