/**
 * `underlay import docker <file>` (a Docker script or compose file → a lab module on stdout) and
 * `underlay export cni|multus|docker <lab.ts>` (a lab → CNI conflists, Multus
 * NetworkAttachmentDefinitions, or Docker commands). Pure translations: nothing is touched.
 * @module
 */
import { readFileSync } from "node:fs";
import { UnderlayError } from "../../sdk/index.ts";
import { cniAttachments, importDocker, labSource, toCni, toDocker, toMultus, type DockerImportOptions } from "../../sdk/interop/index.ts";
import { positional, stringOption, booleanOption, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { jsonText } from "./format.ts";
import { loadLab } from "./load-lab.ts";

function choice<T extends string>(ctx: CliContext, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringOption(ctx, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UnderlayError("USAGE", `--${name} expected ${allowed.join(" | ")} but received ${JSON.stringify(v)}`);
  return v as T;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UnderlayError("USAGE", `cannot read ${file}: ${(e as Error).message} — pass the path of a file of docker commands or a docker-compose.yml`, { cause: e });
  }
}

/**
 * Runs `underlay import docker <file>`: prints a lab module equivalent to the script (notes on
 * what was left out as comments at its top; with `--json`, `{ module, notes }`).
 *
 * @example
 * ```ts
 * await importCommand(ctx); // import { lab, net } from "underlay"; …
 * ```
 */
export async function importCommand(ctx: CliContext): Promise<number> {
  const kind = positional(ctx, 0, "the source kind (docker)");
  if (kind !== "docker") throw new UnderlayError("USAGE", `underlay import expected docker but received ${JSON.stringify(kind)} — underlay import docker <file>`);
  const file = positional(ctx, 1, "<file>");
  const host = stringOption(ctx, "host");
  const options: DockerImportOptions = {
    ...(stringOption(ctx, "lab") === undefined ? {} : { lab: stringOption(ctx, "lab") as string }),
    ...(host === undefined ? {} : { host }),
    sandbox: booleanOption(ctx, "sandbox"),
    dialect: choice(ctx, "dialect", ["engine", "documents"] as const, "engine"),
  };
  const r = importDocker(readText(file), options);
  const header = [`Imported from ${file} by \`underlay import docker\` (${options.dialect} dialect).`, ...r.notes];
  const module = labSource(r.lab, { importFrom: stringOption(ctx, "sdk") ?? "underlay", header });
  ctx.io.out(ctx.flags.json ? jsonText({ module, notes: r.notes }) : module.trimEnd());
  return EXIT.OK;
}

/**
 * Runs `underlay export cni|multus|docker <lab.ts>`.
 *
 * @example
 * ```ts
 * await exportCommand(ctx); // {"cniVersion":"1.0.0",…}
 * ```
 */
export async function exportCommand(ctx: CliContext): Promise<number> {
  const format = positional(ctx, 0, "the format (cni | multus | docker)");
  if (!["cni", "multus", "docker"].includes(format)) throw new UnderlayError("USAGE", `underlay export expected cni | multus | docker but received ${JSON.stringify(format)}`);
  const lab = await loadLab(positional(ctx, 1, "<lab.ts>"), { host: ctx.flags.host });
  if (format === "docker") {
    ctx.io.out(toDocker(lab, stringOption(ctx, "image") === undefined ? {} : { image: stringOption(ctx, "image") as string }).trimEnd());
    return EXIT.OK;
  }
  if (format === "multus") {
    const ns = stringOption(ctx, "namespace");
    ctx.io.out(toMultus(lab, { ipam: choice(ctx, "ipam", ["static", "whereabouts"] as const, "static"), ...(ns === undefined ? {} : { namespace: ns }), defaultRoute: booleanOption(ctx, "default-route") }).trimEnd());
    return EXIT.OK;
  }
  const ipam = choice(ctx, "ipam", ["static", "host-local"] as const, "static");
  const endpoint = stringOption(ctx, "endpoint");
  if (endpoint !== undefined) {
    const network = stringOption(ctx, "network");
    ctx.io.out(jsonText(toCni(lab, endpoint, { ipam, ...(network === undefined ? {} : { network }) })));
    return EXIT.OK;
  }
  const all = Object.fromEntries(lab.plan().endpoints.map((e) => [e.name, Object.fromEntries(cniAttachments(lab, e.name, { ipam }).map((a) => [a.ifname, a.conflist]))]));
  ctx.io.out(jsonText(all));
  return EXIT.OK;
}
