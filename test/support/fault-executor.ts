/**
 * An executor wrapper that makes exactly one plan step fail, for fault injection: it forwards
 * every command to the real executor, except that the command carrying the target step fails —
 * inside an `ip -batch`, the lines before the target really run and the answer names the failed
 * line the way iproute2 does (`Command failed -:N`).
 */
import type { Command, ExecResult, Executor } from "../../sdk/index.ts";
import { batchLine } from "../../sdk/runner/batch.ts";

/** A wrapper that fails the step whose command equals `target`. */
export function failingAt(inner: Executor, target: Command): Executor & { readonly hit: () => boolean } {
  let hit = false;
  const line = batchLine(target);
  const same = (c: Command): boolean => c.netns === target.netns && JSON.stringify(c.argv) === JSON.stringify(target.argv) && c.input === target.input;
  const carries = (c: Command): boolean => same(c) || (c.netns === target.netns && c.input !== undefined && c.input.split("\n").includes(line));
  const wrapper: Executor & { readonly hit: () => boolean } = {
    name: inner.name,
    hit: () => hit,
    // The fan-out path is exercised too: commands that do not carry the target go through the
    // inner executor's runMany, the one that does is failed as below.
    async runMany(commands: readonly Command[], concurrency: number): Promise<ExecResult[]> {
      const plain = commands.map((c, i) => ({ c, i })).filter(({ c }) => hit || !carries(c));
      const results: ExecResult[] = new Array(commands.length);
      const answers = inner.runMany === undefined ? await Promise.all(plain.map(({ c }) => inner.run(c))) : await inner.runMany(plain.map(({ c }) => c), concurrency);
      plain.forEach(({ i }, k) => (results[i] = answers[k] as ExecResult));
      for (let i = 0; i < commands.length; i++) if (results[i] === undefined) results[i] = await wrapper.run(commands[i] as Command);
      return results;
    },
    async run(c: Command): Promise<ExecResult> {
      if (!hit && same(c)) {
        hit = true;
        return { code: 2, stdout: "", stderr: "RTNETLINK answers: Injected fault\n" };
      }
      if (!hit && c.argv[0] === "ip" && c.argv[1] === "-batch" && c.input !== undefined && c.netns === target.netns) {
        const lines = c.input.split("\n").filter((l) => l !== "");
        const at = lines.indexOf(line);
        if (at !== -1) {
          hit = true;
          if (at > 0) {
            const before = await inner.run({ ...c, input: `${lines.slice(0, at).join("\n")}\n` });
            if (before.code !== 0) return before;
          }
          return { code: 1, stdout: "", stderr: `RTNETLINK answers: Injected fault\nCommand failed -:${at + 1}\n` };
        }
      }
      return inner.run(c);
    },
  };
  return wrapper;
}
