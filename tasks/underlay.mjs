#!/usr/bin/env node
/**
 * The CLI launcher inside this repository (`npm run demo`, the CLI tests): runs tasks/cli.ts from its
 * sources. The installed package's bin is the compiled dist/tasks/cli.js instead. It prefers Bun
 * (node_modules/.bin/bun, found from this file's location, so any working directory works) and
 * falls back to `node --import tsx`. Set UNDERLAY_RUNTIME=node to force Node. Signals are passed
 * on to the CLI, and its exit code (or signal) becomes this process's.
 *
 * @example
 * ```sh
 * node tasks/underlay.mjs plan tasks/demo-lab.ts
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "cli.ts");

/** node_modules/.bin/bun in the package or any directory above it (an installed package's host project). */
function findBun() {
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin", "bun");
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) return null;
  }
}

const args = process.argv.slice(2);
const bun = process.env.UNDERLAY_RUNTIME === "node" ? null : findBun();
const [program, argv] = bun !== null ? [bun, [cli, ...args]] : [process.execPath, ["--import", import.meta.resolve("tsx"), cli, ...args]];

const child = spawn(program, argv, { stdio: "inherit" });
const forward = (sig) => child.kill(sig);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, forward);
child.on("error", (e) => {
  process.stderr.write(`error: cannot start ${program}: ${e.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.off(sig, forward);
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
