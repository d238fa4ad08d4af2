/**
 * Macvlan on an 802.1Q trunk — the documents' "Macvlan 802.1q Trunk Bridge Mode Example Usage":
 * VLAN 50 and VLAN 60 sub-interfaces created on the fly (and removed on down, because underlay
 * created them), plus the multi-subnet example.
 *
 *   docker network create -d macvlan --subnet=192.168.50.0/24 --gateway=192.168.50.1 \
 *     -o parent=eth0.50 macvlan50
 *   docker run --net=macvlan50 -it --name macvlan_test5 --rm alpine /bin/sh
 *   docker run --net=macvlan50 -it --name macvlan_test6 --rm alpine /bin/sh
 *
 *   docker network create -d macvlan --subnet=192.168.60.0/24 --gateway=192.168.60.1 \
 *     -o parent=eth0.60 -o macvlan_mode=bridge macvlan60
 *   docker run --net=macvlan60 -it --name macvlan_test7 --rm alpine /bin/sh
 *   docker run --net=macvlan60 -it --name macvlan_test8 --rm alpine /bin/sh
 *
 *   # Multi-subnet (the documents write `-d ipvlan -o ipvlan_mode=l2` under this macvlan
 *   # heading; this example uses macvlan, the heading's driver — ipvlan-trunk.ts has ipvlan):
 *   docker network create -d macvlan --subnet=192.168.210.0/24 --subnet=192.168.212.0/24 \
 *     --gateway=192.168.210.254 --gateway=192.168.212.254 macvlan210
 *   docker run --net=macvlan210 --ip=192.168.210.10 -itd alpine /bin/sh
 *   docker run --net=macvlan210 --ip=192.168.210.9 -it --rm alpine ping -c 2 192.168.210.10
 *   docker run --net=macvlan210 --ip=192.168.212.10 -itd alpine /bin/sh
 *   docker run --net=macvlan210 --ip=192.168.212.9 -it --rm alpine ping -c 2 192.168.212.10
 *
 * Different VLANs never reach each other; the two subnets of macvlan210 need a router.
 *
 *   bun examples/macvlan-trunk.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const macvlan50 = net.macvlan("macvlan50").parent("eth0.50").subnet("192.168.50.0/24", { gateway: "192.168.50.1" });
const macvlan60 = net.macvlan("macvlan60").parent("eth0.60").mode("bridge").subnet("192.168.60.0/24", { gateway: "192.168.60.1" });
const macvlan210 = net.macvlan("macvlan210")
  .subnet("192.168.210.0/24", { gateway: "192.168.210.254" })
  .subnet("192.168.212.0/24", { gateway: "192.168.212.254" });

const demo = lab("mvt", { host: "ex-mvt", sandbox: true })
  .endpoint("t5", macvlan50)
  .endpoint("t6", macvlan50)
  .endpoint("t7", macvlan60)
  .endpoint("t8", macvlan60)
  .endpoint("m10", macvlan210, { ip: "192.168.210.10" })
  .endpoint("m9", macvlan210, { ip: "192.168.210.9" })
  .endpoint("n10", macvlan210, { ip: "192.168.212.10" })
  .endpoint("n9", macvlan210, { ip: "192.168.212.9" });

await runExample(demo, { name: "macvlan-trunk", title: "macvlan 802.1Q trunk: VLAN 50, VLAN 60, multi-subnet", needs: ["macvlan", "vlan"] });
