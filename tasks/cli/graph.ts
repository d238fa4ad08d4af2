/**
 * `underlay graph <lab.ts> [--dot] [--svg out.svg]`: the topology as Mermaid text, Graphviz DOT,
 * or an SVG rendered by Graphviz `dot`.
 * @module
 */
import { spawn } from "node:child_process";
import { UnderlayError } from "../../sdk/index.ts";
import { booleanOption, positional, stringOption, type CliContext } from "./context.ts";
import { EXIT } from "./exit-codes.ts";
import { loadLab } from "./load-lab.ts";

/**
 * Renders DOT text to an SVG file with `dot -Tsvg -o <file>`. Throws `PREFLIGHT` if Graphviz is
 * missing, `EXEC` if `dot` fails.
 *
 * @example
 * ```ts
 * await renderSvg(plan.toDot(), "lab.svg");
 * ```
 */
export function renderSvg(dot: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("dot", ["-Tsvg", "-o", file], { stdio: ["pipe", "ignore", "pipe"] });
    const err: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e: NodeJS.ErrnoException) => {
      reject(
        e.code === "ENOENT"
          ? new UnderlayError("PREFLIGHT", "Graphviz `dot` is not installed — install it (Debian: apt-get install graphviz), or use the Mermaid text (`underlay graph <lab.ts>`) or `--dot`", { cause: e })
          : new UnderlayError("EXEC", `cannot run dot: ${e.message}`, { cause: e }),
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new UnderlayError("EXEC", `dot -Tsvg failed (exit ${code}): ${Buffer.concat(err).toString("utf8").trim()}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(dot);
  });
}

/**
 * Runs `underlay graph`.
 *
 * @example
 * ```ts
 * await graph(ctx); // flowchart LR …
 * ```
 */
export async function graph(ctx: CliContext): Promise<number> {
  const lab = await loadLab(positional(ctx, 0, "<lab.ts>"), { host: ctx.flags.host });
  const plan = lab.plan();
  const svg = stringOption(ctx, "svg");
  if (svg !== undefined) {
    await renderSvg(plan.toDot(), svg);
    ctx.io.out(`wrote ${svg}`);
  } else {
    ctx.io.out(booleanOption(ctx, "dot") ? plan.toDot() : plan.toMermaid());
  }
  return EXIT.OK;
}

export { graph as run };
