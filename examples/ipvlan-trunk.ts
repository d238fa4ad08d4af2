/**
 * Ipvlan L2 on an 802.1Q trunk — the documents' "Ipvlan 802.1q Trunk L2 Mode Example Usage":
 * VLAN 20 and VLAN 30, and the multi-subnet network on VLAN 114.
 *
 *   docker network create -d ipvlan --subnet=192.168.20.0/24 --gateway=192.168.20.1 \
 *     -o parent=eth0.20 ipvlan20
 *   docker run --net=ipvlan20 -it --name ivlan_test1 --rm alpine /bin/sh
 *   docker run --net=ipvlan20 -it --name ivlan_test2 --rm alpine /bin/sh
 *
 *   docker network create -d ipvlan --subnet=192.168.30.0/24 --gateway=192.168.30.1 \
 *     -o parent=eth0.30 -o ipvlan_mode=l2 ipvlan30
 *   docker run --net=ipvlan30 -it --name ivlan_test3 --rm alpine /bin/sh
 *   docker run --net=ipvlan30 -it --name ivlan_test4 --rm alpine /bin/sh
 *
 *   docker network create -d ipvlan --subnet=192.168.114.0/24 --subnet=192.168.116.0/24 \
 *     --gateway=192.168.114.254 --gateway=192.168.116.254 \
 *     -o parent=eth0.114 -o ipvlan_mode=l2 ipvlan114
 *   docker run --net=ipvlan114 --ip=192.168.114.10 -it --rm alpine /bin/sh
 *   docker run --net=ipvlan114 --ip=192.168.114.11 -it --rm alpine /bin/sh
 *
 * Containers of one VLAN ping each other, `default via <gateway>`; other VLANs and the other
 * subnet of VLAN 114 (s3 on 192.168.116.0/24) need an external router.
 *
 *   bun examples/ipvlan-trunk.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const ipvlan20 = net.ipvlan("ipvlan20").parent("eth0.20").subnet("192.168.20.0/24", { gateway: "192.168.20.1" });
const ipvlan30 = net.ipvlan("ipvlan30").parent("eth0.30").mode("l2").subnet("192.168.30.0/24", { gateway: "192.168.30.1" });
const ipvlan114 = net.ipvlan("ipvlan114").parent("eth0.114").mode("l2")
  .subnet("192.168.114.0/24", { gateway: "192.168.114.254" })
  .subnet("192.168.116.0/24", { gateway: "192.168.116.254" });

const demo = lab("ivt", { host: "ex-ivt", sandbox: true })
  .endpoint("t1", ipvlan20)
  .endpoint("t2", ipvlan20)
  .endpoint("t3", ipvlan30)
  .endpoint("t4", ipvlan30)
  .endpoint("s1", ipvlan114, { ip: "192.168.114.10" })
  .endpoint("s2", ipvlan114, { ip: "192.168.114.11" })
  .endpoint("s3", ipvlan114, { ip: "192.168.116.10" });

await runExample(demo, { name: "ipvlan-trunk", title: "ipvlan L2 802.1Q trunk: VLAN 20, VLAN 30, multi-subnet VLAN 114", needs: ["ipvlan", "vlan"] });
