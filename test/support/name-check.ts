/**
 * An independent check of where a kernel looks up a new link's name: two named namespaces, a
 * link `ulnc0` in the first, and `ip link add ulnc0 netns <second>` run from the first. The
 * capability probe answers the same question in throwaway namespaces; tests compare the two.
 */
import type { Executor } from "../../sdk/index.ts";

/** `true` when the kernel accepts a name that exists in the caller's namespace but not the target's. */
export async function kernelChecksNameInTarget(executor: Executor, prefix: string): Promise<boolean> {
  const [a, b] = [`${prefix}-nca`, `${prefix}-ncb`];
  const ok = async (argv: string[], netns: string | null = null): Promise<void> => {
    const r = await executor.run({ netns, argv });
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr.trim()}`);
  };
  try {
    await ok(["ip", "netns", "add", a]);
    await ok(["ip", "netns", "add", b]);
    await ok(["ip", "link", "add", "ulnc0", "type", "bridge"], a);
    const r = await executor.run({ netns: a, argv: ["ip", "link", "add", "ulnc0", "netns", b, "type", "bridge"] });
    if (r.code !== 0 && !/File exists/.test(r.stderr)) throw new Error(`unexpected answer: ${r.stderr.trim()}`);
    return r.code === 0;
  } finally {
    await executor.run({ netns: null, argv: ["ip", "netns", "del", a] });
    await executor.run({ netns: null, argv: ["ip", "netns", "del", b] });
  }
}
