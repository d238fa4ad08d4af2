/**
 * IPv6-only ipvlan on VLAN 139 — the documents' v6ipvlan139. No IPv4 subnet given, so (like
 * Docker) the default IPv4 pool is added; IPv6 from ::1 with `default via 2001:db8:abc2::22`.
 *
 *   docker network create -d ipvlan --subnet=2001:db8:abc2::/64 --gateway=2001:db8:abc2::22 \
 *     -o parent=eth0.139 v6ipvlan139
 *   docker run --net=v6ipvlan139 -it --rm alpine /bin/sh          # 2001:db8:abc2::1
 *   docker run --net=v6ipvlan139 -it --rm alpine /bin/sh          # ping6 2001:db8:abc2::1
 *   docker run --net=v6ipvlan139 --ip6=2001:db8:abc2::51 -it --rm alpine /bin/sh
 *
 *   bun examples/ipvlan-v6-only.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const v6ipvlan139 = net.ipvlan("v6ipvlan139").parent("eth0.139").subnet("2001:db8:abc2::/64", { gateway: "2001:db8:abc2::22" });

const demo = lab("iv6", { host: "ex-iv6", sandbox: true })
  .endpoint("c1", v6ipvlan139)
  .endpoint("c2", v6ipvlan139)
  .endpoint("c3", v6ipvlan139, { ip6: "2001:db8:abc2::51" });

await runExample(demo, { name: "ipvlan-v6-only", title: "IPv6-only ipvlan L2, VLAN 139 (v6ipvlan139)", needs: ["ipvlan", "vlan"] });
