/**
 * The Docker script reader: shell text as the documents write it, Docker's flag rules, and
 * every problem reported at once with its line.
 */
import { describe, expect, it } from "vitest";
import { fromDocker, importDocker, lexShell, parseDocker } from "../../../sdk/interop/index.ts";
import { thrown } from "../../support/errors.ts";

describe("lexShell", () => {
  it("joins continuations (also with blanks after the backslash), drops comments and prompts, keeps quotes' contents", () => {
    const text = [
      "```console",
      "# a comment",
      "$ docker network create -d macvlan \\",
      "    --aux-address=\"exclude_host=172.16.86.250\" \\   ",
      "    -o parent=eth0 pub_net   # trailing comment",
      "root@host:/# docker run --name 'my box' --net=pub_net alpine",
      "# docker run --net=pub_net alpine",
      "```",
    ].join("\n");
    expect(lexShell(text)).toEqual({
      commands: [
        { line: 3, words: ["docker", "network", "create", "-d", "macvlan", "--aux-address=exclude_host=172.16.86.250", "-o", "parent=eth0", "pub_net"] },
        { line: 6, words: ["docker", "run", "--name", "my box", "--net=pub_net", "alpine"] },
        { line: 7, words: ["docker", "run", "--net=pub_net", "alpine"] },
      ],
      issues: [],
    });
  });

  it("splits at ; && || | and reports expansions and an unterminated quote instead of guessing", () => {
    const r = lexShell('ip link add foo type dummy && ip link set foo up; echo $HOME\ndocker run --name "x');
    expect(r.commands.map((c) => c.words[0])).toEqual(["ip", "ip", "echo", "docker"]);
    expect(r.issues.map((i) => i.path)).toEqual(["line 1", "line 2"]);
    expect(r.issues[0]?.message).toContain('received the shell expansion "$HOME"');
    expect(r.issues[1]?.message).toContain('expected a closing " but the text ended');
  });
});

describe("parseDocker", () => {
  it("pairs gateways, ranges and aux addresses with the subnet that contains them, whatever their order (as the Docker CLI does)", () => {
    const s = parseDocker(
      "docker network create -d ipvlan --subnet=10.1.0.0/24 --subnet=10.2.0.0/24 --gateway=10.2.0.254 --gateway=10.1.0.254 --ip-range=10.2.0.128/25 --aux-address a=10.1.0.9 -o parent=eth0 n",
    );
    expect(s.networks[0]?.subnets).toEqual([
      { cidr: "10.1.0.0/24", gateway: "10.1.0.254", aux: { a: "10.1.0.9" } },
      { cidr: "10.2.0.0/24", gateway: "10.2.0.254", ipRange: "10.2.0.128/25", aux: {} },
    ]);
  });

  it("reads -ovalue, -o=value, --opt value, bundled -itd, and stops at the image (its arguments are the container's)", () => {
    const s = parseDocker("docker network create -dmacvlan --subnet 10.0.0.0/24 -o=parent=eth0 --opt macvlan_mode=private n\ndocker run -itd --rm --network n alpine sh -c 'ip a' --ip=10.0.0.99");
    expect(s.networks[0]).toMatchObject({ driver: "macvlan", parent: "eth0", macvlanMode: "private" });
    expect(s.containers).toEqual([{ name: "c1", named: false, attachments: [{ network: "n", where: "line 2" }], where: "line 2" }]);
  });

  it("docker network connect adds a second interface; unnamed containers are c<k> by position, skipping taken names", () => {
    const s = parseDocker(
      [
        "docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=eth0 a",
        "docker network create -d ipvlan --subnet=10.0.1.0/24 -o parent=eth1 b",
        "docker run --net=a --name=c2 alpine",
        "docker run --net=a alpine",
        "docker network connect --ip=10.0.1.7 b c2",
      ].join("\n"),
    );
    expect(s.containers.map((c) => [c.name, c.attachments.map((a) => `${a.network}${a.ip === undefined ? "" : `@${a.ip}`}`)])).toEqual([
      ["c2", ["a", "b@10.0.1.7"]],
      ["c2_2", ["a"]],
    ]);
  });

  it("lists every unsupported flag and command in one INVALID_SPEC, each with its line", () => {
    const e = thrown(() =>
      parseDocker(
        [
          "docker network create -d bridge --label x=y br",
          "docker network create -d macvlan --subnet=10.0.0.0/24 --gateway=10.9.9.9 -o parent=eth0 -o mtu=9000 n",
          "docker run -p 80:80 -e A=b --privileged --net=n alpine",
          "docker run --net=host alpine",
          "docker run --net=nope alpine",
          "docker run --net=n --ip=fd00::1 alpine",
          "docker network rm n",
        ].join("\n"),
      ),
    );
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => `${i.path}: ${i.message.split(" — ")[0]}`)).toEqual([
      "line 1: docker network create: unsupported flag --label",
      'line 1: docker network create br: expected the driver macvlan or ipvlan (-d macvlan) but received "bridge"',
      'line 2: docker network create n: expected a driver option parent=, macvlan_mode=, ipvlan_mode= or ipvlan_flag= but received -o "mtu=9000"',
      "line 2: docker network create n: expected --gateway 10.9.9.9 inside one of the subnets 10.0.0.0/24 but it is in none",
      "line 3: docker run: unsupported flags -p, -e, --privileged",
      "line 4: docker run: expected a macvlan or ipvlan network created above but received --net=host",
      'line 5: docker run: network "nope" is not created above (Docker: "network nope not found")',
      "line 6: docker run: --ip expected an IPv4 address but received fd00::1",
      'line 7: expected docker network create, docker network connect or docker run but received "docker network rm"',
    ]);
  });

  it("refuses two networks of one name, two gateways in one subnet and overlapping subnets, as Docker does", () => {
    const e = thrown(() =>
      parseDocker(
        [
          "docker network create -d macvlan --subnet=10.0.0.0/24 --subnet=10.5.0.0/24 --gateway=10.0.0.1 --gateway=10.0.0.2 -o parent=eth0 n",
          "docker network create -d macvlan --subnet=10.0.0.0/16 --subnet=10.0.1.0/24 -o parent=eth1 n",
        ].join("\n"),
      ),
    );
    expect(e.issues.map((i) => i.message.split(" — ")[0])).toEqual([
      "docker network create n: subnet 10.0.0.0/24 received two --gateways (10.0.0.1 and 10.0.0.2)",
      "docker network create n: --subnet 10.0.1.0/24 overlaps --subnet 10.0.0.0/16",
      'network "n" is created twice',
    ]);
  });
});

describe("fromDocker", () => {
  it("reports the planner's problems with the line of the network or container concerned", () => {
    const e = thrown(() =>
      fromDocker(["docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=lo n", "docker run --net=n --ip=10.0.1.5 alpine"].join("\n"), { lab: "t" }),
    );
    expect(e.issues.map((i) => i.path)).toEqual(["line 1: networks.n.parent", "line 2: endpoints.c1.n.ip"]);
  });

  it("reports the reader's and the planner's problems together, at once", () => {
    const e = thrown(() => fromDocker(["docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=lo n", "docker run -p 1:1 --net=n alpine", "docker run --net=gone alpine"].join("\n"), { lab: "t" }));
    expect(e.issues.map((i) => i.path)).toEqual(["line 2", "line 3", "line 1: networks.n.parent"]);
  });

  it("gives a container whose <lab>-<name> exceeds 15 bytes a hashed namespace, stable across runs", () => {
    const text = "docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=eth0 n\ndocker run --net=n --name=macvlan_test5 alpine";
    const a = fromDocker(text, { lab: "mvt" }).plan().endpoints[0];
    expect(a?.name).toBe("macvlan_test5");
    expect(a?.netns).toMatch(/^mvt-[0-9a-f]{8}$/);
    expect(fromDocker(text, { lab: "mvt" }).plan().endpoints[0]?.netns).toBe(a?.netns);
  });

  it("notes the networks no container joins (a lab holds the networks its endpoints use)", () => {
    const r = importDocker("docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=eth0 a\ndocker network create -d macvlan --subnet=10.0.1.0/24 -o parent=eth1 b\ndocker run --net=a alpine");
    expect(r.notes).toEqual(["line 2: network b is not in the lab: no container joins it (a lab holds the networks its endpoints use)"]);
  });

  it("defaults: lab docker in the caller's namespace; a sandbox gets host <lab>-h", () => {
    const text = "docker network create -d macvlan --subnet=10.0.0.0/24 -o parent=eth0 a\ndocker run --net=a alpine";
    expect([fromDocker(text).spec().name, fromDocker(text).spec().host]).toEqual(["docker", null]);
    expect(fromDocker(text, { lab: "x", sandbox: true }).spec()).toMatchObject({ host: "x-h", sandbox: true });
  });
});
