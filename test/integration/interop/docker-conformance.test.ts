/**
 * The Docker conformance task in CI (it takes about a minute): the documents' macvlan scenarios on
 * a real Docker Engine (Debian docker.io, a private daemon) against `fromDocker` + `up`. Every
 * scenario must agree with the engine dialect, or differ only as its scenario explains; the
 * documents dialect must show the differences the README lists. Nothing may be left behind: no
 * daemon, no parent link, no namespace.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../tasks/conformance/index.ts";
import { SCENARIOS } from "../../../tasks/conformance/scenarios.ts";
import { netnsWithPrefix, requireRoot } from "../../support/netns.ts";

const dir = mkdtempSync(join(tmpdir(), "underlay-conformance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(requireRoot("Docker conformance"))("Docker conformance (real Docker Engine)", () => {
  it("every scenario agrees with Docker Engine, or differs only as explained; the documents dialect shows the documented differences", async () => {
    const daemonsBefore = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n").filter((l) => l.includes("ulconf-")).length;
    const out = join(dir, "results.md");
    const code = await main(["--out", out]);
    const text = readFileSync(out, "utf8");
    expect(code, text).toBe(0);
    const [engine, documents] = text.split("### fromDocker with the documents dialect");
    expect(engine).toContain(`of ${SCENARIOS.length} scenarios agree, 1 differ in an explained way, 0 differ without explanation.`);
    expect(engine).not.toContain("✗");
    // Where the documents and Docker Engine disagree (README): MACs, the --ip-range gateway, IPv6 without --ipv6.
    expect(documents).toContain("container 1 mac: Docker 02:42:ac:10:56:0a");
    expect(documents).toContain("container 1 default4: Docker via 192.168.32.128 — underlay via 192.168.32.1");
    expect(documents).toContain("container 1 default6: Docker none — underlay via 2001:db8:abc8::10");
    // Nothing left: no daemon of the run, no parent link, no namespace.
    expect(execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n").filter((l) => l.includes("ulconf-")).length).toBe(daemonsBefore);
    expect(execFileSync("ip", ["-br", "link"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith("ulk"))).toEqual([]);
    expect(netnsWithPrefix("uk")).toEqual([]);
  }, 600_000);
});
