/**
 * The tokenizer of pasted shell text — `docker network create …` / `docker run …` lines as the
 * documents write them: prompts (`$ `, `# docker …`, `root@host:/# `), comments, line continuations
 * (a backslash at the end of a line, also with trailing blanks after it, as copy-paste leaves
 * them), single and double quotes, and command separators (`;`, `&&`, `||`, `|`, `&`). Markdown
 * code fences are skipped. Nothing is expanded: a `$VAR` or `$(…)` is reported, never guessed.
 * @module
 */
import type { Issue } from "../errors.ts";

/** One command of a script: its words and the line (1-based) where it starts. */
export interface ShellCommand {
  /** Line number of the command's first word (1-based). */
  readonly line: number;
  /** The words after quote removal, e.g. `["docker", "run", "--net=pub_net", …]`. */
  readonly words: readonly string[];
}

/** What {@link lexShell} found: the commands and the problems (unterminated quotes, expansions). */
export interface LexResult {
  /** Commands in script order. */
  readonly commands: readonly ShellCommand[];
  /** Problems, each with `line <n>` as its path. */
  readonly issues: readonly Issue[];
}

/** A prompt in front of a command: `$ `, `> `, `user@host:~$ `, `root@host:/# `, or `# ` before `docker`. */
const PROMPT = /^\s*(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#]\s+|\$\s+|>\s+|#\s+(?=(?:sudo\s+)?docker\s))/;
const FENCE = /^\s*(```|~~~)/;
const SEPARATORS = new Set([";", "&&", "||", "|", "&"]);

/**
 * Splits shell text into commands and words, as a POSIX shell would without expanding anything.
 *
 * @example
 * ```ts
 * lexShell("$ docker network create -d macvlan \\\n    --subnet=172.16.86.0/24 pub_net").commands;
 * // [{ line: 1, words: ["docker", "network", "create", "-d", "macvlan", "--subnet=172.16.86.0/24", "pub_net"] }]
 * ```
 */
export function lexShell(text: string): LexResult {
  const lines = text.split(/\r?\n/);
  const commands: ShellCommand[] = [];
  const issues: Issue[] = [];
  let words: string[] = [];
  let start = 0;
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  let quoteLine = 0;

  const endWord = (): void => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push({ line: start, words });
    words = [];
  };

  for (let n = 0; n < lines.length; n++) {
    let text = lines[n] as string;
    const lineNo = n + 1;
    const fresh = quote === null && words.length === 0 && word === null;
    if (fresh) {
      if (FENCE.test(text)) continue;
      text = text.replace(PROMPT, "");
      start = lineNo;
    }
    let continued = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (quote === "'") {
        if (c === "'") quote = null;
        else word += c;
        continue;
      }
      if (quote === '"') {
        if (c === '"') quote = null;
        else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i] as string;
        else if (c === "\\" && i + 1 === text.length) continued = true;
        else {
          if (c === "$" || c === "`") issues.push(expansion(lineNo, text.slice(i)));
          word += c;
        }
        continue;
      }
      if (c === "\\") {
        // A backslash followed only by blanks up to the end of the line continues the command.
        if (/^\\[ \t]*$/.test(text.slice(i))) {
          continued = true;
          break;
        }
        word = (word ?? "") + (text[++i] ?? "");
        continue;
      }
      if (c === "'" || c === '"') {
        quote = c;
        quoteLine = lineNo;
        word = word ?? "";
        continue;
      }
      if (c === " " || c === "\t") {
        endWord();
        continue;
      }
      if (c === "#" && word === null) break; // a comment runs to the end of the line
      const two = text.slice(i, i + 2);
      const op = SEPARATORS.has(two) ? two : SEPARATORS.has(c) ? c : null;
      if (op !== null) {
        endCommand();
        start = lineNo;
        i += op.length - 1;
        continue;
      }
      if (c === "$" || c === "`") issues.push(expansion(lineNo, text.slice(i)));
      word = (word ?? "") + c;
    }
    if (quote !== null) {
      word += "\n";
      continue;
    }
    if (!continued) endCommand();
    else endWord();
  }
  if (quote !== null) {
    issues.push({ path: `line ${quoteLine}`, message: `expected a closing ${quote} but the text ended — close the quote` });
  }
  endCommand();
  return { commands, issues };
}

function expansion(line: number, rest: string): Issue {
  const what = rest.split(/\s/)[0] ?? rest;
  return {
    path: `line ${line}`,
    message: `expected literal values but received the shell expansion ${JSON.stringify(what)} — replace it with its value (nothing is expanded)`,
  };
}
