/**
 * The lease store across real processes: several children (node+tsx, bun and deno, side by side)
 * lease concurrently from one file, and no address is ever handed out twice.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLeaseStore } from "../../../sdk/ipam/lease-store.ts";

const root = resolve(import.meta.dirname, "../../..");
const worker = join(root, "test/unit/ipam/lease-worker.ts");
const bin = (name: string): string => join(root, "node_modules/.bin", name);

/** Commands that run a TypeScript file, one per runtime. */
const RUNTIMES: Record<string, readonly string[]> = {
  node: [process.execPath, "--import", "tsx", worker],
  bun: [bin("bun"), worker],
  deno: [bin("deno"), "run", "-A", "--quiet", worker],
};

interface WorkerResult {
  readonly got: string[];
  readonly exhausted: number;
}

function run(runtime: string, args: readonly string[]): Promise<WorkerResult> {
  const [program, ...pre] = RUNTIMES[runtime] as readonly string[];
  return new Promise((done, fail) => {
    const child = spawn(program as string, [...pre, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) fail(new Error(`${runtime} worker exited ${code}: ${err}`));
      else done(JSON.parse(out.trim().split("\n").at(-1) as string) as WorkerResult);
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ul-xproc-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const workers = ["node", "bun", "deno", "node", "bun", "deno"] as const;
/** A start time far enough ahead for every runtime to boot, so the workers really overlap. */
const startSoon = (): string => String(Date.now() + 2500);

/** How often consecutive leases in the file change worker: proof that the workers interleaved. */
function switches(owners: readonly string[]): number {
  let n = 0;
  for (let i = 1; i < owners.length; i++) if (owners[i]?.split("/")[0] !== owners[i - 1]?.split("/")[0]) n++;
  return n;
}

describe("lease store across processes (node, bun, deno at once)", () => {
  it("six processes × 25 interleaved leases (with release + re-lease): 150 distinct addresses", async () => {
    const path = join(dir, "churn.json");
    const start = startSoon();
    const results = await Promise.all(workers.map((rt, i) => run(rt, ["churn", path, String(i), "25", "10.77.0.0/24", start])));
    const all = results.flatMap((r) => r.got);
    expect(all).toHaveLength(150);
    expect(new Set(all).size).toBe(150);
    expect(all).not.toContain("10.77.0.1"); // the gateway
    const leases = await openLeaseStore(path).list();
    expect(leases).toHaveLength(150);
    expect(new Set(leases.map((l) => l.address)).size).toBe(150);
    // Every lease in the file is what some worker was told it got.
    expect(new Set(leases.map((l) => l.address))).toEqual(new Set(all));
    expect(switches(leases.map((l) => l.owner))).toBeGreaterThan(2 * workers.length);
    expect((await readdir(dir)).filter((f) => f.startsWith("churn"))).toEqual(["churn.json"]);
  });

  it("a small pool shared by four processes: exactly its 29 addresses are handed out, the rest are refused", async () => {
    const path = join(dir, "small.json");
    const start = startSoon();
    const results = await Promise.all(workers.slice(0, 4).map((rt, i) => run(rt, ["lease", path, String(i), "10", "10.78.0.0/27", start])));
    const all = results.flatMap((r) => r.got);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(29); // 30 usable − gateway
    expect(results.reduce((n, r) => n + r.exhausted, 0)).toBe(40 - 29);
  });

  it("leaseLab from three processes on one shared network: disjoint labs", async () => {
    const path = join(dir, "labs.json");
    const start = startSoon();
    const results = await Promise.all(["node", "bun", "deno"].map((rt, i) => run(rt, ["lab", path, String(i), "20", "10.79.0.0/24", start])));
    const all = results.flatMap((r) => r.got);
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    const leases = await openLeaseStore(path).list();
    expect(leases.map((l) => l.owner).filter((o) => o.startsWith("w1/"))).toHaveLength(20);
  });
});
