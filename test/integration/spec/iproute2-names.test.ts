/**
 * Why the name grammar refuses what it refuses, shown on this machine's iproute2 and kernel in a
 * throwaway namespace: `ip link add <keyword> …` never creates a link of that name (iproute2
 * reads the word as a keyword, abbreviations included), `ip link del if<N>` deletes interface
 * index N when no `if<N>` exists, the kernel expands `%d` and refuses `all` and `default` — and
 * every name the grammar accepts reaches the kernel unchanged through an `ip -batch` line.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchLine } from "../../../sdk/executor/iproute2/batch-lines.ts";
import { IP_LINK_WORDS, IP_PREFIX_WORDS } from "../../../sdk/spec/iproute2-words.ts";
import { nameProblem } from "../../../sdk/spec/names.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const prefix = uniqueName("uin");
const ns = `${prefix}-s`;

/** Keywords newer than some iproute2: the version that first reads them (older ones create a link of that name). */
const SINCE: Readonly<Record<string, readonly number[]>> = { inet: [7, 1, 0] };

function ipVersion(): number[] {
  const m = /iproute2-(?:ss)?(\d+)\.(\d+)\.(\d+)/.exec(execFileSync("ip", ["-V"], { encoding: "utf8" }));
  return m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
}
const atLeast = (v: readonly number[], min: readonly number[]): boolean => {
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
  return true;
};

/** Runs `ip -n <sandbox> …` (the exit code is not asserted: many words end in a usage error). */
const ip = (args: readonly string[], input?: string) => spawnSync("ip", ["-n", ns, ...args], { encoding: "utf8", ...(input === undefined ? {} : { input }) });

function links(): { ifname: string; ifindex: number }[] {
  return JSON.parse(ip(["-json", "link", "show"]).stdout || "[]") as { ifname: string; ifindex: number }[];
}

/** Removes every link of the sandbox namespace but `lo` (one batch). */
function clear(): void {
  const left = links().filter((l) => l.ifname !== "lo");
  if (left.length > 0) ip(["-force", "-batch", "-"], `${left.map((l) => batchLine({ netns: null, argv: ["ip", "link", "del", "dev", l.ifname] })).join("\n")}\n`);
  expect(links().map((l) => l.ifname)).toEqual(["lo"]);
}

afterAll(() => {
  spawnSync("ip", ["netns", "del", ns]);
  expect(removeNetnsWithPrefix(prefix)).toEqual([]);
});

describe.runIf(requireRoot("iproute2 names"))("what iproute2 and the kernel make of the names underlay refuses", () => {
  beforeAll(() => {
    // `netns type` and `link-netns type` look up /run/netns/type: never let a keyword reach a namespace we did not create.
    expect(existsSync("/run/netns/type"), "a namespace named `type` exists; this test would move a link into it").toBe(false);
    execFileSync("ip", ["netns", "add", ns]);
  });

  it("ip link add <word> type bridge creates no link named <word>, for every keyword and every abbreviation of a prefix-matched one", () => {
    const version = ipVersion();
    const abbreviations = IP_PREFIX_WORDS.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1)));
    const words = [...new Set([...IP_LINK_WORDS, ...abbreviations])].filter((w) => w.length <= 15); // longer ones cannot be names anyway
    const created: string[] = [];
    for (const word of words) {
      ip(["link", "add", word, "type", "bridge"]);
      const since = SINCE[word];
      const made = links().some((l) => l.ifname === word);
      if (since !== undefined && !atLeast(version, since)) expect(made, `${word}: iproute2 ${version.join(".")} predates the keyword`).toBe(true);
      else if (made) created.push(word);
      clear();
    }
    expect(created).toEqual([]);
    expect(words.length).toBeGreaterThan(100);
  });

  it("ip link del if<N> deletes interface index N when no link is named if<N>", () => {
    ip(["link", "add", "victim0", "type", "bridge"]);
    const victim = links().find((l) => l.ifname === "victim0");
    expect(victim).toBeDefined();
    ip(["link", "del", `if${victim?.ifindex}`]);
    expect(links().map((l) => l.ifname)).not.toContain("victim0");
    expect(nameProblem(`if${victim?.ifindex}`, "interface")).toMatch(/interface index/);
    clear();
  });

  it("the kernel expands %d in a name and refuses the names all and default", () => {
    ip(["link", "add", "foo%d", "type", "bridge"]);
    expect(links().map((l) => l.ifname)).toContain("foo0");
    clear();
    for (const word of ["all", "default"]) {
      expect(ip(["link", "add", word, "type", "bridge"]).stderr).toMatch(/Invalid argument/);
      expect(nameProblem(word, "interface")).toMatch(/iproute2 keyword/);
    }
    expect(nameProblem("foo%d", "interface")).toMatch(/A-Z a-z 0-9/);
    clear();
  });

  it("every generated name the grammar accepts reaches the kernel unchanged through ip -batch", () => {
    const unit = fc.constantFrom(..."abcdefhilmnoprstuxy0129_.-", " ", "/", ":", "%", '"', "'", "#", "\\");
    const names = [...new Set(fc.sample(fc.string({ unit, minLength: 1, maxLength: 15 }), { numRuns: 4000, seed: 20240611 }))].filter((n) => nameProblem(n, "interface") === null).slice(0, 100);
    expect(names.length).toBe(100);
    const batch = `${names.map((n) => batchLine({ netns: null, argv: ["ip", "link", "add", n, "type", "bridge"] })).join("\n")}\n`;
    const r = ip(["-batch", "-"], batch);
    expect(r.stderr).toBe("");
    expect(links().map((l) => l.ifname).filter((n) => n !== "lo").sort()).toEqual([...names].sort());
    clear();
  });
});
