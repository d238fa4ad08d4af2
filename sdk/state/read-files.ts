/**
 * Reads files through the executor with two processes however many files there are:
 * `stat -L -c '%s %n'` gives each existing file's size, then one `cat` of all of them is cut at
 * those sizes. When the cut does not add up (a file changed in between, `/proc` files that report
 * size 0, bytes that are not UTF-8) each file is read again with its own `cat`.
 * @module
 */
import { UnderlayError } from "../errors.ts";
import type { Executor } from "../executor/types.ts";
import { mapLimit } from "../lib/map-limit.ts";

/**
 * Reads `paths` in the executor's own namespace: content, or `null` for a file that does not exist.
 *
 * @example
 * ```ts
 * const files = await readFiles(localExecutor(), ["/etc/netns/demo-web/hosts"]);
 * files.get("/etc/netns/demo-web/hosts"); // "127.0.0.1 localhost\n…" or null
 * ```
 */
export async function readFiles(executor: Pick<Executor, "run">, paths: readonly string[], concurrency = 2): Promise<Map<string, string | null>> {
  const wanted = [...new Set(paths)];
  const files = new Map<string, string | null>();
  if (wanted.length === 0) return files;
  for (const p of wanted) {
    if (p === "" || p.includes("\n")) {
      throw new UnderlayError("USAGE", `file path ${JSON.stringify(p)} cannot be read — give an absolute path without newlines`);
    }
  }
  const stat = await executor.run({ netns: null, argv: ["stat", "-L", "-c", "%s %n", "--", ...wanted] });
  const sizes = new Map<string, number>();
  const wantedSet = new Set(wanted);
  for (const line of stat.stdout.split("\n")) {
    const space = line.indexOf(" ");
    const name = line.slice(space + 1);
    if (space > 0 && wantedSet.has(name)) sizes.set(name, Number(line.slice(0, space)));
  }
  const missing = (p: string): boolean => stat.stderr.split("\n").some((l) => l.includes(p) && l.includes("No such file or directory"));
  const present = wanted.filter((p) => sizes.has(p));
  const unsure: string[] = [];
  for (const p of wanted) {
    if (sizes.has(p)) continue;
    if (missing(p)) files.set(p, null);
    else unsure.push(p);
  }
  if (present.length > 0) {
    const cat = await executor.run({ netns: null, argv: ["cat", "--", ...present] });
    const bytes = new TextEncoder().encode(cat.stdout);
    const total = present.reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
    if (cat.code === 0 && bytes.length === total) {
      const decoder = new TextDecoder();
      let at = 0;
      for (const p of present) {
        const size = sizes.get(p) ?? 0;
        files.set(p, decoder.decode(bytes.subarray(at, at + size)));
        at += size;
      }
    } else {
      unsure.push(...present);
    }
  }
  await mapLimit(unsure, concurrency, async (p) => {
    files.set(p, await readOne(executor, p));
  });
  return new Map(wanted.map((p) => [p, files.get(p) ?? null]));
}

async function readOne(executor: Pick<Executor, "run">, path: string): Promise<string | null> {
  const r = await executor.run({ netns: null, argv: ["cat", "--", path] });
  if (r.code === 0) return r.stdout;
  if (r.stderr.includes("No such file or directory")) return null;
  throw new UnderlayError("EXEC", `cannot read ${path}: cat exited ${r.code}: ${r.stderr.trim()} — check the path and its permissions`);
}
