/**
 * `npm run conformance`: the documents' macvlan scenarios on a real Docker Engine (Debian
 * `docker.io`, a private daemon, see engine.ts) and the same lines through `fromDocker` + `up` in
 * a sandbox, compared container by container (addresses in start order, default routes, link kind
 * and mode, MTU, MAC) or by what fails and why. Twice: with the engine dialect (the default,
 * which must agree everywhere) and with the documents dialect (its differences are where the
 * documents and Docker disagree). Writes the tables to `tasks/conformance/RESULTS.md` and prints
 * them; exits 1 when the engine dialect disagrees anywhere.
 *
 * Docker's parent is a veth pair of the run's own in this namespace (never eth0); underlay's is
 * the sandbox's stand-in. Everything is removed at the end, also on failure.
 *
 * @example
 * ```sh
 * npm run conformance                   # = node tasks/underlay.mjs run conformance
 * node --import tsx tasks/conformance/index.ts --only bridge,exhausted-pool
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { UnderlayError } from "../../sdk/errors.ts";
import { importDocker, lexShell, parseFlags, RUN_FLAGS } from "../../sdk/interop/index.ts";
import { ensureDebianPackages, RUNTIME_PACKAGES } from "../setup/debian-packages.ts";
import { compare, renderTable, type Outcome, type SideResult } from "./compare.ts";
import { IMAGE, run, startEngine, type Engine } from "./engine.ts";
import { inEngineOrder } from "./engine-order.ts";
import { readFacts, type InterfaceFacts } from "./facts.ts";
import { SCENARIOS, type Scenario } from "./scenarios.ts";

/** What the engine did, and the order in which it holds each network's subnets (see engine-order.ts). */
interface DockerSide extends SideResult {
  readonly subnetOrder: ReadonlyMap<string, readonly string[]>;
}

/** The scenario's commands on the engine, in order; the facts of every container that started. */
async function onDocker(engine: Engine, s: Scenario, parent: string): Promise<DockerSide> {
  const failures: { where: string; message: string }[] = [];
  const ids: string[] = [];
  const subnetOrder = new Map<string, string[]>();
  try {
    for (const args of s.setup ?? []) {
      const r = await engine.docker(args);
      if (r.code !== 0) throw new UnderlayError("PREFLIGHT", `scenario ${s.id}: setup docker ${args.join(" ")} failed: ${r.stderr.trim()}`);
    }
    for (const cmd of lexShell(s.text).commands) {
      const [, a, b] = cmd.words;
      let args: string[];
      if (a === "network" && b === "create") {
        args = cmd.words.slice(1).map((w) => w.replace(/^parent=eth0(?=$|\.)/, `parent=${parent}`));
      } else if (a === "run") {
        // The container as the documents start it, detached and kept (their "separate terminals"); never pulled.
        const p = parseFlags(cmd.words.slice(2), RUN_FLAGS, { interspersed: false });
        const flags = (["name", "network", "ip", "ip6", "mac"] as const).flatMap((k) => (p.values.get(k) ?? []).map((v) => `--${k === "mac" ? "mac-address" : k}=${v}`));
        args = ["run", "-d", "--pull=never", ...flags, IMAGE, "sleep", "3600"];
      } else continue;
      const r = await engine.docker(args);
      if (r.code !== 0) failures.push({ where: `line ${cmd.line}`, message: (r.stderr.trim() || r.stdout.trim()).replace(/^docker: /, "") });
      else if (a === "run") ids.push(r.stdout.trim());
      else {
        const name = args.at(-1) as string;
        const config = await engine.docker(["network", "inspect", "-f", "{{json .IPAM.Config}}", name]);
        subnetOrder.set(name, (JSON.parse(config.stdout) as { Subnet: string }[]).map((c) => c.Subnet));
      }
    }
    const facts: InterfaceFacts[] = [];
    for (const id of ids) {
      const pid = (await engine.docker(["inspect", "-f", "{{.State.Pid}}", id])).stdout.trim();
      facts.push(await readFacts(`/proc/${pid}/ns/net`));
    }
    return { facts, failures, subnetOrder };
  } finally {
    const all = (await engine.docker(["ps", "-aq"])).stdout.split("\n").filter(Boolean);
    if (all.length > 0) await engine.docker(["rm", "-f", ...all]);
    const nets = (await engine.docker(["network", "ls", "-q", "--filter", "type=custom"])).stdout.split("\n").filter(Boolean);
    if (nets.length > 0) await engine.docker(["network", "rm", ...nets]);
  }
}

/** The same lines through fromDocker, up in a sandbox, read back, down. */
async function onUnderlay(s: Scenario, dialect: "engine" | "documents", stateDir: string): Promise<SideResult> {
  const name = `uk${randomBytes(3).toString("hex")}`;
  let imported;
  try {
    imported = importDocker(s.text, { lab: name, host: `${name}-h`, sandbox: true, dialect });
  } catch (e) {
    if (!(e instanceof UnderlayError)) throw e;
    return { facts: [], failures: e.issues.length > 0 ? e.issues.map((i) => ({ where: i.path.split(":")[0] ?? i.path, message: i.message })) : [{ where: "", message: e.message }] };
  }
  try {
    const up = await imported.lab.up({ stateDir, handleSignals: false });
    try {
      return { facts: await Promise.all(up.plan.endpoints.map((e) => readFacts(`/run/netns/${e.netns}`))), failures: [] };
    } finally {
      await imported.lab.down({ stateDir });
    }
  } catch (e) {
    if (!(e instanceof UnderlayError)) throw e;
    return { facts: [], failures: [{ where: "up", message: e.message }] };
  }
}

/** How many outcomes differ without an explanation. */
export function unexplained(outcomes: readonly Outcome[]): number {
  return outcomes.filter((o) => o.differences.length > 0).length;
}

/**
 * Runs the conformance comparison. Returns the exit code (0: the engine dialect agrees everywhere).
 *
 * @example
 * ```ts
 * process.exitCode = await main(["--only", "bridge"]);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { only: { type: "string" }, out: { type: "string" } }, allowPositionals: false });
  if (typeof process.getuid !== "function" || process.getuid() !== 0) throw new UnderlayError("PREFLIGHT", "the conformance run needs root (a Docker daemon, namespaces and links) — run it as root");
  ensureDebianPackages({ ...RUNTIME_PACKAGES, dockerd: "docker.io", tar: "tar" }, ["busybox-static"]);
  const only = values.only?.split(",");
  const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s.id));
  const stateDir = mkdtempSync(join(tmpdir(), "ulconf-state-"));
  const parent = `ulk${randomBytes(3).toString("hex")}`;
  const started = Date.now();
  const engine = await startEngine();
  const outcomes: Record<"engine" | "documents", Outcome[]> = { engine: [], documents: [] };
  const reordered: string[] = [];
  try {
    const link = await run(["ip", "link", "add", parent, "type", "veth", "peer", "name", `${parent}p`]);
    if (link.code !== 0) throw new UnderlayError("PREFLIGHT", `cannot create the parent veth ${parent}: ${link.stderr.trim()}`);
    await run(["ip", "link", "set", parent, "up"]);
    await run(["ip", "link", "set", `${parent}p`, "up"]);
    for (const s of scenarios) {
      const docker = await onDocker(engine, s, parent);
      const text = inEngineOrder(s.text, docker.subnetOrder);
      if (text !== s.text) reordered.push(`${s.id} (${[...docker.subnetOrder].map(([n, order]) => `${n}: ${order.join(", ")}`).join("; ")})`);
      for (const dialect of ["engine", "documents"] as const) {
        // The documents dialect has no explanations: its differences are the point.
        const scenario = dialect === "engine" ? s : { ...s, explained: [] };
        outcomes[dialect].push(compare(scenario, docker, await onUnderlay({ ...s, text }, dialect, stateDir)));
      }
      const o = outcomes.engine.at(-1);
      process.stderr.write(`${s.id}: ${o?.differences.length !== 0 ? "DIFFERS" : o.explained.length > 0 ? "differs as explained" : "agrees"}\n`);
    }
  } finally {
    await run(["ip", "link", "del", parent]);
    await engine.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const text = [
    `## Docker conformance — Docker Engine ${engine.version} (Debian docker.io) vs underlay, kernel ${release()}, ${new Date().toISOString().slice(0, 10)}, ${seconds} s`,
    "",
    "Each scenario's lines run on a private Docker Engine (containers detached and kept, like the documents' separate terminals) and through `fromDocker` + `up` in a sandbox; each container's eth0 is read back the same way (`ip -json` in its namespace).",
    "",
    "The Docker CLI passes a network's subnets to the engine in a random order, and the engine allocates from the first one with room. `fromDocker` takes them as written, so it is given them in the order this engine held them. " +
      (reordered.length === 0 ? "In this run, that was the written order everywhere." : `In this run, that order differed from the written one in: ${reordered.join("; ")}.`),
    "",
    renderTable("fromDocker with the engine dialect (the default) — must agree everywhere", outcomes.engine),
    renderTable("fromDocker with the documents dialect — its differences are where the documents and Docker Engine disagree", outcomes.documents, "differences"),
  ].join("\n");
  const out = values.out ?? fileURLToPath(new URL("RESULTS.md", import.meta.url));
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, text);
  console.log(text);
  console.log(`written to ${out}`);
  return unexplained(outcomes.engine) === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
