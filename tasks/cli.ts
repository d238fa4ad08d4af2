#!/usr/bin/env node
/**
 * `underlay` — the command line, and the package's bin once compiled (`dist/tasks/cli.js`, run by
 * plain Node, Bun or Deno). From the sources: `bun tasks/cli.ts …`, `node --import tsx tasks/cli.ts …`,
 * or `node tasks/underlay.mjs …`, which picks one.
 *
 * @example
 * ```sh
 * bun tasks/cli.ts plan tasks/demo-lab.ts
 * ```
 * @module
 */
import { main } from "./cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
