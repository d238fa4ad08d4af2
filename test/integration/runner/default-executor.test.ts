/**
 * Which executor the runner uses by default, proven in the run itself: the netlink executor where
 * it can run (here, under Node through koffi, as root), unless `UNDERLAY_EXECUTOR` says
 * `iproute2` (the second vitest project); a wrong value is refused, naming what is accepted.
 */
import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/index.ts";
import { chooseExecutor, defaultExecutor } from "../../../sdk/runner/context.ts";
import { requireRoot } from "../../support/netns.ts";

describe.runIf(requireRoot("the default executor"))("the default executor", () => {
  it(`is ${process.env.UNDERLAY_EXECUTOR === "iproute2" ? "iproute2 (local), as UNDERLAY_EXECUTOR says" : "netlink"} in this run`, async () => {
    expect((await defaultExecutor()).name).toBe(process.env.UNDERLAY_EXECUTOR === "iproute2" ? "local" : "netlink");
  });

  it("is chosen by UNDERLAY_EXECUTOR: netlink, iproute2, and nothing else", async () => {
    expect((await chooseExecutor({}, "netlink")).name).toBe("netlink");
    expect((await chooseExecutor({}, "iproute2")).name).toBe("local");
    expect((await chooseExecutor({}, "")).name).toBe("netlink");
    const e = await chooseExecutor({}, "ip").then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(UnderlayError);
    expect((e as UnderlayError).code).toBe("USAGE");
    expect((e as Error).message).toBe('UNDERLAY_EXECUTOR: expected one of netlink, iproute2 (or unset for the default) but received "ip"');
  });
});
