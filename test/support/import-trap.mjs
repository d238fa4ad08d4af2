// Preloaded before importing the SDK: records every process spawn and every file opened that is
// not module source (the loader itself reads .ts/.js/.json sources), then prints them as JSON.
import childProcess from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const events = [];
globalThis.__underlayImportTrap = events;
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  const orig = childProcess[name];
  childProcess[name] = function (...args) {
    events.push(`${name} ${String(args[0])}`);
    return orig.apply(this, args);
  };
}
const source = /\.(m?[jt]s|cjs|json|map|node)$/;
for (const name of ["openSync", "readFileSync", "writeFileSync", "appendFileSync", "mkdirSync", "readdirSync", "open", "readFile", "writeFile", "mkdir"]) {
  const orig = fs[name];
  fs[name] = function (path, ...rest) {
    const p = typeof path === "string" ? path : path instanceof URL ? path.pathname : String(path);
    if (typeof path !== "number" && !source.test(p) && !p.includes("/node_modules/")) events.push(`${name} ${p}`);
    return orig.call(this, path, ...rest);
  };
}
syncBuiltinESMExports();
