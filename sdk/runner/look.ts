/**
 * What `up` and `status` read of the kernel: the host namespace, and only the endpoint
 * namespaces whose steps the journal cannot vouch for.
 * @module
 */
import type { Executor } from "../executor/types.ts";
import type { Op, PlanData } from "../plan/types.ts";
import { observe } from "../state/observe.ts";
import { readsFor } from "../state/reads.ts";
import type { LiveState } from "../state/types.ts";
import type { Ownership } from "./journal.ts";
import { stepSignature } from "./owned-step.ts";

/**
 * Reads the host namespace, and every endpoint namespace that holds a step the journal cannot
 * vouch for. After a completed run, a step the journal owns with the very same command and fact
 * is trusted without reading its namespace (unless `deep`): re-applying an unchanged lab reads
 * one namespace, and a changed lab reads only the namespaces it changes. `verify` and
 * `up({ deep: true })` read everything.
 */
export async function look(
  executor: Executor,
  plan: PlanData,
  owned: Ownership,
  deep: boolean,
  concurrency: number,
  hostRead: Promise<LiveState> = observe(executor, [plan.host], { concurrency }),
): Promise<{ state: LiveState; observed: Set<string | null>; trustFiles: boolean }> {
  const first = await hostRead;
  const vouched = new Map(owned.complete && !deep ? owned.ops.filter((e) => e.done).map((e) => [e.op.id, e.op.sig]) : []);
  const same = (op: Op): boolean => {
    const sig = vouched.get(op.id);
    return sig !== undefined && sig === stepSignature(op);
  };
  const toRead = new Set<string>();
  let trustFiles = false;
  for (const op of plan.ops) {
    if (op.fact.type === "files") {
      trustFiles = same(op);
      continue;
    }
    if (op.fact.type === "netns" || same(op)) continue;
    const ns = op.fact.netns;
    if (ns !== null && ns !== plan.host && first.netns.has(ns)) toRead.add(ns);
  }
  const reads = readsFor(plan.ops.filter((o) => o.fact.type === "files" || (o.fact.type !== "netns" && toRead.has(o.fact.netns as string))).map((o) => o.fact));
  const files = trustFiles ? [] : reads.files;
  const observed = new Set<string | null>([plan.host, ...toRead]);
  // The host namespace is read once (above); only endpoint namespaces and files remain.
  if (toRead.size === 0 && files.length === 0) return { state: first, observed, trustFiles };
  const rest = await observe(executor, [...toRead], { concurrency, files, sysctl: reads.sysctl, netns: first.netns });
  const namespaces = new Map(first.namespaces);
  for (const [ns, s] of rest.namespaces) namespaces.set(ns, s);
  return { state: { netns: first.netns, namespaces, files: rest.files }, observed, trustFiles };
}

