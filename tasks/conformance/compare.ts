/**
 * The conformance table (pure): what Docker did and what underlay did for each scenario, fact by
 * fact for each container in start order, or the failure and its reason; rendered as Markdown.
 * @module
 */
import type { InterfaceFacts } from "./facts.ts";
import type { Scenario } from "./scenarios.ts";

/** What one side did with a scenario's commands. */
export interface SideResult {
  /** Facts of every container that started, in start order. */
  readonly facts: readonly InterfaceFacts[];
  /** Failures: where (`line n`) and the message. */
  readonly failures: readonly { readonly where: string; readonly message: string }[];
}

/** One scenario's outcome. */
export interface Outcome {
  readonly scenario: Scenario;
  readonly docker: SideResult;
  readonly underlay: SideResult;
  /** Facts that differ (`container 2 addresses: 172.16.86.2/24 ≠ …`), or why the failure does not agree; none explained. */
  readonly differences: readonly string[];
  /** Differences the scenario explains, with the explanation. */
  readonly explained: readonly string[];
}

const FACTS = ["addresses", "default4", "default6", "kind", "mode", "mtu", "mac", "routes"] as const;

function show(v: unknown): string {
  return Array.isArray(v) ? (v.length === 0 ? "—" : v.join(" ")) : String(v);
}

/**
 * Compares the two sides of a scenario.
 *
 * @example
 * ```ts
 * const o = compare(scenario, dockerSide, underlaySide); // o.differences.length === 0 when they agree
 * ```
 */
export function compare(scenario: Scenario, docker: SideResult, underlay: SideResult): Outcome {
  const differences: string[] = [];
  if (scenario.fails !== undefined) {
    const f = scenario.fails;
    if (!docker.failures.some((x) => f.docker.test(x.message))) differences.push(`Docker did not fail with "${f.reason}"${docker.failures.length === 0 ? " (it did not fail)" : `: ${docker.failures[0]?.message}`}`);
    if (!underlay.failures.some((x) => f.underlay.test(x.message))) differences.push(`underlay did not fail with "${f.reason}"${underlay.failures.length === 0 ? " (it did not fail)" : `: ${underlay.failures[0]?.message}`}`);
    return { scenario, docker, underlay, differences, explained: [] };
  }
  for (const [who, side] of [["Docker", docker], ["underlay", underlay]] as const) {
    for (const x of side.failures) differences.push(`${who} failed at ${x.where}: ${x.message}`);
  }
  if (docker.facts.length !== underlay.facts.length) differences.push(`containers: Docker started ${docker.facts.length}, underlay ${underlay.facts.length}`);
  docker.facts.forEach((d, i) => {
    const u = underlay.facts[i];
    if (u === undefined) return;
    for (const k of FACTS) {
      if (show(d[k]) !== show(u[k])) differences.push(`container ${i + 1} ${k}: Docker ${show(d[k])} — underlay ${show(u[k])}`);
    }
  });
  const why = (d: string): string | undefined => scenario.explained?.find((e) => e.match.test(d))?.why;
  const explained = [...new Set(differences.map(why).filter((w): w is string => w !== undefined))];
  return { scenario, docker, underlay, differences: differences.filter((d) => why(d) === undefined), explained };
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 110 ? `${line.slice(0, 107)}…` : line;
}

/**
 * The Markdown table of one comparison run: a row per container (or per failure), and a verdict.
 *
 * @example
 * ```ts
 * console.log(renderTable("engine dialect", outcomes));
 * ```
 */
export function renderTable(title: string, outcomes: readonly Outcome[], kind: "must-agree" | "differences" = "must-agree"): string {
  const rows = ["| scenario | container | addresses | default route (v4 / v6) | link | MTU | MAC | Docker vs underlay |", "|---|---|---|---|---|---|---|---|"];
  for (const o of outcomes) {
    const verdict =
      o.differences.length > 0 ? `✗ ${o.differences.map((d) => d.replaceAll("|", "\\|")).join("; ")}` : o.explained.length > 0 ? `≈ explained: ${o.explained.join("; ")}` : "✓ same";
    if (o.scenario.fails !== undefined) {
      const d = o.docker.failures[0];
      const u = o.underlay.failures.find((x) => o.scenario.fails?.underlay.test(x.message)) ?? o.underlay.failures[0];
      const cell = (x: { where: string; message: string } | undefined): string => (x === undefined ? "does not fail" : `${x.where}: ${firstLine(x.message).replaceAll("|", "\\|")}`);
      rows.push(`| ${o.scenario.id} | fails (${o.scenario.fails.reason}) | Docker ${cell(d)} | underlay ${cell(u)} | | | | ${o.differences.length === 0 ? "✓ same reason" : verdict} |`);
      continue;
    }
    if (o.docker.facts.length === 0) rows.push(`| ${o.scenario.id} | — | | | | | | ${verdict} |`);
    o.docker.facts.forEach((f, i) => {
      const mine = o.differences.filter((x) => x.startsWith(`container ${i + 1} `));
      const v = i === 0 ? verdict : mine.length === 0 ? (o.differences.length === 0 && o.explained.length === 0 ? "✓ same" : "″") : `✗ ${mine.join("; ")}`;
      rows.push(`| ${i === 0 ? o.scenario.id : ""} | ${i + 1} | ${show(f.addresses)} | ${f.default4} / ${f.default6} | ${f.kind} ${f.mode ?? ""} | ${f.mtu} | ${f.mac} | ${v} |`);
    });
  }
  const agree = outcomes.filter((o) => o.differences.length === 0 && o.explained.length === 0).length;
  const explained = outcomes.filter((o) => o.differences.length === 0 && o.explained.length > 0).length;
  const differ = outcomes.length - agree - explained;
  const summary =
    kind === "must-agree"
      ? `${agree} of ${outcomes.length} scenarios agree, ${explained} differ in an explained way, ${differ} differ without explanation.`
      : `${agree} of ${outcomes.length} scenarios agree; the ✗ cells are where the documents and Docker Engine disagree (README › Where the documents and the kernel disagree).`;
  return [`### ${title}`, "", summary, "", ...rows, ""].join("\n");
}
