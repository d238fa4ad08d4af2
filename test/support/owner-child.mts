/**
 * Child process for the ownership tests: brings a lab up or down in its own process, then exits
 * (or, for `up-hold`, waits until killed). Prints `OK <json>` or `ERR <code> <message>`.
 * Environment: UL_LAB, UL_STATE, UL_ACTION = up | up-persist | up-hold | down | down-force.
 */
import { lab, net, UnderlayError } from "../../sdk/index.ts";

const name = process.env.UL_LAB as string;
const stateDir = process.env.UL_STATE as string;
const action = process.env.UL_ACTION ?? "up";
const pub = net.macvlan("pub").parent("eth0").subnet("10.73.0.0/24");
const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).endpoint("b", pub);

try {
  if (action.startsWith("up")) {
    const r = await l.up({ stateDir, handleSignals: false, persist: action === "up-persist" });
    console.log(`OK ${JSON.stringify({ changed: r.changed, pid: process.pid })}`);
    if (action === "up-hold") setInterval(() => {}, 1 << 30); // stay alive until killed
  } else {
    const r = await l.down({ stateDir, force: action === "down-force" });
    console.log(`OK ${JSON.stringify({ removed: r.removed })}`);
  }
} catch (e) {
  console.log(`ERR ${e instanceof UnderlayError ? e.code : "?"} ${(e as Error).message.split("\n")[0]}`);
  process.exitCode = 1;
}
