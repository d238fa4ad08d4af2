/**
 * The agent conversation over a connected socket: READY, then one request in flight at a time,
 * each answered (or the session breaks, with the console log's tail in the error).
 * @module
 */
import type { Socket } from "node:net";
import { UnderlayError } from "../../errors.ts";
import type { Command } from "../types.ts";
import { agentParser, encodeAgentRequest, type AgentEvent } from "./agent-protocol.ts";
import { readTail } from "./console-log.ts";
import { sleep } from "./qemu-process.ts";

/**
 * The agent conversation over a connected socket: one request in flight at a time.
 *
 * @example
 * ```ts
 * const r = await session.request({ netns: null, argv: ["uname", "-r"] }, 0);
 * ```
 */
export interface AgentSession {
  /** Resolves at the agent's READY (or with the error that closed the port first). */
  readonly ready: Promise<{ release: string } | Error>;
  /** Sends one command and resolves with its result or not-found answer. */
  request(command: Command, timeoutMs: number): Promise<Extract<AgentEvent, { type: "result" | "not-found" }>>;
  /** Asks the guest to power off; resolves at its goodbye or after `waitMs`. */
  quit(waitMs: number): Promise<void>;
}

/**
 * Starts the conversation on `sock` (`consoleLog` is quoted when the guest goes away).
 *
 * @example
 * ```ts
 * const session = agentSession(sock, consoleLog);
 * const ready = await session.ready; // { release: "6.1.0-57-amd64" } or the Error that closed the port
 * ```
 */
export function agentSession(sock: Socket, consoleLog: string): AgentSession {
  type Pending = { id: number; resolve: (e: AgentEvent) => void; reject: (e: Error) => void };
  let pending: Pending | null = null;
  let broken: Error | null = null;
  let nextId = 1;
  let onReady: (r: { release: string } | Error) => void = () => {};
  const ready = new Promise<{ release: string } | Error>((resolve) => (onReady = resolve));
  let booted = false;
  const fail = (error: Error): void => {
    broken ??= error;
    onReady(broken);
    const p = pending;
    pending = null;
    p?.reject(broken);
  };
  sock.on(
    "data",
    agentParser((event) => {
      if (event.type === "ready") {
        if (!booted) {
          booted = true;
          onReady({ release: event.release });
        } else fail(new UnderlayError("EXEC", `the qemu guest agent restarted (console log: ${consoleLog}):\n${readTail(consoleLog)}`));
        return;
      }
      const p = pending;
      if (p === null) return;
      if ("id" in event && event.id !== p.id) {
        fail(new UnderlayError("EXEC", `qemu guest agent answered request ${event.id} while ${p.id} was pending — the session is out of step`));
        return;
      }
      pending = null;
      p.resolve(event);
    }),
  );
  sock.on("error", (e) => fail(new UnderlayError("EXEC", `qemu agent socket failed: ${e.message}`, { cause: e })));
  sock.on("close", () => fail(new UnderlayError("EXEC", `the qemu guest went away (console log: ${consoleLog}):\n${readTail(consoleLog)}`)));
  const send = (payload: Uint8Array | string, id: number): Promise<AgentEvent> =>
    new Promise<AgentEvent>((resolve, reject) => {
      if (broken !== null) return reject(broken);
      pending = { id, resolve, reject };
      sock.write(payload);
    });
  return {
    ready,
    async request(command, timeoutMs) {
      const id = nextId++;
      const answer = send(encodeAgentRequest(id, command, timeoutMs / 1000), id);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const event =
        timeoutMs > 0
          ? await Promise.race([
              answer,
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                  const e = new UnderlayError("EXEC", `the qemu guest did not answer ${command.argv.join(" ")} within ${timeoutMs / 1000 + 10} s`);
                  fail(e);
                  reject(e);
                }, timeoutMs + 10_000);
              }),
            ]).finally(() => clearTimeout(timer))
          : await answer;
      if (event.type !== "result" && event.type !== "not-found") {
        throw new UnderlayError("EXEC", `qemu guest agent sent ${event.type} instead of a result`);
      }
      return event;
    },
    async quit(waitMs) {
      if (broken !== null) return;
      const id = nextId++;
      await Promise.race([send(`Q ${id}\n`, id).catch(() => undefined), sleep(waitMs)]);
    },
  };
}
