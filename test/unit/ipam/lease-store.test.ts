import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { openLeaseStore, type LeaseStore } from "../../../sdk/ipam/lease-store.ts";
import { rejection } from "../../support/errors.ts";

const pool = { cidr: "192.168.50.0/24", gatewayPolicy: "first" } as const;
let dir: string;
let path: string;
let store: LeaseStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ul-lease-"));
  path = join(dir, "sub", "leases.json");
  store = openLeaseStore(path, { timeoutMs: 2000 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** Writes a lock file as another holder would. */
async function plantLock(holder: { pid: number; host: string; at: number; token: string }): Promise<void> {
  await mkdir(join(dir, "sub"), { recursive: true });
  await writeFile(`${path}.lock`, JSON.stringify(holder));
}

/** The pid of a process that has exited (so it is certainly not alive). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("lease store — one process", () => {
  it("leases the lowest free address (gateway reserved), creating the file and its directory", async () => {
    expect(await store.list()).toEqual([]);
    expect(await store.lease("demo/web/pub", pool)).toBe("192.168.50.2");
    expect(await store.lease("demo/db/pub", pool)).toBe("192.168.50.3");
    const leases = await store.list();
    expect(leases.map((l) => [l.owner, l.pool, l.address])).toEqual([
      ["demo/web/pub", "192.168.50.0/24", "192.168.50.2"],
      ["demo/db/pub", "192.168.50.0/24", "192.168.50.3"],
    ]);
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ version: 1 });
  });

  it("is idempotent per owner and pool", async () => {
    expect(await store.lease("a", pool)).toBe("192.168.50.2");
    expect(await store.lease("a", pool)).toBe("192.168.50.2");
    expect(await store.list()).toHaveLength(1);
  });

  it("one owner may hold an IPv4 and an IPv6 lease", async () => {
    expect(await store.lease("a", pool)).toBe("192.168.50.2");
    expect(await store.lease("a", { cidr: "2001:db8:50::/64", gatewayPolicy: "first" })).toBe("2001:db8:50::2");
  });

  it("a wanted address is leased if free, and refused (naming the holder) if leased", async () => {
    expect(await store.lease("a", pool, "192.168.50.77")).toBe("192.168.50.77");
    const e = await rejection(store.lease("b", pool, "192.168.50.77"));
    expect(e.code).toBe("LEASE");
    expect(e.message).toMatch(/192\.168\.50\.77 .*already leased to "a"/);
    expect((await rejection(store.lease("c", pool, "192.168.50.1"))).message).toMatch(/is the gateway of 192\.168\.50\.0\/24/);
    expect((await rejection(store.lease("c", pool, "10.0.0.1"))).code).toBe("INVALID_SPEC");
    expect((await rejection(store.lease("a", pool, "192.168.50.78"))).message).toMatch(/already holds 192\.168\.50\.77/);
  });

  it("release then re-lease gives the same address back (no 'Address already in use')", async () => {
    const a = await store.lease("lab/a/pub", pool);
    await store.lease("lab/b/pub", pool);
    expect(await store.release("lab/a/pub")).toBe(1);
    expect(await store.lease("lab/c/pub", pool)).toBe(a);
    // And a specific released address can be asked for again at once.
    expect(await store.release("lab/c/pub")).toBe(1);
    expect(await store.lease("lab/d/pub", pool, a)).toBe(a);
  });

  it("release by prefix takes `lab/…` but not `lab2/…`", async () => {
    await store.lease("lab/a/pub", pool);
    await store.lease("lab/b/pub", pool);
    await store.lease("lab2/a/pub", pool);
    expect(await store.release("lab")).toBe(2);
    expect((await store.list()).map((l) => l.owner)).toEqual(["lab2/a/pub"]);
    expect(await store.release("nobody")).toBe(0);
    expect((await rejection(store.release(""))).code).toBe("USAGE");
  });

  it("pool exhausted: POOL_EXHAUSTED naming the pool", async () => {
    const tiny = { cidr: "10.0.0.0/30", gatewayPolicy: "first" } as const;
    expect(await store.lease("a", tiny)).toBe("10.0.0.2");
    const e = await rejection(store.lease("b", tiny));
    expect(e.code).toBe("POOL_EXHAUSTED");
    expect(e.message).toMatch(/no free IPv4 address left in 10\.0\.0\.0\/30/);
  });

  it("leaseAll is all or nothing", async () => {
    await store.lease("x", pool, "192.168.50.9");
    const before = await readFile(path, "utf8");
    const e = await rejection(
      store.leaseAll([
        { owner: "a", pools: [pool] },
        { owner: "b", pools: [pool], want: "192.168.50.9" },
      ]),
    );
    expect(e.code).toBe("LEASE");
    expect(await readFile(path, "utf8")).toBe(before);
  });

  it("leaseAll tries the pools in order", async () => {
    const tiny = { cidr: "10.0.0.0/30", gatewayPolicy: "first" } as const;
    const next = { cidr: "10.0.1.0/24", gatewayPolicy: "first" } as const;
    expect(await store.leaseAll([{ owner: "a", pools: [tiny, next] }, { owner: "b", pools: [tiny, next] }])).toEqual(["10.0.0.2", "10.0.1.2"]);
  });

  it("concurrent calls in one process, through one or two store objects, never collide", async () => {
    const other = openLeaseStore(path);
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? store : other).lease(`o${i}`, pool)));
    expect(new Set(got).size).toBe(40);
    expect(await store.list()).toHaveLength(40);
  });

  it("a corrupt file is reported, not overwritten", async () => {
    await store.lease("a", pool);
    await writeFile(path, "{ not json");
    const e = await rejection(store.lease("b", pool));
    expect(e.code).toBe("LEASE");
    expect(e.message).toMatch(/is not valid JSON — fix it or delete it/);
    expect(await readFile(path, "utf8")).toBe("{ not json");
  });

  it("leaves no temporary or lock files behind", async () => {
    await store.lease("a", pool);
    await store.release("a");
    expect(await readdir(join(dir, "sub"))).toEqual(["leases.json"]);
  });
});

describe("lease store — the lock", () => {
  it("breaks a stale lock left by a dead process", async () => {
    await store.lease("a", pool);
    await plantLock({ pid: deadPid(), host: hostname(), at: Date.now(), token: "dead" });
    expect(await store.lease("b", pool)).toBe("192.168.50.3");
    expect(await readdir(join(dir, "sub"))).toEqual(["leases.json"]);
  });

  it("breaks a lock older than staleMs even if its pid lives (pid reuse)", async () => {
    const s = openLeaseStore(path, { timeoutMs: 2000, staleMs: 1000 });
    await plantLock({ pid: process.pid, host: hostname(), at: Date.now() - 5000, token: "old" });
    expect(await s.lease("a", pool)).toBe("192.168.50.2");
  });

  it("waits for a live holder, then gives up with LEASE naming the holder", async () => {
    const s = openLeaseStore(path, { timeoutMs: 300 });
    await plantLock({ pid: process.pid, host: hostname(), at: Date.now(), token: "live" });
    const t = Date.now();
    const e = await rejection(s.lease("a", pool));
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    expect(e.code).toBe("LEASE");
    expect(e.message).toContain(`held by pid ${process.pid} on ${hostname()}`);
    // The holder's lock is left alone.
    expect(JSON.parse(await readFile(`${path}.lock`, "utf8"))).toMatchObject({ token: "live" });
  });

  it("a lock on another host is never judged by pid", async () => {
    const s = openLeaseStore(path, { timeoutMs: 200 });
    await plantLock({ pid: deadPid(), host: "elsewhere.invalid", at: Date.now(), token: "remote" });
    expect((await rejection(s.lease("a", pool))).code).toBe("LEASE");
  });
});
