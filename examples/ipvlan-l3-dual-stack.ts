/**
 * Dual-stack ipvlan L3 on VLAN 118 — the documents' "Dual Stack IPv4 IPv6 Ipvlan L3 Mode"
 * (ipnet110). The heading says VLAN 118 while its command uses eth0 ("a tagged VLAN interface
 * does not have to be used"); this example uses eth0.118. `default dev eth0` for IPv4 and
 * IPv6, and L3 routes between all subnets.
 *
 *   docker network create -d ipvlan \
 *     --subnet=192.168.110.0/24 --subnet=192.168.112.0/24 --subnet=2001:db8:abc6::/64 \
 *     -o parent=eth0.118 -o ipvlan_mode=l3 ipnet110
 *   docker run --net=ipnet110 -it --rm alpine /bin/sh
 *   docker run --net=ipnet110 --ip6=2001:db8:abc6::10 -it --rm alpine /bin/sh
 *   docker run --net=ipnet110 --ip=192.168.112.50 -it --rm alpine /bin/sh
 *   docker run --net=ipnet110 --ip6=2001:db8:abc6::50 --ip=192.168.112.50 -it --rm alpine /bin/sh
 *
 * The documents' 4th container reuses .112.50 after the 3rd has gone (`--rm`); here all four run
 * at once, so the 4th takes 192.168.112.51.
 *
 *   bun examples/ipvlan-l3-dual-stack.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const ipnet110 = net.ipvlan("ipnet110").parent("eth0.118").mode("l3")
  .subnet("192.168.110.0/24")
  .subnet("192.168.112.0/24")
  .subnet("2001:db8:abc6::/64");

const demo = lab("il3ds", { host: "ex-il3ds", sandbox: true })
  .endpoint("c1", ipnet110)
  .endpoint("c2", ipnet110, { ip6: "2001:db8:abc6::10" })
  .endpoint("c3", ipnet110, { ip: "192.168.112.50" })
  .endpoint("c4", ipnet110, { ip: "192.168.112.51", ip6: "2001:db8:abc6::50" });

await runExample(demo, { name: "ipvlan-l3-dual-stack", title: "dual-stack ipvlan L3, VLAN 118 (ipnet110)", needs: ["ipvlan", "vlan"] });
