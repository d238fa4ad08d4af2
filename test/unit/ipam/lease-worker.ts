/**
 * Child process for the cross-process lease tests; runs unchanged under node+tsx, bun and deno:
 *
 *   lease-worker.ts lease <store> <id> <count> <cidr> [start-ms]   lease <count> addresses for `w<id>/<n>`,
 *                                                        one call each (calls of all workers interleave)
 *   lease-worker.ts churn <store> <id> <count> <cidr>   the same, then release `w<id>/0` and lease again
 *   lease-worker.ts lab   <store> <id> <count> <cidr>   leaseLab() a lab `w<id>` of <count> endpoints
 *                                                        on a network "shared" with subnet <cidr>
 *
 * With `start-ms` (epoch milliseconds) every worker waits until then, so that workers started
 * one after another by the test really run at the same time. Prints `{"got": [...], "exhausted": n}`.
 */
import { UnderlayError } from "../../../sdk/errors.ts";
import { leaseLab } from "../../../sdk/ipam/lease-lab.ts";
import { openLeaseStore } from "../../../sdk/ipam/lease-store.ts";
import { endpoint, lab, network, on } from "./helpers.ts";

const [mode, storePath, id, countText, cidr, startText] = process.argv.slice(2);
if (mode === undefined || storePath === undefined || id === undefined || countText === undefined || cidr === undefined) {
  throw new Error("usage: lease-worker.ts lease|churn|lab <store> <id> <count> <cidr>");
}
const count = Number(countText);
if (startText !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, Number(startText) - Date.now())));
const store = openLeaseStore(storePath, { timeoutMs: 60_000 });
const pool = { cidr, gatewayPolicy: "first" } as const;
const got: string[] = [];
let exhausted = 0;

if (mode === "lab") {
  const shared = network("shared", [{ cidr }]);
  const spec = lab(`w${id}`, ...Array.from({ length: count }, (_, n) => endpoint(`e${n}`, on(shared))));
  const leased = await leaseLab(spec, store);
  for (const ep of leased.endpoints) got.push(...(ep.attachments[0]?.ips ?? []));
} else {
  for (let n = 0; n < count; n++) {
    // A fixture does some work between leases (creating a namespace, …): 0–4 ms here.
    await new Promise((r) => setTimeout(r, Math.random() * 4));
    try {
      got.push(await store.lease(`w${id}/${n}`, pool));
    } catch (e) {
      if (e instanceof UnderlayError && e.code === "POOL_EXHAUSTED") exhausted++;
      else throw e;
    }
  }
  if (mode === "churn" && got.length > 0) {
    await store.release(`w${id}/0`);
    got[0] = await store.lease(`w${id}/0`, pool);
  }
}
process.stdout.write(`${JSON.stringify({ got, exhausted })}\n`);
