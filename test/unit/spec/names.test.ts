/**
 * The one name grammar: what it refuses and why, and — over generated names, hostile ones
 * included — that every name it accepts is safe wherever underlay passes it: never an option,
 * never an iproute2 keyword, no path separator, within IFNAMSIZ, what the kernel's
 * `dev_valid_name()` accepts, and one unchanged word in an `ip -batch` line.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchLine } from "../../../sdk/executor/iproute2/batch-lines.ts";
import { IP_LINK_WORDS, IP_OPERAND_WORDS, IP_PREFIX_WORDS } from "../../../sdk/spec/iproute2-words.ts";
import { dummyParentName, endpointNetns, nameProblem, pendingLinkName, shimName, type NameRole } from "../../../sdk/spec/names.ts";
import { ipBatchWords } from "../../support/ip-batch-words.ts";

const ROLES: readonly NameRole[] = ["lab", "endpoint", "namespace", "interface", "network"];
const KEYWORDS = [...IP_LINK_WORDS, ...IP_OPERAND_WORDS, ...IP_PREFIX_WORDS];
const ABBREVIATIONS = IP_PREFIX_WORDS.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1)));

/** The kernel's `dev_valid_name()` (net/core/dev.c), ported: what a link name must be. */
function devValidName(name: string): boolean {
  if (name === "" || new TextEncoder().encode(name).length >= 16 || name === "." || name === "..") return false;
  return ![...name].some((c) => c === "/" || c === ":" || /\s/.test(c));
}

/** Whether `strtol(name, &end, 0)` reads all of `name` (iproute2's `get_integer`): a namespace argument read as a pid. */
function readsAsInteger(name: string): boolean {
  return /^\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(name);
}

/** Whether `sscanf(name, "if%u", …)` matches: iproute2 reads a missing link of this name as an interface index. */
function readsAsIndex(name: string): boolean {
  return /^if\s*[+-]?[0-9]/.test(name);
}

/** Characters of generated names: the allowed ones and a sample of every kind the grammar must refuse. */
const CHARS = [..."abcdefhilmnptuwxy019_.-", " ", "\t", "\n", "\0", "/", ":", "%", '"', "'", "\\", "#", "$", ";", "`", "*", "é", "\u200b"];
const hostileName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...CHARS), minLength: 0, maxLength: 18 }),
  fc.constantFrom(...KEYWORDS, ...ABBREVIATIONS, "-", "--all", "-n", ".", "..", "../../x", "if2", "if-1", "1", "0x1f", "010", "foo%d", "eth0:1", "a b", "x\ny"),
  fc.tuple(fc.constantFrom("if", "-", ".", "0x", "ul"), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), maxLength: 9 })).map(([a, b]) => a + b),
);

describe("nameProblem: what every role refuses", () => {
  it.each(ROLES)("%s: empty, too long, other characters, a leading '-', '.' and '..'", (role) => {
    expect(nameProblem("", role)).toMatch(/must not be empty/);
    expect(nameProblem("x".repeat(role === "network" ? 65 : 16), role)).toMatch(/must be at most (15|64) bytes/);
    for (const bad of ["a b", "a/b", "a:b", "a%d", 'a"b', "a'b", "a\\b", "a#b", "a$b", "a;b", "é", "a\nb"]) expect(nameProblem(bad, role)).toMatch(/A-Z a-z 0-9 _ \. -/);
    for (const bad of ["-", "-x", "--all"]) expect(nameProblem(bad, role)).toMatch(/must not start with "-"/);
    expect(nameProblem(".", role)).toMatch(/must not be "\."/);
    expect(nameProblem("..", role)).toMatch(/must not be "\.\."/);
    expect(nameProblem(5, role)).toMatch(/must be a string but received 5 \(a number\)/);
  });

  it("every iproute2 keyword, for every role but network (network names never reach argv)", () => {
    for (const word of KEYWORDS) {
      // The longest ones (protodown_reason, gso_ipv4_max_size, …) are also over 15 bytes.
      const why = word.length > 15 ? /at most 15 bytes/ : /iproute2 keyword/;
      for (const role of ROLES.filter((r) => r !== "network")) expect(nameProblem(word, role), `${word} as ${role}`).toMatch(why);
      expect(nameProblem(word, "network")).toBeNull();
    }
    expect(nameProblem("help", "endpoint")).toMatch(/"help" is an iproute2 keyword/);
  });

  it("abbreviations of prefix-matched keywords, and if<N>, for interface names only", () => {
    expect(nameProblem("a", "interface")).toMatch(/"a" abbreviates the iproute2 keyword "address"/);
    expect(nameProblem("li", "interface")).toMatch(/abbreviates the iproute2 keyword "link"/);
    expect(nameProblem("he", "interface")).toMatch(/abbreviates the iproute2 keyword "help"/);
    expect(nameProblem("if2", "interface")).toMatch(/interface index/);
    expect(nameProblem("if-1", "interface")).toMatch(/interface index/);
    for (const role of ["lab", "endpoint", "namespace"] as const) {
      expect(nameProblem("a", role)).toBeNull();
      expect(nameProblem("if2", role)).toBeNull();
    }
  });

  it("numbers, for namespaces only (iproute2 reads netns 1 as the namespace of pid 1)", () => {
    for (const n of ["1", "42", "0x1f", "010"]) expect(nameProblem(n, "namespace")).toMatch(/process id/);
    expect(nameProblem("1", "endpoint")).toBeNull();
    expect(nameProblem("1a", "namespace")).toBeNull();
  });

  it("accepts ordinary names", () => {
    for (const n of ["eth0", "eth0.50", "demo-web", "pub_net", "up0", "u0", "host", "x"]) expect(nameProblem(n, "interface")).toBeNull();
    expect(nameProblem("a-network-name-that-is-longer-than-fifteen", "network")).toBeNull();
  });
});

describe("nameProblem: properties over generated names", () => {
  it("every accepted name is safe for its role", () => {
    fc.assert(
      fc.property(hostileName, fc.constantFrom(...ROLES), (name, role) => {
        if (nameProblem(name, role) !== null) return;
        expect(name.startsWith("-")).toBe(false);
        expect(name.includes("/")).toBe(false);
        expect([".", ".."]).not.toContain(name);
        expect(/[\s"'\\#$;`%:*]/.test(name)).toBe(false);
        expect(ipBatchWords(batchLine({ netns: null, argv: ["ip", "link", "add", name, "type", "dummy"] }))).toEqual(["link", "add", name, "type", "dummy"]);
        if (role === "network") return;
        expect(KEYWORDS).not.toContain(name);
        expect(devValidName(name)).toBe(true);
        if (role === "interface") {
          expect(ABBREVIATIONS).not.toContain(name);
          expect(readsAsIndex(name)).toBe(false);
        }
        if (role === "namespace") expect(readsAsInteger(name)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses exactly the unsafe among plain names (it does not refuse everything)", () => {
    const plain = fc.string({ unit: fc.constantFrom(..."abdefhilmnoprstuxy0129"), minLength: 1, maxLength: 15 });
    fc.assert(
      fc.property(plain, (name) => {
        const unsafe = KEYWORDS.includes(name) || ABBREVIATIONS.includes(name) || readsAsIndex(name);
        expect(nameProblem(name, "interface") !== null).toBe(unsafe);
      }),
      { numRuns: 2000 },
    );
  });

  it("derived names are checked like given ones: <lab>-<endpoint> is refused or a safe namespace; ul…, ulh…, ult… are always safe links", () => {
    const part = hostileName.filter((n) => nameProblem(n, "lab") === null);
    fc.assert(
      fc.property(part, part, (labName, endpoint) => {
        const ns = endpointNetns(labName, endpoint);
        if (nameProblem(ns, "namespace") === null) {
          expect(devValidName(ns)).toBe(true);
          expect(ns.startsWith("-")).toBe(false);
        }
        for (const link of [dummyParentName(labName, endpoint), shimName(labName, endpoint), pendingLinkName(ns, "eth0")]) {
          expect(link).toMatch(/^ul[ht]?[0-9a-f]{8}$/);
          expect(nameProblem(link, "interface")).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });
});
