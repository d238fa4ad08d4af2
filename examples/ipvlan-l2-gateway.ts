/**
 * Ipvlan L2 with the driver's defaults — the documents' db_net_ipv: no `--gateway`, so the
 * first usable address 192.168.1.1 is the gateway; containers are found by name.
 *
 *   docker network create -d ipvlan --subnet=192.168.1.0/24 -o parent=eth0 db_net_ipv
 *   docker run --net=db_net_ipv --name=ipv1 -itd alpine /bin/sh
 *   docker run --net=db_net_ipv --name=ipv2 -it --rm alpine /bin/sh
 *   ping -c 4 ipv1
 *
 *   bun examples/ipvlan-l2-gateway.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const db_net_ipv = net.ipvlan("db_net_ipv").parent("eth0").subnet("192.168.1.0/24");

await runExample(
  {
    labs: [lab("ipgw", { host: "ex-ipgw", sandbox: true }).endpoint("ipv1", db_net_ipv).endpoint("ipv2", db_net_ipv)],
    // `ping ipv1` by name from ipv2: `ip netns exec` mounts the lab's /etc/netns/<ns>/hosts.
    demo: async ({ endpoint, sh, say }) => {
      const ipv2 = endpoint("ipv2").netns;
      say(`default route of ipv2: ${(await sh(ipv2, "ip", "route", "show", "default")).trim()}`);
      const r = await sh(null, "ip", "netns", "exec", ipv2, "ping", "-c", "1", "-W", "1", "ipv1").then(() => true, () => false);
      say(`  ${r ? "✓" : "✗"} ping ipv1 (by name) from ipv2`);
      return r;
    },
  },
  { name: "ipvlan-l2-gateway", title: "ipvlan L2 with the default gateway 192.168.1.1 (db_net_ipv)", needs: ["ipvlan"] },
);
