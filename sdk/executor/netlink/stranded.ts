/**
 * Namespaces a deletion would not free: a thread of this process that was born while the
 * JavaScript thread worked inside a namespace (a JIT, GC or pool thread) stays there and keeps
 * the namespace — its links, addresses and MACs — alive after its name is gone. Checked before a
 * batch deletes namespaces, so that such a leak is reported as the deletion's failure instead of
 * passing unnoticed. Costs one look at this process's threads per batch; files are looked at only
 * when a thread sits elsewhere.
 *
 * @example
 * ```ts
 * strandedBy(nl, ["demo-web"], "/run/netns"); // Map {} when no thread sits in demo-web
 * ```
 * @module
 */
import { statSync } from "node:fs";
import type { Netlink } from "./netlink-types.ts";

/**
 * The namespaces among `names` that a foreign thread of this process sits in, each with the
 * failure message to report for its deletion.
 *
 * @example
 * ```ts
 * strandedBy(nl, ["demo-web", "demo-db"]).get("demo-web"); // "namespace demo-web stays alive …" or undefined
 * ```
 */
export function strandedBy(nl: Pick<Netlink, "foreignThreads">, names: readonly string[], runDir = "/run/netns"): Map<string, string> {
  const out = new Map<string, string>();
  if (names.length === 0) return out;
  const threads = nl.foreignThreads();
  if (threads.length === 0) return out;
  for (const name of names) {
    let id: string;
    try {
      id = `net:[${statSync(`${runDir}/${name}`).ino}]`;
    } catch {
      continue;
    }
    const held = threads.filter((t) => t.netns === id);
    if (held.length === 0) continue;
    const who = held.map((t) => `${t.tid} (${t.comm || "?"})`).join(", ");
    out.set(name, `namespace ${name} stays alive after its deletion: thread ${who} of this process sits in it (started while the process worked inside it) — its links and addresses remain until that thread ends; restart the process to free them`);
  }
  return out;
}
