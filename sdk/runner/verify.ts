/**
 * `verify`: reads everything the plan touches and compares it with the plan's facts.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import { diffFacts, extras } from "../state/diff.ts";
import { explain } from "../state/facts.ts";
import { observe } from "../state/observe.ts";
import { readsFor } from "../state/reads.ts";
import { defaultExecutor, defaultStateDir, endpointNamespaces, planFor, type Plannable } from "./context.ts";
import { readOwnership } from "./journal.ts";
import type { DriftItem, VerifyOptions, VerifyReport } from "./options.ts";

/** Reads everything the plan touches and compares; throws `DRIFT` unless clean (or returns the report with `throwOnDrift: false`). */
export async function verify(lab: Plannable, options: VerifyOptions = {}): Promise<VerifyReport> {
  const executor = options.executor ?? (await defaultExecutor());
  const plan = (await planFor(lab, executor)).toJSON();
  const owned = readOwnership(options.stateDir ?? defaultStateDir(), lab.name);
  const namespaces = [plan.host, ...endpointNamespaces(plan, owned)];
  const reads = readsFor(plan.ops.map((o) => o.fact));
  const state = await observe(executor, namespaces, { concurrency: options.concurrency ?? 2, files: reads.files, sysctl: reads.sysctl });
  // Steps that establish the same fact (a link's create and its rename) are checked once.
  const seen = new Set<string>();
  const facts = plan.ops.map((o) => o.fact).filter((f) => {
    const k = JSON.stringify(f);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const diff = diffFacts(facts, state);
  const summaryOf = new Map(plan.ops.map((o) => [o.fact, o]));
  const item = (fact: (typeof facts)[number], reason: string): DriftItem => {
    const op = summaryOf.get(fact);
    return { id: op?.id ?? fact.type, summary: op?.summary ?? fact.type, reason };
  };
  const missing = diff.missing.map((f) => item(f, explain(f, state) ?? "missing"));
  const different = diff.different.map((d) => item(d.fact, d.reason));
  const ownedNs = endpointNamespaces(plan, owned).filter((ns) => state.netns.has(ns));
  const extra = extras(state, facts, { mark: plan.mark, namespaces: ownedNs }).map((x): DriftItem => {
    const where = x.netns === null ? "" : ` in ${x.netns}`;
    const what = x.type === "link" ? `link ${x.name}` : x.type === "addr" ? `address ${x.cidr} on ${x.dev}` : `route ${x.dst}${x.dev === undefined ? "" : ` dev ${x.dev}`}`;
    return { id: `${x.type}:${x.netns ?? "-"}:${what}`, summary: `${what}${where}`, reason: "not in the plan" };
  });
  const report: VerifyReport = { lab: lab.name, clean: missing.length + different.length + extra.length === 0, checked: facts.length, missing, different, extra };
  if (!report.clean && options.throwOnDrift !== false) {
    const lines = [...missing.map((m) => `  missing   ${m.summary}: ${m.reason}`), ...different.map((d) => `  different ${d.summary}: ${d.reason}`), ...extra.map((x) => `  extra     ${x.summary}`)];
    throw new UnderlayError("DRIFT", `lab ${lab.name} drifted from its plan (${lines.length} difference${lines.length === 1 ? "" : "s"}) — run \`underlay up\` to converge (from the SDK: \`up({ deep: true })\`, which re-reads every namespace):\n${lines.join("\n")}`, { details: report });
  }
  return report;
}

