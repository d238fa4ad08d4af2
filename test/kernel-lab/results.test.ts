/**
 * Where kernel-lab results go: test runs record them in the git-ignored cache of the checkout and
 * never touch the tracked `test/kernel-lab/RESULTS.md`; `npm run kernel-lab -- results` publishes
 * them there, for one guest kernel. Pure file work in a temporary checkout (no guest).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { publishResults, recordResults, resultsPaths } from "../../tasks/kernel-lab/results.ts";
import { parseResults, renderResults, type FileResults } from "../../tasks/kernel-lab/results-render.ts";

const run = (file: string, guestKernel: string, at: string, states: readonly string[]): FileResults => ({
  file,
  guestKernel,
  hostKernel: "6.18.0-host",
  at,
  rows: states.map((state, i) => ({ id: `${i + 1}`, title: `scenario ${i + 1} -- of ${file}`, state, ms: 1500 * (i + 1), notes: i === 0 ? ["a note -- with dashes"] : [] })),
});

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A checkout with the given kernel-lab test files (empty) and a tracked RESULTS.md saying "tracked". */
function checkout(files: readonly string[]): ReturnType<typeof resultsPaths> {
  const root = mkdtempSync(join(tmpdir(), "underlay-kl-results-"));
  roots.push(root);
  const paths = resultsPaths(root);
  mkdirSync(paths.tests, { recursive: true });
  for (const f of files) writeFileSync(join(paths.tests, f), "");
  writeFileSync(paths.tracked, "tracked\n");
  return paths;
}

describe("kernel-lab results", () => {
  it("the tests' results file is git-ignored in this checkout, the published one is tracked", () => {
    const paths = resultsPaths();
    const ignored = (p: string) => spawnSync("git", ["check-ignore", "-q", p], { cwd: paths.tests }).status;
    expect(ignored(paths.cached)).toBe(0);
    expect(ignored(paths.tracked)).toBe(1);
    expect(spawnSync("git", ["ls-files", "--error-unmatch", paths.tracked], { cwd: paths.tests }).status).toBe(0);
  });

  it("a test run replaces its own file's rows in the cache, drops files that are gone, and leaves the tracked file alone", async () => {
    const paths = checkout(["a.test.ts", "b.test.ts"]);
    await recordResults(run("a.test.ts", "6.1.0-57-amd64", "2026-12-01T10:00:00.000Z", ["pass", "fail"]), paths);
    await recordResults(run("gone.test.ts", "6.1.0-57-amd64", "2026-12-01T10:01:00.000Z", ["pass"]), paths);
    await recordResults(run("b.test.ts", "6.1.0-57-amd64", "2026-12-01T10:02:00.000Z", ["pass"]), paths);
    await recordResults(run("a.test.ts", "6.1.0-57-amd64", "2026-12-01T10:03:00.000Z", ["pass", "pass"]), paths);
    const data = parseResults(readFileSync(paths.cached, "utf8"));
    expect(Object.keys(data).sort()).toEqual(["a.test.ts", "b.test.ts"]);
    expect(data["a.test.ts"]?.rows.map((r) => r.state)).toEqual(["pass", "pass"]);
    expect(data["a.test.ts"]?.rows[0]?.notes).toEqual(["a note -- with dashes"]);
    expect(readFileSync(paths.tracked, "utf8")).toBe("tracked\n");
  });

  it("publishing writes the tracked file for the newest run's guest kernel and names the files left out", async () => {
    const paths = checkout(["a.test.ts", "b.test.ts", "c.test.ts"]);
    await recordResults(run("a.test.ts", "6.1.0-56-amd64", "2026-11-01T10:00:00.000Z", ["pass"]), paths);
    await recordResults(run("b.test.ts", "6.1.0-57-amd64", "2026-12-01T10:00:00.000Z", ["pass", "fail"]), paths);
    await recordResults(run("c.test.ts", "6.1.0-57-amd64", "2026-12-01T11:00:00.000Z", ["pass"]), paths);
    const report = await publishResults(paths);
    expect(report).toEqual({
      path: paths.tracked,
      guestKernel: "6.1.0-57-amd64",
      files: [
        { file: "b.test.ts", passed: 1, total: 2 },
        { file: "c.test.ts", passed: 1, total: 1 },
      ],
      dropped: [{ file: "a.test.ts", guestKernel: "6.1.0-56-amd64" }],
    });
    const text = readFileSync(paths.tracked, "utf8");
    expect(text).toContain("Guest kernel: `6.1.0-57-amd64` (Debian `linux-image-amd64` under qemu, TCG) — 2/3 scenarios passed.");
    expect(text).not.toContain("6.1.0-56-amd64");
    expect(Object.keys(parseResults(text))).toEqual(["b.test.ts", "c.test.ts"]);
    expect(parseResults(readFileSync(paths.cached, "utf8"))["a.test.ts"]?.guestKernel).toBe("6.1.0-56-amd64");
  });

  it("publishing without recorded results says which command records them and writes nothing", async () => {
    const paths = checkout(["a.test.ts"]);
    await expect(publishResults(paths)).rejects.toMatchObject({
      code: "PREFLIGHT",
      message: expect.stringContaining("run the kernel-lab tests first (`CI=true npx vitest run test/kernel-lab`"),
    });
    expect(readFileSync(paths.tracked, "utf8")).toBe("tracked\n");
    expect(existsSync(paths.cached)).toBe(false);
  });

  it("the rendered table reads back as the same data, with '--' kept inside the HTML comment", () => {
    const data = { "a.test.ts": run("a.test.ts", "6.1.0-57-amd64", "2026-12-01T10:00:00.000Z", ["pass", "fail"]) };
    const text = renderResults(data);
    expect(parseResults(text)).toEqual(data);
    const comment = text.slice(text.indexOf("<!-- kernel-lab-data") + 4);
    expect(comment.indexOf("--")).toBe(comment.length - "-->\n".length);
    expect(text).toContain("| 1. scenario 1 -- of a.test.ts | ✓ passed | 1.5 s | `a.test.ts` |");
    expect(text).toContain("| 2. scenario 2 -- of a.test.ts | ✗ FAILED | 3.0 s | `a.test.ts` |");
  });
});
