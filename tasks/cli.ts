/**
 * `underlay` — the command line. Run with Bun (`bun tasks/cli.ts …`) or Node with tsx
 * (`node --import tsx tasks/cli.ts …`); the package bin `tasks/underlay.mjs` picks one.
 *
 * @example
 * ```sh
 * bun tasks/cli.ts plan tasks/demo-lab.ts
 * ```
 * @module
 */
import { main } from "./cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
