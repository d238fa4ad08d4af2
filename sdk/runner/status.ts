/**
 * `status`: what is in place, what is missing, what the journal owns.
 * @module
 */
import { defaultExecutor, defaultStateDir, planFor, type Plannable } from "./context.ts";
import { converge } from "./converge.ts";
import { readOwnership } from "./journal.ts";
import { look } from "./look.ts";
import type { RunOptions, StatusReport } from "./options.ts";

/** What is in place, what is missing, what the journal owns. */
export async function status(lab: Plannable, options: RunOptions = {}): Promise<StatusReport> {
  const executor = options.executor ?? (await defaultExecutor());
  const plan = await planFor(lab, executor);
  const data = plan.toJSON();
  const owned = readOwnership(options.stateDir ?? defaultStateDir(), lab.name);
  const { state, observed, trustFiles } = await look(executor, data, owned, true, options.concurrency ?? 2);
  const conv = converge(data, state, owned, observed, { trustFiles });
  return {
    lab: lab.name,
    up: conv.run.length === 0 && conv.remove.length === 0,
    inPlace: conv.inPlace.length,
    missing: conv.run.map((o) => o.summary),
    owned: owned.ops.length,
    complete: owned.complete,
    foundInPlace: conv.foundInPlace.map((o) => o.summary),
    notes: data.diagnostics.map((d) => `${d.path}: ${d.message}`),
  };
}

