/**
 * Child process for the crash test: brings up (or tears down) a lab defined by environment
 * variables, printing one line per finished step, pausing after each so the parent can SIGKILL
 * it at a chosen point.
 */
import { lab, localExecutor, net, type Executor, iproute2Executor } from "../../sdk/index.ts";

const name = process.env.UL_LAB as string;
const stateDir = process.env.UL_STATE as string;
const action = process.env.UL_ACTION ?? "up";
const pauseMs = Number(process.env.UL_PAUSE ?? "0");

const pub = net.macvlan("pub").parent("eth0").subnet("10.71.0.0/24").subnet("fd00:71::/64");
const iso = net.macvlan("iso").subnet("10.72.0.0/24").internal();
const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).endpoint("b", pub).endpoint("b", iso).endpoint("c", iso);

const local = localExecutor();
const slow = iproute2Executor({
  name: "local",
  async run(c) {
    const r = await local.run(c);
    if (pauseMs > 0) await new Promise((res) => setTimeout(res, pauseMs));
    return r;
  },
});

if (action === "up") {
  await l.up({ executor: slow, stateDir, handleSignals: process.env.UL_SIGNALS === "1", onEvent: (e) => { if (e.type === "op-done") console.log(`done ${e.id}`); } });
  console.log("UP-OK");
} else if (action === "verify") {
  const r = await l.verify({ stateDir, throwOnDrift: false });
  console.log(JSON.stringify(r));
} else {
  const r = await l.down({ stateDir });
  console.log(`DOWN-OK ${r.removed}`);
}
