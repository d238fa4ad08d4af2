/**
 * Dual-stack ipvlan L2 on VLAN 140 — the documents' ipvlan140: two IPv4 subnets and one IPv6
 * subnet, all with explicit gateways.
 *
 *   docker network create -d ipvlan \
 *     --subnet=192.168.140.0/24 --subnet=192.168.142.0/24 \
 *     --gateway=192.168.140.1 --gateway=192.168.142.1 \
 *     --subnet=2001:db8:abc9::/64 --gateway=2001:db8:abc9::22 \
 *     -o parent=eth0.140 -o ipvlan_mode=l2 ipvlan140
 *   docker run --net=ipvlan140 -it --rm alpine /bin/sh                     # 192.168.140.2, abc9::1
 *   docker run --net=ipvlan140 --ip=192.168.140.10 -it --rm alpine /bin/sh
 *
 * c3 on 192.168.142.0/24 shows the note of the documents: different subnets in L2 mode need a
 * router for IPv4 — IPv6 (one subnet) still reaches everyone.
 *
 *   bun examples/ipvlan-l2-dual-stack.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const ipvlan140 = net.ipvlan("ipvlan140").parent("eth0.140").mode("l2")
  .subnet("192.168.140.0/24", { gateway: "192.168.140.1" })
  .subnet("192.168.142.0/24", { gateway: "192.168.142.1" })
  .subnet("2001:db8:abc9::/64", { gateway: "2001:db8:abc9::22" });

const demo = lab("ivds", { host: "ex-ivds", sandbox: true })
  .endpoint("c1", ipvlan140)
  .endpoint("c2", ipvlan140, { ip: "192.168.140.10" })
  .endpoint("c3", ipvlan140, { ip: "192.168.142.10" });

await runExample(demo, { name: "ipvlan-l2-dual-stack", title: "dual-stack ipvlan L2, VLAN 140 (ipvlan140)", needs: ["ipvlan", "vlan"] });
