/**
 * Ipvlan L3 mode, two subnets on one parent — the documents' "IPVlan L3 Mode Example" (ipnet210).
 * No parent given: an isolated dummy parent. L3 routes between the subnets without a router;
 * every endpoint has `default dev eth0` (a gateway would mean nothing: no ARP in L3 mode).
 *
 *   docker network create -d ipvlan --subnet=192.168.214.0/24 --subnet=10.1.214.0/24 \
 *     -o ipvlan_mode=l3 ipnet210
 *   docker run --net=ipnet210 --ip=192.168.214.10 -itd alpine /bin/sh
 *   docker run --net=ipnet210 --ip=10.1.214.10 -itd alpine /bin/sh
 *   docker run --net=ipnet210 --ip=192.168.214.9 -it --rm alpine ping -c 2 10.1.214.10
 *   docker run --net=ipnet210 --ip=10.1.214.9 -it --rm alpine ping -c 2 192.168.214.10
 *
 *   bun examples/ipvlan-l3.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const ipnet210 = net.ipvlan("ipnet210").mode("l3").subnet("192.168.214.0/24").subnet("10.1.214.0/24");

const demo = lab("ipl3", { host: "ex-ipl3", sandbox: true })
  .endpoint("c1", ipnet210, { ip: "192.168.214.10" })
  .endpoint("c2", ipnet210, { ip: "10.1.214.10" })
  .endpoint("c3", ipnet210, { ip: "192.168.214.9" })
  .endpoint("c4", ipnet210, { ip: "10.1.214.9" });

await runExample(demo, { name: "ipvlan-l3", title: "ipvlan L3 mode, multi-subnet (ipnet210)", needs: ["ipvlan"] });
