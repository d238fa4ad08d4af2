/**
 * Child process of the no-spawn test: brings a sandboxed lab up and down with the default
 * executor, between two marker directories it creates (`<marks>/start`, `<marks>/end`), so that a
 * tracer can tell the lab's work from the runtime's start-up. Prints one JSON line: which executor
 * ran and how many steps `up` and `down` did. Runs under Bun, Deno (`-A`) and Node (tsx).
 */
import { mkdirSync } from "node:fs";
import { lab, net } from "../../sdk/index.ts";
import { defaultExecutor } from "../../sdk/runner/context.ts";

const g = globalThis as { Deno?: { args: string[] } };
const [name, stateDir, marks] = g.Deno?.args ?? process.argv.slice(2);
if (name === undefined || stateDir === undefined || marks === undefined) throw new Error("usage: no-spawn-child <lab> <state-dir> <marks-dir>");
const pub = net.macvlan("pub").parent("eth0").subnet("10.73.0.0/24").subnet("fd00:73::/64").hostAccess({ ip: "10.73.0.250" });
const iso = net.macvlan("iso").subnet("10.74.0.0/24").internal();
const l = lab(name, { host: `${name}-h`, sandbox: true }).endpoint("a", pub, { ip: "10.73.0.10" }).endpoint("b", pub).endpoint("b", iso).endpoint("c", iso);

mkdirSync(`${marks}/start`);
const executor = await defaultExecutor();
const up = await l.up({ stateDir, handleSignals: false });
const down = await l.down({ stateDir });
mkdirSync(`${marks}/end`);
console.log(JSON.stringify({ executor: executor.name, up: up.changed, down: down.removed }));
