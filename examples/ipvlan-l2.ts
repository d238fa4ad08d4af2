/**
 * Ipvlan L2 mode — the documents' "Ipvlan L2 Mode Example Usage" (db_net).
 *
 *   docker network create -d ipvlan \
 *     --subnet=192.168.1.0/24 --gateway=192.168.1.1 \
 *     -o ipvlan_mode=l2 -o parent=eth0 db_net
 *   docker run --net=db_net -it --rm alpine /bin/sh
 *
 * Like macvlan bridge mode, except that every endpoint shares the parent's MAC.
 *
 *   bun examples/ipvlan-l2.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const db_net = net.ipvlan("db_net").mode("l2").parent("eth0").subnet("192.168.1.0/24", { gateway: "192.168.1.1" });

const demo = lab("ipl2", { host: "ex-ipl2", sandbox: true })
  .endpoint("c1", db_net)
  .endpoint("c2", db_net);

await runExample(demo, { name: "ipvlan-l2", title: "ipvlan L2 mode (db_net on eth0)", needs: ["ipvlan"] });
