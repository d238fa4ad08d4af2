/**
 * Runs one netlink scenario under Bun or Deno and prints one JSON line with what it observed
 * (the integration tests spawn it: `bun driver.ts links <prefix>`, `deno run -A driver.ts …`).
 * Every scenario works in namespaces named `<prefix>-…` and removes them before it returns.
 */
import { openNetlink } from "../../../../sdk/executor/netlink/netlink.ts";
import { SCENARIOS } from "./scenarios/index.ts";

const [name, ...args] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const scenario = SCENARIOS[name ?? ""];
if (scenario === undefined) throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(", ")}`);
const nl = await openNetlink({ timeoutMs: 10_000 });
try {
  const result = await scenario(nl, args);
  console.log(JSON.stringify({ runtime: nl.runtime, ...result }));
} finally {
  nl.close();
}
