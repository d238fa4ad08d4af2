/**
 * A VLAN link created by hand as the parent — the documents' "Manually Creating 802.1q Links":
 * `foo` is VLAN 40 on eth0, made before the network; underlay uses it as it is and never
 * deletes it (`down` leaves it; you remove it yourself).
 *
 *   ip link add link eth0 name foo type vlan id 40
 *   ip link set foo up
 *   docker network create -d ipvlan --subnet=192.168.40.0/24 --gateway=192.168.40.1 \
 *     -o parent=foo ipvlan40
 *   docker run --net=ipvlan40 -it --name ivlan_test5 --rm alpine /bin/sh
 *   docker run --net=ipvlan40 -it --name ivlan_test6 --rm alpine /bin/sh
 *   ip link del foo
 *
 * In the sandbox, the host namespace and its stand-in eth0 are made by hand too.
 *
 *   bun examples/manual-vlan.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const ipvlan40 = net.ipvlan("ipvlan40").parent("foo").subnet("192.168.40.0/24", { gateway: "192.168.40.1" });

await runExample(
  {
    labs: [lab("mvl", { host: "ex-mvl" }).endpoint("t5", ipvlan40).endpoint("t6", ipvlan40)],
    hosts: "setup",
    setup: async ({ sandbox, host, parent, sh, standIn }) => {
      if (sandbox && host !== null) await standIn(host, parent);
      await sh(host, "ip", "link", "add", "link", parent, "name", "foo", "type", "vlan", "id", "40");
      await sh(host, "ip", "link", "set", "foo", "up");
    },
    teardown: async ({ host, run, say }) => {
      const foo = await run(host, "ip", "-br", "link", "show", "foo");
      say(foo.code === 0 ? `foo survived down, as it should: ${foo.stdout.trim()}` : "foo is not there");
      await run(host, "ip", "link", "del", "foo");
    },
  },
  { name: "manual-vlan", title: "manually created VLAN link foo (VLAN 40) as the parent", needs: ["ipvlan", "vlan"] },
);
