import { describe, expect, it } from "vitest";
import { cpuTimes, settleCpu } from "../../../tasks/bench/settle.ts";

describe("settleCpu", () => {
  it("reads busy and total jiffies from /proc/stat's first line (idle and iowait are not busy)", () => {
    const stat = "cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\n";
    expect(cpuTimes(stat)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 10, total: 990 });
  });

  it("waits at least the quiet streak, and gives up after maxMs on a machine that never quiets", async () => {
    const quick = await settleCpu({ quiet: 1.01, intervalMs: 20, streak: 2 });
    expect(quick.waitedMs).toBeGreaterThanOrEqual(38);
    const never = await settleCpu({ quiet: -1, intervalMs: 20, streak: 2, maxMs: 120 });
    expect(never.waitedMs).toBeGreaterThanOrEqual(118);
    expect(never.waitedMs).toBeLessThan(1000);
  });
});
