/**
 * The public surface is never changed by accident: the committed API reports (`api/*.api.md`, one
 * per entry of package.json) and deno.json must equal what a fresh build generates — a change to
 * an export is a visible diff, made with `npm run api`. And the package is ready for JSR:
 * `deno publish --dry-run` passes, with no slow types.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedFiles, outdatedFiles, type Generated } from "../../tasks/package/index.ts";
import { MANIFEST, ROOT, run, shown, TOOLS } from "./support.ts";

let generated: readonly Generated[] = [];
const scratch = mkdtempSync(join(tmpdir(), "underlay-surface-"));

beforeAll(() => {
  generated = generatedFiles(ROOT);
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("API reports", () => {
  it("one per entry point of package.json, plus deno.json", () => {
    expect(generated.map((g) => g.path)).toEqual([...MANIFEST.entries.map((e) => `api/${e.reportName}.api.md`), "deno.json"]);
  });

  it("list each entry's exports with their types", () => {
    const report = (name: string): string => generated.find((g) => g.path === `api/${name}.api.md`)?.text ?? "";
    expect(report("underlay")).toContain("export function lab(name: string, options?: LabOptions): LabBuilder;");
    expect(report("underlay")).toMatch(/^export class UnderlayError extends Error \{$/m);
    expect(report("underlay-ipam")).toMatch(/^export class SubnetPool \{$/m);
    expect(report("underlay-tasks")).toMatch(/^export function defineTasks\(/m);
  });

  it("the committed files match the build (else: npm run api, review, commit)", () => {
    expect(outdatedFiles(ROOT, generated), "out of date — run `npm run api`, review the diff of api/ and deno.json, and commit it").toEqual([]);
  });

  it("the comparison sees a changed report and a report of an entry that is gone", () => {
    mkdirSync(join(scratch, "api"));
    for (const g of generated) writeFileSync(join(scratch, g.path), g.text);
    writeFileSync(join(scratch, "api/underlay-removed.api.md"), "old");
    const changed = generated.map((g, i) => (i === 0 ? { ...g, text: `${g.text}export declare const added: number;\n` } : g));
    expect(outdatedFiles(scratch, changed)).toEqual([generated[0]?.path, "api/underlay-removed.api.md"].sort());
  });
});

describe("JSR", () => {
  it("deno publish --dry-run passes: no slow types, no missing license, sources only", async () => {
    const r = await run(TOOLS.deno, ["publish", "--dry-run", "--allow-dirty"], { cwd: ROOT });
    expect(r.code, shown(r)).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain("Checking for slow types in the public API...");
    expect(out).not.toMatch(/error\[/); // e.g. error[missing-explicit-return-type], a slow type
    // The only warnings: the netlink layer loads `bun:ffi` (on Bun) and koffi (an optional
    // dependency, on Node) by a computed specifier, so that neither is resolved where it is not used.
    const warnings = [...out.matchAll(/warning\[([a-z-]+)\][^\n]*\n\s*(?:\S*\s*)?-->\s*\S*?([^/\s]+\.ts)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(warnings.sort()).toEqual(["unanalyzable-dynamic-import libc-bun.ts", "unanalyzable-dynamic-import libc-koffi.ts"]);
    expect(out).toContain(`Simulating publish of @underlay/underlay@${MANIFEST.version}`);
    const files = [...out.matchAll(/file:\/\/\S+?\/((?:sdk|tasks)\/\S+\.ts)/g)].map((m) => m[1] ?? "");
    expect(files).toEqual(expect.arrayContaining(MANIFEST.entries.map((e) => e.source)));
    expect(files.filter((f) => /(^|\/)(test|bench)\/|\.test\.ts$|^tasks\/kernel-lab\/|\/cli\//.test(f))).toEqual([]);
  }, 180_000);
});
