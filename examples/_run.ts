/**
 * The shared runner of the examples, so that each example file holds only its networks and lab.
 * It handles the arguments (see `--help`), prints the plan, brings the lab up in a sandbox (or
 * on a real interface with `--parent <if> --yes`), prints the ping matrix, verifies, and tears
 * down unless `--keep`. Where this kernel lacks a link kind the scenario needs, it says so and
 * prints the plan instead (exit 0). Runs unchanged under Bun, Deno and Node (tsx).
 * @module
 */
import {
  capabilities,
  UnderlayError,
  type Capabilities,
  type Executor,
  type LabBuilder,
  type LinkKind,
  type Plan,
} from "../sdk/index.ts";
import { defaultExecutor } from "../sdk/runner/context.ts";
import { kernelOption } from "../sdk/runner/hints.ts";
import { parseExampleArgs, usage, type ExampleArgs } from "./_args.ts";
import { makeContext, type ExampleContext, type Scenario } from "./_context.ts";
import { retarget, targetsFor } from "./_retarget.ts";

export type { ExampleContext, Scenario } from "./_context.ts";

/**
 * Options of {@link runExample}.
 *
 * @example
 * ```ts
 * const options: ExampleOptions = { name: "ipvlan-l3", title: "ipvlan L3 mode, multi-subnet", needs: ["ipvlan"] };
 * ```
 */
export interface ExampleOptions {
  /** The example's file name without `.ts` (for usage and messages), e.g. `macvlan-bridge`. */
  readonly name: string;
  /** One line saying which scenario of the documents this is. */
  readonly title: string;
  /** Link kinds the scenario needs from the kernel (`macvlan`, `ipvlan`, `vlan`, `veth`, …). */
  readonly needs: readonly LinkKind[];
}

const say = (text: string): void => console.log(text);

function runtimeCommand(name: string): string {
  const g = globalThis as Record<string, unknown>;
  if ("Bun" in g) return `bun examples/${name}.ts`;
  if ("Deno" in g) return `deno run -A examples/${name}.ts`;
  return `node --import tsx examples/${name}.ts`;
}

function describeError(e: unknown): string {
  if (e instanceof UnderlayError) return `error [${e.code}]: ${e.message}`;
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}

/** The labs of a scenario, retargeted for this run. */
function prepare(scenario: Scenario, args: ExampleArgs): { labs: LabBuilder[]; sandbox: boolean } {
  const targets = targetsFor(
    scenario.labs.map((l) => l.name),
    { parent: args.parent, rename: args.lab, hosts: scenario.hosts ?? "lab" },
  );
  return { labs: scenario.labs.map((l, i) => retarget(l, targets[i] as (typeof targets)[number])), sandbox: args.parent === null };
}

/**
 * Catches SIGINT/SIGTERM while an example runs: the current step finishes, the next one does not
 * start, and the teardown still runs. (During `up` the runner rolls back first, then re-raises.)
 */
function interruptions(): { check: () => void; signal: () => NodeJS.Signals | null; remove: () => void } {
  let caught: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals): void => {
    if (caught === null) say(`\n${sig}: stopping after the current step, then tearing down`);
    caught = sig;
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    check: () => {
      if (caught !== null) throw new UnderlayError("ABORTED", `interrupted by ${caught}`);
    },
    signal: () => caught,
    remove: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** Brings every lab up, checks, verifies, runs the demo; returns whether all was as expected. */
async function bringUp(scenario: Scenario, labs: readonly LabBuilder[], ctx: ExampleContext, executor: Executor, stop: () => void): Promise<boolean> {
  let ok = true;
  await scenario.setup?.(ctx);
  for (const l of labs) {
    stop();
    const r = await l.up({ executor });
    say(`up: lab ${l.name} — ${r.changed} steps in ${Math.round(r.ms)} ms`);
  }
  for (const l of labs) {
    stop();
    const c = await l.check({ executor });
    say(`\nping matrix — lab ${l.name}${c.ok ? "" : " (NOT as expected)"}:\n${c.table}`);
    ok &&= c.ok;
  }
  for (const l of labs) {
    try {
      const v = await l.verify({ executor });
      say(`verify: lab ${l.name} matches its plan (${v.checked} facts checked)`);
    } catch (e) {
      say(describeError(e));
      ok = false;
    }
  }
  if (scenario.demo !== undefined) {
    stop();
    say("");
    ok = (await scenario.demo(ctx)) && ok;
  }
  return ok;
}

/** Downs every lab (newest first), runs the teardown, removes namespaces the runner made for `setup`. */
async function tearDown(scenario: Scenario, labs: readonly LabBuilder[], ctx: ExampleContext, executor: Executor, madeHosts: readonly string[]): Promise<boolean> {
  let ok = true;
  for (const l of [...labs].reverse()) {
    try {
      const d = await l.down({ executor });
      say(`down: lab ${l.name} — ${d.removed} removed in ${Math.round(d.ms)} ms`);
    } catch (e) {
      say(describeError(e));
      ok = false;
    }
  }
  try {
    await scenario.teardown?.(ctx);
  } catch (e) {
    say(describeError(e));
    ok = false;
  }
  for (const ns of madeHosts) {
    const r = await ctx.run(null, "ip", "netns", "del", ns);
    if (r.code !== 0 && !/No such file/.test(r.stderr)) {
      say(`could not remove namespace ${ns}: ${r.stderr.trim()}`);
      ok = false;
    }
  }
  return ok;
}

async function main(scenario: Scenario, options: ExampleOptions, argv: readonly string[]): Promise<number> {
  let args: ExampleArgs;
  try {
    args = parseExampleArgs(argv);
  } catch (e) {
    console.error(`${describeError(e)}\n\n${usage(options.name)}`);
    return 2;
  }
  if (args.mode === "help") {
    say(`${options.name} — ${options.title}\n\n${usage(options.name)}`);
    return 0;
  }
  if (args.parent !== null && scenario.realParent === false) {
    console.error(`error [USAGE]: ${options.name} runs only in the sandbox (it builds more than one host there) — run it without --parent`);
    return 2;
  }
  const { labs, sandbox } = prepare(scenario, args);
  if (args.mode === "plan") {
    const plans = labs.map((l) => l.plan().toJSON());
    say(JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2));
    return 0;
  }

  say(`${options.name} — ${options.title}`);
  say(
    sandbox
      ? `sandbox: host namespace${labs.length > 1 ? "s" : ""} ${labs.map((l) => l.spec().host).join(", ")} (${scenario.hosts === "setup" ? "built by the example's setup step" : "made by the lab, physical parents such as eth0 are stand-ins inside"}); nothing outside the example's namespaces is touched\n`
      : `real interface: ${args.parent} takes the place of eth0, in this machine's own network namespace\n`,
  );
  if (!sandbox && !args.yes && args.mode === "run") {
    for (const l of labs) say(`${l.plan().toText()}\n`);
    console.error(`this changes the network of this machine (links on ${args.parent}): re-run with --yes to apply, or drop --parent to use the sandbox`);
    return 2;
  }

  const executor = await defaultExecutor(); // netlink where it runs (UNDERLAY_EXECUTOR chooses), else iproute2
  const caps: Capabilities = await capabilities(executor);
  const plans: Plan[] = labs.map((l) => l.plan({ dummy: caps.kinds.dummy }));
  const ctx = makeContext({ sandbox, parent: args.parent ?? "eth0", labs, plans, executor, caps, say });
  const madeHosts = sandbox && scenario.hosts === "setup" ? plans.map((p) => p.host).filter((h): h is string => h !== null) : [];

  if (args.mode === "down") return (await tearDown(scenario, labs, ctx, executor, madeHosts)) ? 0 : 1;

  const missing = options.needs.filter((k) => !caps.kinds[k]);
  if (missing.length > 0) {
    say(
      `this kernel lacks ${missing.map(kernelOption).join(" and ")} — the plan is below; the kernel lab ` +
        "(npm run kernel-lab / test/kernel-lab) proves this scenario on a Debian kernel\n",
    );
    for (const p of plans) say(`${p.toText()}\n`);
    return 0;
  }

  for (const p of plans) say(`${p.toText()}\n`);
  for (const [i, ns] of madeHosts.entries()) {
    const r = await ctx.run(null, "ip", "netns", "add", ns);
    if (r.code !== 0) {
      say(`error: cannot create the host namespace ${ns}: ${r.stderr.trim()} — if a run with --keep left it, remove it with --down first`);
      for (const made of madeHosts.slice(0, i)) await ctx.run(null, "ip", "netns", "del", made);
      return 1;
    }
  }
  let ok = false;
  const signals = interruptions();
  try {
    ok = await bringUp(scenario, labs, ctx, executor, signals.check);
  } catch (e) {
    say(describeError(e));
  } finally {
    if (args.keep) {
      const ep = plans[0]?.endpoints[0];
      say(`\nkept: ${labs.map((l) => l.name).join(", ")} stay up${ep === undefined ? "" : ` — look inside: nsenter --net=/run/netns/${ep.netns} ip addr`}`);
      say(`remove with: ${runtimeCommand(options.name)} --down${args.lab === null ? "" : ` --lab ${args.lab}`}${args.parent === null ? "" : ` --parent ${args.parent}`}`);
    } else {
      say("");
      ok = (await tearDown(scenario, labs, ctx, executor, madeHosts)) && ok;
    }
  }
  signals.remove();
  if (signals.signal() !== null) return 130;
  say(ok ? "\nok" : "\nFAILED: see above");
  return ok ? 0 : 1;
}

/**
 * Runs an example: a lab (or a {@link Scenario} of labs with setup/demo/teardown steps) as the
 * command line asks. Sets the process exit code (0 ok, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * const pub_net = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });
 * await runExample(lab("mvb", { host: "ex-mvb", sandbox: true }).endpoint("c1", pub_net).endpoint("c2", pub_net), {
 *   name: "macvlan-bridge",
 *   title: "macvlan bridge mode",
 *   needs: ["macvlan"],
 * });
 * ```
 */
export async function runExample(what: LabBuilder | Scenario, options: ExampleOptions): Promise<void> {
  const scenario: Scenario = "labs" in what ? what : { labs: [what] };
  let code: number;
  try {
    code = await main(scenario, options, process.argv.slice(2));
  } catch (e) {
    console.error(describeError(e));
    code = 1;
  }
  process.exitCode = code;
}
