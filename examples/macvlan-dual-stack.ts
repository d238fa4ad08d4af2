/**
 * Dual-stack macvlan on VLAN 218 — the documents' "Dual Stack IPv4 IPv6 Macvlan Bridge Mode":
 * two IPv4 subnets and one IPv6 subnet, each with its gateway.
 *
 *   docker network create -d macvlan \
 *     --subnet=192.168.216.0/24 --subnet=192.168.218.0/24 \
 *     --gateway=192.168.216.1 --gateway=192.168.218.1 \
 *     --subnet=2001:db8:abc8::/64 --gateway=2001:db8:abc8::10 \
 *     -o parent=eth0.218 -o macvlan_mode=bridge macvlan216
 *   docker run --net=macvlan216 --name=macnet216_test --ip=192.168.216.10 -itd alpine /bin/sh
 *   docker run --net=macvlan216 --name=macnet216_test --ip=192.168.218.10 -itd alpine /bin/sh
 *   docker run --net=macvlan216 --ip=192.168.216.11 -it --rm alpine /bin/sh   # ping 192.168.216.10
 *   docker run --net=macvlan216 --ip=192.168.218.11 -it --rm alpine /bin/sh   # ping 192.168.218.10
 *
 * IPv4 reaches the same subnet only; IPv6 (one subnet) reaches everyone.
 *
 *   bun examples/macvlan-dual-stack.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const macvlan216 = net.macvlan("macvlan216").parent("eth0.218").mode("bridge")
  .subnet("192.168.216.0/24", { gateway: "192.168.216.1" })
  .subnet("192.168.218.0/24", { gateway: "192.168.218.1" })
  .subnet("2001:db8:abc8::/64", { gateway: "2001:db8:abc8::10" });

const demo = lab("mvds", { host: "ex-mvds", sandbox: true })
  .endpoint("t1", macvlan216, { ip: "192.168.216.10" })
  .endpoint("t2", macvlan216, { ip: "192.168.218.10" })
  .endpoint("t3", macvlan216, { ip: "192.168.216.11" })
  .endpoint("t4", macvlan216, { ip: "192.168.218.11" });

await runExample(demo, { name: "macvlan-dual-stack", title: "dual-stack macvlan bridge, VLAN 218 (macvlan216)", needs: ["macvlan", "vlan"] });
