import { spawnSync } from "node:child_process";
const variants = JSON.parse(process.argv[2]);
const out = {};
for (const v of variants) {
  const r = spawnSync(process.execPath, ["--import", "tsx", `examples/${v.example}.ts`, ...v.args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0) { console.error(v, r.stderr); process.exit(1); }
  const parsed = JSON.parse(r.stdout);
  const plans = Array.isArray(parsed) ? parsed : [parsed];
  out[`${v.example} ${v.args.join(" ")}`] = plans.map((p) => ({ lab: p.lab, ops: p.ops.length, endpoints: Object.fromEntries(p.endpoints.map((e) => [e.name, e.interfaces.map((i) => [i.name, ...i.addresses].join(" "))])) }));
}
console.log(JSON.stringify(out, null, 1));
