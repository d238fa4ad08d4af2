/**
 * `underlay import docker` and `underlay export cni|multus|docker`, run as the real bin: the
 * imported module is a lab file the other commands take, exports are what the SDK returns, and
 * bad input exits 2 with every problem listed.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromDocker, toCni, toDocker, toMultus } from "../../sdk/interop/index.ts";
import { cli, SDK, tempDir, writeLab } from "./cli-support.ts";

const dir = tempDir("underlay-interop-cli-");
const stateDir = join(dir, "state");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = [
  "# Macvlan bridge mode, as the documents write it",
  "$ docker network create -d macvlan \\",
  "    --subnet=172.16.86.0/24 --gateway=172.16.86.1 \\",
  "    -o parent=eth0 pub_net",
  "$ docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh",
  "$ docker run --net=pub_net -it --rm alpine /bin/sh",
  "$ ping -c 4 172.16.86.10",
].join("\n");
writeFileSync(join(dir, "run.sh"), script);

describe("underlay import docker", () => {
  it("prints a lab module that `underlay plan --json` plans exactly like fromDocker", async () => {
    const r = await cli(["import", "docker", "run.sh", "--lab", "mvb", "--sandbox", "--sdk", SDK], { stateDir, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n").slice(0, 2)).toEqual(["// Imported from run.sh by `underlay import docker` (engine dialect).", "// line 7: skipped `ping -c 4 172.16.86.10` (changes no network)"]);
    writeFileSync(join(dir, "imported.ts"), r.stdout);
    const planned = await cli(["plan", "imported.ts", "--json"], { stateDir, cwd: dir, asUid: 65534 });
    expect(planned.code, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toEqual(fromDocker(script, { lab: "mvb", sandbox: true }).plan().toJSON());
  });

  it("exits 2 listing every unsupported flag with its line; a wrong kind is a usage error", async () => {
    writeFileSync(join(dir, "bad.sh"), "docker network create -d macvlan --label a=b -o parent=eth0 n\ndocker run -p 80:80 -v /x:/x --net=n alpine\n");
    const r = await cli(["import", "docker", "bad.sh"], { stateDir, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error (INVALID_SPEC): Invalid Docker script: 2 problems found");
    expect(r.stderr).toContain("  - line 1: docker network create: unsupported flag --label");
    expect(r.stderr).toContain("  - line 2: docker run: unsupported flags -p, -v");
    const kind = await cli(["import", "podman", "bad.sh"], { stateDir, cwd: dir });
    expect([kind.code, kind.stderr.trim()]).toEqual([2, 'error (USAGE): underlay import expected docker but received "podman" — underlay import docker <file>']);
  });
});

describe("underlay export", () => {
  const body = `const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });
export default lab("exp", { host: "exp-h", sandbox: true }).endpoint("c1", pub, { ip: "172.16.86.10" }).endpoint("c2", pub);`;
  const file = writeLab(dir, "exp.ts", body);
  const same = async () => {
    const { lab, net } = await import("../../sdk/index.ts");
    const pub = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });
    return lab("exp", { host: "exp-h", sandbox: true }).endpoint("c1", pub, { ip: "172.16.86.10" }).endpoint("c2", pub);
  };

  it("cni: every endpoint's conflists by interface, or one with --endpoint", async () => {
    const l = await same();
    const all = await cli(["export", "cni", file], { stateDir, cwd: dir });
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual({ c1: { eth0: toCni(l, "c1") }, c2: { eth0: toCni(l, "c2") } });
    const one = await cli(["export", "cni", file, "--endpoint", "c2", "--ipam", "host-local"], { stateDir, cwd: dir });
    expect(JSON.parse(one.stdout)).toEqual(toCni(l, "c2", { ipam: "host-local" }));
  });

  it("multus and docker print what the SDK returns", async () => {
    const l = await same();
    const m = await cli(["export", "multus", file, "--ipam", "whereabouts", "--namespace", "lab"], { stateDir, cwd: dir });
    expect(m.stdout).toBe(`${toMultus(l, { ipam: "whereabouts", namespace: "lab" }).trimEnd()}\n`);
    const d = await cli(["export", "docker", file], { stateDir, cwd: dir });
    expect(d.stdout).toBe(toDocker(l));
    const bad = await cli(["export", "cni", file, "--ipam", "whereabouts"], { stateDir, cwd: dir });
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'error (USAGE): --ipam expected static | host-local but received "whereabouts"']);
  });

  it("help lists both commands", async () => {
    const r = await cli(["help"], { stateDir, cwd: dir });
    expect(r.stdout).toMatch(/\n\s+import\s+a script of docker network create/);
    expect(r.stdout).toMatch(/\n\s+export\s+a lab as CNI 1\.0 conflists/);
  });
});
