/**
 * The hand-written baseline of a test fixture: the 3-endpoint sandboxed lab a test gets from
 * `underlay/testing`, built the way a test author would by hand — one `ip -batch` creating the
 * namespaces, one in the sandbox host namespace creating its stand-in `eth0` and the endpoints'
 * macvlans in place, one per endpoint (lo up, address, eth0 up, default route), two at a time,
 * and the hosts files written in-process; down is one `ip -batch` of `netns del` and the hosts
 * files removed. (What underlay does besides: ownership marks, a journal, a lock, a state read.)
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { mapLimit } from "../../sdk/lib/map-limit.ts";
import { exec, inNetns } from "./baselines/exec.ts";

/** The endpoints of the fixture lab. */
export const FIXTURE_ENDPOINTS = ["a", "b", "c"] as const;

/** A hand-made lab: its name and namespaces. */
export interface HandLab {
  readonly name: string;
  readonly namespaces: readonly string[];
}

/**
 * Brings the hand-written 3-endpoint lab `name` up (macvlan bridge on a stand-in bridge `eth0`
 * in `<name>-h`, 10.50.0.0/24, gateway .1, endpoints .2–.4).
 *
 * @example
 * ```ts
 * const l = await handLabUp("hb1a2b0");
 * await handLabDown(l);
 * ```
 */
export async function handLabUp(name: string): Promise<HandLab> {
  const host = `${name}-h`;
  const eps = FIXTURE_ENDPOINTS.map((e) => `${name}-${e}`);
  await exec(["ip", "-batch", "-"], { input: [host, ...eps].map((ns) => `netns add ${ns}\n`).join("") });
  await exec(inNetns(host, ["ip", "-batch", "-"]), {
    input: `link add eth0 type bridge\nlink set eth0 up\n${eps.map((ns) => `link add eth0 netns ${ns} link eth0 type macvlan mode bridge\n`).join("")}`,
  });
  await mapLimit(eps, 2, (ns, i) =>
    exec(inNetns(ns, ["ip", "-batch", "-"]), { input: `link set lo up\naddr add 10.50.0.${i + 2}/24 dev eth0\nlink set eth0 up\nroute add default via 10.50.0.1 dev eth0\n` }),
  );
  const hosts = ["127.0.0.1\tlocalhost", ...FIXTURE_ENDPOINTS.map((e, i) => `10.50.0.${i + 2}\t${e}`)].join("\n");
  for (const ns of eps) {
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/hosts`, `${hosts}\n`);
  }
  return { name, namespaces: [...eps, host] };
}

/**
 * Takes a hand-written lab down: one `ip -batch` of `netns del`, hosts files removed in-process.
 *
 * @example
 * ```ts
 * await handLabDown(await handLabUp("hb1a2b0"));
 * ```
 */
export async function handLabDown(lab: HandLab): Promise<void> {
  await exec(["ip", "-force", "-batch", "-"], { input: lab.namespaces.map((ns) => `netns del ${ns}\n`).join("") });
  for (const ns of lab.namespaces) rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
}
