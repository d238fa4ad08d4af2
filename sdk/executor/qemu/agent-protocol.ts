/**
 * The host side of the qemu guest agent's protocol (pure: no I/O). One command at a time:
 * - request: `C <id> <argc> <hasNetns> <inputBytes> <timeoutS>\n`, then the netns (if any) and
 *   each argv element on a line of its own with `%`, LF and CR written as `%25`, `%0A`, `%0D`
 *   (the agent rebuilds `"$@"` with parameter expansion — no shell string, no eval), then
 *   exactly `inputBytes` raw bytes of stdin;
 * - answer: `\x02O <id>` + base64 of stdout, `\x02E <id>` + base64 of stderr, `\x02R <id> <code>`;
 *   `\x02N <id>` when the program does not exist in the guest;
 * - also `P <id>` (ping, answered `\x02P <id>`) and `Q <id>` (power off, answered `\x02BYE <id>`);
 *   the agent says `\x02READY <uname -r>` once it is up.
 *
 * The guest side is `qemuAgentScript` (`agent-script.ts`).
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import type { Command } from "../types.ts";

/**
 * Escapes one argv element for a request line: `%` → `%25`, LF → `%0A`, CR → `%0D`.
 *
 * @example
 * ```ts
 * encodeAgentArg("50%\nok"); // "50%25%0Aok"
 * ```
 */
export function encodeAgentArg(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("\n", "%0A").replaceAll("\r", "%0D");
}

/**
 * Renders one request. Throws `EXEC` for an empty argv or a NUL byte (no program argument can
 * hold one).
 *
 * @example
 * ```ts
 * encodeAgentRequest(7, { netns: "a", argv: ["ip", "-json", "link"] }, 0);
 * // bytes of "C 7 3 1 0 0\na\nip\n-json\nlink\n"
 * ```
 */
export function encodeAgentRequest(id: number, command: Command, timeoutSeconds: number): Uint8Array {
  if (command.argv.length === 0) throw new UnderlayError("EXEC", "empty command: argv must name a program");
  const fields = command.netns === null ? command.argv : [command.netns, ...command.argv];
  const bad = fields.findIndex((a) => a.includes("\0"));
  if (bad >= 0) {
    const what = command.netns !== null && bad === 0 ? "netns name" : `argv[${command.netns === null ? bad : bad - 1}]`;
    throw new UnderlayError("EXEC", `${what} contains a NUL byte, which no program argument can hold — remove it`);
  }
  const input = Buffer.from(command.input ?? "", "utf8");
  const head = `C ${id} ${command.argv.length} ${command.netns === null ? 0 : 1} ${input.length} ${Math.max(0, Math.ceil(timeoutSeconds))}\n`;
  const lines = fields.map((f) => `${encodeAgentArg(f)}\n`).join("");
  return Buffer.concat([Buffer.from(head + lines, "utf8"), input]);
}

/**
 * Something the agent said.
 *
 * @example
 * ```ts
 * const done: AgentEvent = { type: "result", id: 1, code: 0, stdout: "hi\n", stderr: "" };
 * ```
 */
export type AgentEvent =
  | { readonly type: "ready"; readonly release: string }
  | { readonly type: "result"; readonly id: number; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly type: "not-found"; readonly id: number }
  | { readonly type: "pong"; readonly id: number }
  | { readonly type: "bye" };

/**
 * A streaming parser of the agent's output: feed it chunks as they arrive, it calls `onEvent`
 * for each complete message. Lines outside a frame are ignored.
 *
 * @example
 * ```ts
 * const feed = agentParser((e) => console.log(e));
 * feed(Buffer.from("\x02O 1\naGkK\n\x02E 1\n\x02R 1 0\n")); // { type: "result", id: 1, code: 0, stdout: "hi\n", stderr: "" }
 * ```
 */
export function agentParser(onEvent: (event: AgentEvent) => void): (chunk: Uint8Array) => void {
  let pending = Buffer.alloc(0);
  let section: "O" | "E" | null = null;
  let out: string[] = [];
  let err: string[] = [];
  const line = (text: string): void => {
    if (text.charCodeAt(0) !== 2) {
      if (section === "O") out.push(text.trim());
      else if (section === "E") err.push(text.trim());
      return;
    }
    const [tag = "", a = "", b = ""] = text.slice(1).trim().split(" ");
    if (tag === "READY") onEvent({ type: "ready", release: a });
    else if (tag === "O") [section, out, err] = ["O", [], []];
    else if (tag === "E") section = "E";
    else if (tag === "R") {
      const decode = (parts: string[]) => Buffer.from(parts.join(""), "base64").toString("utf8");
      onEvent({ type: "result", id: Number(a), code: Number(b), stdout: decode(out), stderr: decode(err) });
      [section, out, err] = [null, [], []];
    } else if (tag === "N") onEvent({ type: "not-found", id: Number(a) });
    else if (tag === "P") onEvent({ type: "pong", id: Number(a) });
    else if (tag === "BYE") onEvent({ type: "bye" });
  };
  return (chunk) => {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    let nl = pending.indexOf(10);
    while (nl >= 0) {
      line(pending.subarray(0, nl).toString("latin1"));
      pending = pending.subarray(nl + 1);
      nl = pending.indexOf(10);
    }
  };
}
