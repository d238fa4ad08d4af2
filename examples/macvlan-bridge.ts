/**
 * Macvlan bridge mode — the documents' "MacVlan Bridge Mode Example Usage".
 *
 *   docker network create -d macvlan \
 *     --subnet=172.16.86.0/24 --gateway=172.16.86.1 \
 *     -o parent=eth0 pub_net
 *   docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh
 *   docker run --net=pub_net -it --rm alpine /bin/sh      # → 172.16.86.2, pings .10
 *
 * Every endpoint gets its own MAC; both reach each other through the parent, and have
 * `default via 172.16.86.1`.
 *
 *   bun examples/macvlan-bridge.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const pub_net = net.macvlan("pub_net").parent("eth0").subnet("172.16.86.0/24", { gateway: "172.16.86.1" });

const demo = lab("mvb", { host: "ex-mvb", sandbox: true })
  .endpoint("c1", pub_net, { ip: "172.16.86.10" })
  .endpoint("c2", pub_net);

await runExample(demo, { name: "macvlan-bridge", title: "macvlan bridge mode (pub_net on eth0)", needs: ["macvlan"] });
