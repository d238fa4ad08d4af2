/**
 * Refused requests read like iproute2: for each failure (an existing link or address, a missing
 * device, parent, namespace or route, an MTU too large, a gateway off every connected network,
 * a link kind this kernel lacks, an existing or missing namespace), the netlink layer — under
 * Bun and Deno — reports exactly the line `ip` prints for the same command (run by the test), the
 * errno's name and number, and the runner (its hints and `alreadyGone`) reads both the same;
 * in a pipelined batch the failing request is the one named, and the others are applied.
 */
import { afterAll, describe, expect, it } from "vitest";
import { alreadyGone } from "../../../../sdk/runner/hints.ts";
import { drive, ffiRuntimes, ip, ipFails } from "./support.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../../support/netns.ts";

interface Case {
  what: string;
  ip: string[];
  got: { code: string; message: string; stderr?: string; errno?: number; errnoName?: string; argv?: string[] };
}

describe.runIf(requireRoot("netlink errors on the real kernel"))("netlink errors on the real kernel", () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const p of prefixes) expect(removeNetnsWithPrefix(`${p}-`), `namespaces left by ${p}`).toEqual([]);
  });

  it.each(ffiRuntimes)("under %s: the same words as ip for the same failure", async (runtime) => {
    const p = uniqueName("ne");
    prefixes.push(p);
    const r = await drive<{ cases: Case[]; pipelined: (string | null)[]; after: string[]; threads: unknown[] }>(runtime, "errors", [p]);
    // Replay each command with ip in the same state: rebuild the sandbox the driver used.
    ip("netns", "add", `${p}-h`);
    try {
      ip("-n", `${p}-h`, "link", "add", "p0", "up", "type", "bridge");
      ip("-n", `${p}-h`, "addr", "add", "10.5.0.1/24", "dev", "p0");
      const seen = r.cases.map((c) => {
        const theirs = ipFails(...c.ip);
        // The same words as ip's, so the runner's hints (read from the words) and its "already gone" agree too.
        return { what: c.what, stderr: c.got.stderr, ip: theirs.stderr, ipFailed: theirs.code !== 0, gone: alreadyGone(c.got.stderr ?? "") === alreadyGone(theirs.stderr) };
      });
      for (const s of seen) expect(s, s.what).toEqual({ what: s.what, stderr: s.ip, ip: s.ip, ipFailed: true, gone: true });
    } finally {
      ip("netns", "del", `${p}-h`);
    }
    const byWhat = new Map(r.cases.map((c) => [c.what, c.got]));
    expect(byWhat.get("create an existing link")).toMatchObject({ code: "EXEC", stderr: "RTNETLINK answers: File exists", errno: 17, errnoName: "EEXIST" });
    expect(byWhat.get("delete a missing link")).toMatchObject({ stderr: 'Cannot find device "nosuch"', errnoName: "ENODEV" });
    expect(byWhat.get("ipvlan on this kernel")).toMatchObject({ code: "UNSUPPORTED_KERNEL", stderr: "Error: Unknown device type.", errnoName: "EOPNOTSUPP" });
    expect(byWhat.get("an address already there")?.message).toMatch(/^ip -n \S+ addr add 10\.5\.0\.1\/24 dev p0: Error: ipv4: Address already assigned\. \[EEXIST 17\]$/);
    // Pipelined: each answer matched to its request by seq; the failing one does not stop the rest.
    expect(r.pipelined).toEqual([null, "Error: ipv4: Address already assigned.", null]);
    expect(r.after?.filter((a) => a.startsWith("10.5."))).toEqual(["10.5.0.1", "10.5.1.1", "10.5.2.1"]);
    expect(r.threads).toEqual([]);
  });
});
