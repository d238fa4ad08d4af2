/**
 * An up that dies between creating its endpoint links under their final names and marking them
 * (the form this kernel gets, see `capabilities().nameInTarget`) is completed by the next up.
 * The kernel lab proves the same for the temporary-name form on Debian's 6.1.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capabilities, lab, localExecutor, net, type Command, type ExecResult, type Executor, iproute2Executor } from "../../../sdk/index.ts";
import { netnsWithPrefix, removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("ucn");
const executor = localExecutor();

afterAll(() => {
  expect(removeNetnsWithPrefix(name), "namespaces left behind").toEqual([]);
});

describe.runIf(requireRoot("crash between create and mark"))("crash between creating endpoint links and marking them", () => {
  it("leaves eth0 unmarked; the next up (from the journal on disk) replaces those endpoints and converges", async () => {
    const caps = await capabilities(executor);
    const n = net.macvlan("n").subnet("10.71.0.0/24");
    const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", n).endpoint("b", n);
    const mark = `alias underlay:${name}`;
    // The process "dies" when it is about to mark the links: from then on nothing it sends runs and
    // it never rolls back — what a SIGKILL leaves: kernel state and the journal on disk.
    let dead = false;
    const dying = iproute2Executor({
      name: "local",
      run(c: Command): Promise<ExecResult> {
        if (!dead && c.netns !== null && c.netns !== `${name}-h` && (c.input ?? c.argv.join(" ")).includes(mark)) dead = true;
        return dead ? new Promise<ExecResult>(() => {}) : executor.run(c);
      },
    });
    const killedDir = mkdtempSync(join(tmpdir(), "underlay-cn-killed-"));
    const nextDir = mkdtempSync(join(tmpdir(), "underlay-cn-next-"));
    try {
      void l.up({ executor: dying, stateDir: killedDir, handleSignals: false });
      for (let i = 0; i < 400 && !dead; i++) await new Promise((r) => setTimeout(r, 25));
      expect(dead, "the run never reached the mark").toBe(true);
      const links = async (ns: string): Promise<{ ifname: string; ifalias?: string }[]> =>
        JSON.parse((await executor.run({ netns: ns, argv: ["ip", "-json", "link"] })).stdout) as { ifname: string; ifalias?: string }[];
      const eth0 = (await links(`${name}-a`)).find((k) => k.ifname === (caps.nameInTarget ? "eth0" : "missing"));
      if (caps.nameInTarget) expect(eth0 !== undefined && eth0.ifalias === undefined, JSON.stringify(eth0)).toBe(true);
      copyFileSync(join(killedDir, `${name}.journal`), join(nextDir, `${name}.journal`));

      const opts = { executor, stateDir: nextDir, handleSignals: false };
      await l.up(opts);
      expect((await l.verify(opts)).clean).toBe(true);
      for (const ep of ["a", "b"]) expect((await links(`${name}-${ep}`)).map((k) => `${k.ifname}:${k.ifalias ?? ""}`).sort()).toEqual([`eth0:underlay:${name}`, "lo:"]);
      const matrix = await l.check({ executor });
      expect(matrix.ok, matrix.table).toBe(true);
      await l.down(opts);
      expect(netnsWithPrefix(name)).toEqual([]);
    } finally {
      rmSync(killedDir, { recursive: true, force: true });
      rmSync(nextDir, { recursive: true, force: true });
    }
  });
});
