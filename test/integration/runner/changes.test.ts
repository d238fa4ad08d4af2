/**
 * `changes()` on the real kernel: what `up` would change — steps to run, endpoint namespaces
 * replaced whole, owned steps the plan no longer has, extras made by hand — and nothing changes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { changes, lab, net } from "../../../sdk/index.ts";
import { removeNetnsWithPrefix, requireRoot, uniqueName } from "../../support/netns.ts";

const name = uniqueName("uc");
const stateDir = mkdtempSync(join(tmpdir(), "underlay-changes-"));
const opts = { stateDir, handleSignals: false } as const;
const pub = net.macvlan("pub").parent("eth0").subnet("10.84.0.0/24");
const sandbox = () => lab(name, { host: `${name}-h`, sandbox: true });

afterAll(() => {
  const left = removeNetnsWithPrefix(name);
  rmSync(stateDir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe.runIf(requireRoot("changes"))("changes() against the live kernel", () => {
  it("lists exactly what up would run, replace, remove and clean up — and changes nothing", async () => {
    const v1 = sandbox().endpoint("a", pub).endpoint("b", pub);
    const first = await v1.up(opts);
    try {
      expect((await changes(v1, opts)).run).toEqual([]);
      execFileSync("nsenter", [`--net=/run/netns/${name}-b`, "--", "ip", "addr", "add", "10.84.0.99/24", "dev", "eth0"]);
      // v2: a changes mode (replaced whole), b goes (its steps removed), c comes.
      const v2 = sandbox().endpoint("a", pub.mode("private")).endpoint("c", pub.mode("private"));
      const c = await changes(v2, opts);
      expect(c.replace).toEqual([`${name}-a`]);
      expect(c.remove.map((o) => o.id)).toContain(`netns:${name}-b`);
      expect(c.remove.map((o) => o.id)).toContain(`netns:${name}-a`);
      expect(c.run.map((o) => o.id)).toContain(`netns:${name}-c`);
      expect(c.run.filter((o) => o.scope === `${name}-a`).length).toBe(c.plan.ops.filter((o) => o.scope === `${name}-a`).length);
      // The address added by hand is in b, which goes whole: not listed as an extra.
      expect(c.extras).toEqual([]);
      const same = await changes(v1, opts);
      expect(same.run).toEqual([]);
      expect(same.extras).toEqual([`address 10.84.0.99/24 on eth0 in ${name}-b`]);
      expect(same.inPlace.length).toBe(first.plan.ops.length);
    } finally {
      await v1.down(opts);
    }
  });
});
