/**
 * The command blocks of the reference documents (`../shared/seeds/`, beside the repository):
 * every fenced block that holds a `docker network create` or `docker run` line, in document
 * order. The stored Docker document (`003_*`) lost its line breaks (each block is one line);
 * {@link restoreLines} puts them back by one mechanical rule, and nothing else is changed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the reference documents are: `shared/seeds` beside the repository. */
export const seedDir: string = fileURLToPath(new URL("../../../../shared/seeds/", import.meta.url));

/** One fenced block of a seed. */
export interface SeedBlock {
  /** Seed file name. */
  readonly file: string;
  /** 1-based position among the seed's command blocks. */
  readonly index: number;
  /** The block's text (line breaks restored where the seed lost them). */
  readonly text: string;
}

/**
 * Puts back the line breaks of a block stored on one line: a break before each comment (`# `
 * starting a word) and before each command the documents start on a line of its own (`docker
 * network …`, `docker run`, `docker exec`, `ip link`, `ip addr`, `ip route`), and a backslash
 * followed by blanks becomes a line continuation.
 */
export function restoreLines(block: string): string {
  if (block.includes("\n")) return block;
  return block
    .replace(/\\\s+/g, "\\\n    ")
    .replace(/\s+(?=#{1,3} )/g, "\n")
    .replace(/(?<!\$)\s+(?=(?:\$ )?(?:docker (?:network|run|exec)|ip (?:link|addr|route)) )/g, "\n")
    .trim();
}

/** The command blocks of one seed file. */
export function seedBlocks(file: string): SeedBlock[] {
  const text = readFileSync(join(seedDir, file), "utf8");
  const blocks: SeedBlock[] = [];
  const fence = /```[a-z]*\s?([\s\S]*?)```/g;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    const body = restoreLines((m[1] ?? "").trim());
    if (/docker (network create|run)/.test(body)) blocks.push({ file, index: blocks.length + 1, text: body });
  }
  return blocks;
}

/** The seed file whose name starts with `prefix` (e.g. `003`); throws when the documents are missing. */
export function seedFile(prefix: string): string {
  if (!existsSync(seedDir)) throw new Error(`the reference documents are not at ${seedDir} — the tests read them from shared/seeds beside the repository`);
  const f = readdirSync(seedDir).find((x) => x.startsWith(prefix));
  if (f === undefined) throw new Error(`no seed ${prefix}_* in ${seedDir}`);
  return f;
}
