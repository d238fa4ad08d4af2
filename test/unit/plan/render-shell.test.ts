/**
 * `toShell()` can only ever run the plan: plans whose every user-controlled field holds hostile
 * text (quotes, `$(…)`, backticks, newlines, a heredoc terminator, control characters, a leading
 * `-`; never NUL, which no argument can carry) render to scripts that `bash -n` accepts and that, run with every program replaced by a
 * recorder, run exactly the plan's commands with exactly its arguments — and nothing else (a
 * canary file that any injected command would create never appears).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { iproute2, lab, net, type Op, type PlanData } from "../../../sdk/index.ts";
import { toShell } from "../../../sdk/plan/render-shell.ts";

const dir = mkdtempSync(join(tmpdir(), "underlay-shell-"));
const bin = join(dir, "bin");
const log = join(dir, "calls");
const canary = join(dir, "canary");
execFileSync("mkdir", ["-p", bin]);
// Every program the script may start records its name and arguments — its argument count, then
// every field NUL-terminated, in one printf (one write: a pipeline's two programs append at once) —
// and succeeds; `ip … show` prints nothing. Builtins only: PATH holds nothing but the recorders.
const recorder = `#!/bin/bash\nprintf '%s\\0' "$#" "\${0##*/}" "$@" >> ${JSON.stringify(log)}\nwhile IFS= read -r _; do :; done\nexit 0\n`;
for (const program of ["ip", "nsenter", "sysctl", "sh", "grep", "touch", "rm", "mkdir"]) {
  writeFileSync(join(bin, program), recorder);
  chmodSync(join(bin, program), 0o755);
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Texts an attacker would try, each of which would create the canary if it ever ran. */
const HOSTILE = [
  `'; touch ${canary}; '`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `x\ntouch ${canary}\n`,
  `x\rtouch ${canary}`,
  `UNDERLAY_INPUT\ntouch ${canary}\nUNDERLAY_INPUT`,
  `"; touch ${canary}; "`,
  `-rf`,
  `\\'$(touch ${canary})`,
  `a\u0007b\u001b[31m`,
];

const base = lab("sh", { host: "sh-h", sandbox: true })
  .endpoint("web", net.macvlan("pub").parent("eth0.50").subnet("10.70.0.0/24").subnet("fd00:70::/64").hostAccess({ ip: "10.70.0.250" }), { ip: "10.70.0.10" })
  .endpoint("db", net.macvlan("pub").parent("eth0.50").subnet("10.70.0.0/24").subnet("fd00:70::/64").hostAccess({ ip: "10.70.0.250" }))
  .plan()
  .toJSON();

/** The plan with hostile text in every field a user controls (names, addresses, summaries, file content…). */
function poisoned(t: (i: number) => string): PlanData {
  let i = 0;
  const next = (): string => t(i++);
  // Ids are poisoned too, and a step that depends on another names that one's new id.
  const ids = new Map(base.ops.map((o, k) => [o.id, `${next()}#${k}`]));
  const op = (o: Op): Op => {
    const common = { ...o, netns: o.netns === null ? null : next(), summary: next(), id: ids.get(o.id) as string, ...(o.dependsOn === undefined ? {} : { dependsOn: ids.get(o.dependsOn) as string }) };
    switch (o.kind) {
      case "netns-add":
        return { ...o, ...common, netns: null, name: next() } as Op;
      case "hosts-file":
        return { ...o, ...common, netns: null, namespaces: [next(), next()], content: next() } as Op;
      case "addr-add":
        return { ...o, ...common, dev: next(), cidr: next() } as Op;
      case "route-add":
        return { ...o, ...common, dev: next(), dst: next(), via: next() } as Op;
      case "link-add":
        return { ...o, ...common, dev: next(), target: next(), link: { ...o.link, parent: next(), mode: next(), mac: next() } } as Op;
      case "shim-add":
        return { ...o, ...common, dev: next(), link: { ...o.link, parent: next(), mode: next() } } as Op;
      case "link-mark":
        return { ...o, ...common, dev: next(), alias: next(), from: next() } as Op;
      case "vlan-ensure":
        return { ...o, ...common, dev: next(), base: next() } as Op;
      case "parent-add":
      case "link-up":
        return { ...o, ...common, dev: next() } as Op;
      case "sysctl":
        return { ...o, ...common, settings: [{ key: next(), value: next() }] } as Op;
    }
  };
  return { ...base, lab: next(), mark: next(), ops: base.ops.map(op) };
}

function run(script: string, action: "up" | "down"): { status: number | null; calls: string[][] } {
  const file = join(dir, "plan.sh");
  writeFileSync(file, script);
  rmSync(log, { force: true });
  const r = spawnSync("/bin/bash", [file, action], { env: { PATH: bin, HOME: dir }, input: "", encoding: "utf8" });
  const fields = existsSync(log) ? readFileSync(log, "utf8").split("\0") : [];
  const calls: string[][] = [];
  for (let at = 0; at + 1 < fields.length; ) {
    const count = Number(fields[at]);
    calls.push(fields.slice(at + 1, at + 2 + count));
    at += 2 + count;
  }
  return { status: r.status, calls };
}

/** What the script must run for `up`: each op's command, entered into its namespace. */
function expectedUp(plan: PlanData): string[][] {
  return plan.ops.flatMap((o) => {
    const c = iproute2(o);
    const call = c.netns === null ? [...c.argv] : ["nsenter", `--net=/run/netns/${c.netns}`, "--", ...c.argv];
    if (o.kind === "vlan-ensure") {
      // The ensure first asks whether the link exists (the recorder answers yes: nothing is created).
      return [c.netns === null ? ["ip", "link", "show", "dev", o.dev] : ["nsenter", `--net=/run/netns/${c.netns}`, "--", "ip", "link", "show", "dev", o.dev]];
    }
    if (o.dependsOn !== undefined) return [];
    return [call];
  });
}

describe("toShell with hostile text in every field", () => {
  it("renders scripts bash accepts, that run exactly the plan's commands and nothing else", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).map((x) => x.replace(/\0/g, "0"))), { minLength: 1, maxLength: 40 }), (texts) => {
        const plan = poisoned((i) => texts[i % texts.length] as string);
        const script = toShell(plan);
        expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
        const up = run(script, "up");
        expect(up.status).toBe(0);
        expect(existsSync(canary)).toBe(false);
        expect(up.calls).toEqual(expectedUp(plan));
        const down = run(script, "down");
        expect(existsSync(canary)).toBe(false);
        // Every program down starts is one the plan's undos (or the ownership check) name.
        const allowed = new Set(["ip", "nsenter", "sh", "grep"]);
        expect(down.calls.filter((c) => !allowed.has(c[0] as string))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps the standard input of a step (hosts file content) as one quoted argument, never a here-document", () => {
    const plan = poisoned(() => `UNDERLAY_INPUT\ntouch ${canary}`);
    const script = toShell(plan);
    expect(script).not.toContain("<<");
    const hosts = run(script, "up").calls.find((c) => c[0] === "sh");
    expect(hosts).toBeDefined();
  });
});
