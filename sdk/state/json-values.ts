/**
 * Splits the output of `ip -json -batch -` into its JSON values. iproute2 prints one JSON
 * document per batch line, usually followed by a newline — but not always (an empty answer is
 * printed as `[]` with no newline, so two answers can touch: `[][{"ifindex":1…}]`). The scanner
 * walks the text once, tracking strings and nesting depth, and cuts at every top-level value end.
 * @module
 */
import { UnderlayError } from "../errors.ts";

/**
 * Returns every top-level JSON value in `text`, in order. Whitespace between values is ignored;
 * anything else outside a value, or a value that does not parse, is an `EXEC` error that quotes
 * the offending part.
 *
 * @example
 * ```ts
 * splitJsonValues('[{"ifname":"lo"}]\n[][]'); // → [[{ ifname: "lo" }], [], []]
 * ```
 */
export function splitJsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (depth === 0 && start === -1) {
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (c !== 0x5b /* [ */ && c !== 0x7b /* { */) throw unexpected(text, i);
      start = i;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
      if (depth === 0) {
        values.push(parse(text.slice(start, i + 1)));
        start = -1;
      }
    }
  }
  if (start !== -1) {
    throw new UnderlayError(
      "EXEC",
      `ip -json printed a truncated JSON value: ${quote(text.slice(start))} — the command was probably interrupted; run it again`,
    );
  }
  return values;
}

function parse(slice: string): unknown {
  try {
    return JSON.parse(slice) as unknown;
  } catch (e) {
    throw new UnderlayError("EXEC", `ip -json printed invalid JSON: ${quote(slice)} — check the iproute2 version (≥ 5.0 needed)`, {
      cause: e,
    });
  }
}

function unexpected(text: string, at: number): UnderlayError {
  return new UnderlayError(
    "EXEC",
    `ip -json printed text that is not JSON at offset ${at}: ${quote(text.slice(at))} — check the iproute2 version (≥ 5.0 needed)`,
  );
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
