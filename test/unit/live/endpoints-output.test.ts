/**
 * Endpoint lookup from a plan (addresses per family, without prefix; an unknown name names the
 * ones there are), and the captured output of a program (both streams in order, lines matched,
 * only the last MiB of each stream kept).
 */
import { describe, expect, it } from "vitest";
import { lab, net } from "../../../sdk/index.ts";
import { endpointLookup } from "../../../sdk/live/endpoints.ts";
import { lineMatches, MAX_KEPT_BYTES, outputLog } from "../../../sdk/live/output-log.ts";
import { thrown } from "../../support/errors.ts";

describe("endpointLookup", () => {
  const pub = net.macvlan("pub").parent("eth0").subnet("192.168.50.0/24").subnet("2001:db8:50::/64");
  const iso = net.macvlan("iso").parent("eth1").subnet("10.1.0.0/24");
  const plan = lab("demo", { host: "demo-h", sandbox: true }).endpoint("web", pub, { ip: "192.168.50.10" }).endpoint("web", iso).endpoint("db", pub).plan();
  const find = endpointLookup("demo", plan.endpoints);

  it("gives the namespace, the interfaces, and the addresses per family without prefix length", () => {
    const web = find("web");
    expect(web.netns).toBe("demo-web");
    expect(web.ipv4).toEqual(["192.168.50.10", "10.1.0.2"]);
    expect(web.ipv6).toEqual(["2001:db8:50::2"]);
    expect(web.interfaces.map((i) => ({ name: i.name, network: i.network, ipv4: i.ipv4, ipv6: i.ipv6 }))).toEqual([
      { name: "eth0", network: "pub", ipv4: ["192.168.50.10"], ipv6: ["2001:db8:50::2"] },
      { name: "eth1", network: "iso", ipv4: ["10.1.0.2"], ipv6: [] },
    ]);
    expect(web.interfaces[0]?.cidrs).toEqual(["192.168.50.10/24", "2001:db8:50::2/64"]);
    expect(find("web")).toBe(web);
  });

  it("an unknown endpoint is a USAGE error listing the endpoints there are", () => {
    const e = thrown(() => find("wbe"));
    expect(e.code).toBe("USAGE");
    expect(e.message).toBe('lab demo has no endpoint "wbe" — expected one of web, db');
  });
});

describe("outputLog", () => {
  it("keeps both streams in arrival order and each one alone", () => {
    const log = outputLog();
    log.add("stdout", "one\n");
    log.add("stderr", "two\n");
    log.add("stdout", "three");
    expect(log.text()).toBe("one\ntwo\nthree");
    expect(log.text("stdout")).toBe("one\nthree");
    expect(log.text("stderr")).toBe("two\n");
  });

  it("finds the first matching line, complete or not", () => {
    const log = outputLog();
    log.add("stdout", "starting\nlistening on 8080");
    expect(log.find("listening")).toBe("listening on 8080");
    expect(log.find(/^start/)).toBe("starting");
    expect(log.find("nothing")).toBeNull();
    expect(lineMatches("abc", /b/g) && lineMatches("abc", /b/g)).toBe(true);
  });

  it("keeps only the last MiB of a stream", () => {
    const log = outputLog();
    const chunk = "x".repeat(64 * 1024);
    for (let i = 0; i < 20; i++) log.add("stdout", chunk);
    log.add("stderr", "kept");
    expect(log.text("stdout").length).toBe(MAX_KEPT_BYTES);
    expect(log.text("stderr")).toBe("kept");
  });

  it("tells subscribers about every chunk until they stop listening", () => {
    const log = outputLog();
    let calls = 0;
    const stop = log.subscribe(() => calls++);
    log.add("stdout", "a");
    stop();
    log.add("stdout", "b");
    expect(calls).toBe(1);
  });
});
