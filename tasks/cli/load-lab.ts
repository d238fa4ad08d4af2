/**
 * Loads a lab file — a TypeScript module whose default export is a lab, or a (sync or async)
 * function returning one — and, with `--host <netns>`, rebuilds it as a sandboxed lab inside that
 * namespace.
 * @module
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { lab, UnderlayError, type LabBuilder, type Plannable } from "../../sdk/index.ts";
import { nameProblem } from "../../sdk/spec/names.ts";
import { invalidSpec } from "../../sdk/errors.ts";
import { esExports, importUserModule } from "./ts-loader.ts";

function isLab(value: unknown): value is Plannable {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.spec === "function" && typeof v.plan === "function";
}

/**
 * Rebuilds a lab with `host` as its host namespace in sandbox mode (every parent becomes a
 * stand-in link inside `host`); endpoints, networks, static addresses and MACs are kept.
 *
 * @example
 * ```ts
 * const boxed = inSandbox(demo, "ci-host"); // boxed.spec().sandbox === true
 * ```
 */
export function inSandbox(source: Plannable, host: string): LabBuilder {
  const problem = nameProblem(host, "namespace");
  if (problem !== null) throw invalidSpec([{ path: "--host", message: `the host namespace name ${problem}` }], "option");
  const spec = source.spec();
  let out = lab(spec.name, { host, sandbox: true });
  for (const ep of spec.endpoints) {
    for (const at of ep.attachments) {
      out = out.endpoint(ep.name, at.network, { ip: at.ips, ...(at.mac === undefined ? {} : { mac: at.mac }), ...(ep.netns === undefined ? {} : { netns: ep.netns }) });
    }
  }
  return out;
}

/**
 * Imports a lab file (path relative to the working directory) and returns its lab.
 * Throws `USAGE` when the file is missing, fails to load, or exports no lab.
 *
 * @example
 * ```ts
 * const demo = await loadLab("tasks/demo-lab.ts", { host: "ci-host" });
 * ```
 */
export async function loadLab(file: string, options: { readonly host?: string | undefined } = {}): Promise<Plannable> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UnderlayError("USAGE", `lab file ${file} not found (looked at ${path}) — pass the path of a .ts file whose default export is a lab`);
  let mod: Readonly<Record<string, unknown>>;
  try {
    mod = esExports(await importUserModule(path));
  } catch (e) {
    if (e instanceof UnderlayError) throw e;
    throw new UnderlayError("USAGE", `cannot load lab file ${file}: ${(e as Error).message ?? String(e)} — fix the module (it must import the SDK and export default a lab)`, { cause: e });
  }
  let value: unknown = mod.default;
  if (value === undefined) throw new UnderlayError("USAGE", `lab file ${file} has no default export — end it with \`export default lab("name", …).endpoint(…)\``);
  if (typeof value === "function") value = await (value as () => unknown)();
  if (!isLab(value)) {
    throw new UnderlayError("USAGE", `the default export of ${file} is not a lab (received ${value === null ? "null" : typeof value}) — export a lab(…) builder or a function returning one`);
  }
  return options.host === undefined ? value : inSandbox(value, options.host);
}
