/**
 * Child process for the crash tests: brings up (or tears down) a lab defined by environment
 * variables, printing one line per finished step — pausing after each command (UL_PAUSE ms, through
 * a wrapper without the fan-out) so the parent can SIGKILL it at a chosen point, or with the
 * default executor at full speed (no UL_PAUSE) for random kill points.
 */
import { lab, localExecutor, net, type Executor, iproute2Executor } from "../../sdk/index.ts";

const name = process.env.UL_LAB as string;
const stateDir = process.env.UL_STATE as string;
const action = process.env.UL_ACTION ?? "up";
const pauseMs = Number(process.env.UL_PAUSE ?? "0");

const pub = net.macvlan("pub").parent("eth0").subnet("10.71.0.0/24").subnet("fd00:71::/64");
const iso = net.macvlan("iso").subnet("10.72.0.0/24").internal();
// UL_ENDPOINTS=n: a lab of n endpoints (e0…), alternately on pub and on both networks; else the small a/b/c lab.
const count = Number(process.env.UL_ENDPOINTS ?? "0");
const small = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub).endpoint("b", pub).endpoint("b", iso).endpoint("c", iso);
const l = count === 0 ? small : Array.from({ length: count }, (_, i) => i).reduce((b, i) => (i % 2 === 0 ? b.endpoint(`e${i}`, pub) : b.endpoint(`e${i}`, pub).endpoint(`e${i}`, iso)), lab(name, { host: `${name}-h`, sandbox: true }));

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
  // Without a pause, the default executor (fan-out and all) runs the lab.
  await l.up({ ...(pauseMs > 0 ? { executor: slow } : {}), stateDir, handleSignals: process.env.UL_SIGNALS === "1", onEvent: (e) => { if (e.type === "op-done") console.log(`done ${e.id}`); } });
  console.log("UP-OK");
} else if (action === "verify") {
  const r = await l.verify({ stateDir, throwOnDrift: false });
  console.log(JSON.stringify(r));
} else {
  const r = await l.down({ stateDir });
  console.log(`DOWN-OK ${r.removed}`);
}
