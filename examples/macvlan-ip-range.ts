/**
 * Macvlan address selection — the documents' `--aux-address` and `--ip-range` examples.
 *
 *   docker network create -d macvlan \
 *     --subnet=172.16.86.0/24 --gateway=172.16.86.1 \
 *     --aux-address="exclude_host=172.16.86.250" \
 *     -o parent=eth0 pub_net
 *
 *   docker network create -d macvlan \
 *     --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 --gateway=192.168.32.254 \
 *     -o parent=eth0 macnet32
 *   docker run --net=macnet32 -it --rm alpine /bin/sh   # → 192.168.32.128
 *
 * The host's own 172.16.86.250 is never handed out; macnet32 allocates from .128 upwards.
 * Like Docker, underlay puts one network on a parent, so the two networks are two labs (in the
 * sandbox, two host namespaces, each with its own stand-in eth0).
 *
 *   bun examples/macvlan-ip-range.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const pub_net = net.macvlan("pub_net").parent("eth0")
  .subnet("172.16.86.0/24", { gateway: "172.16.86.1", exclude: { exclude_host: "172.16.86.250" } });
const macnet32 = net.macvlan("macnet32").parent("eth0")
  .subnet("192.168.32.0/24", { ipRange: "192.168.32.128/25", gateway: "192.168.32.254" });

const auxLab = lab("mva", { host: "ex-mva", sandbox: true })
  .endpoint("p1", pub_net) // 172.16.86.2
  .endpoint("p2", pub_net); // 172.16.86.3
const rangeLab = lab("mvr", { host: "ex-mvr", sandbox: true })
  .endpoint("r1", macnet32) // 192.168.32.128
  .endpoint("r2", macnet32); // 192.168.32.129

await runExample({ labs: [auxLab, rangeLab] }, { name: "macvlan-ip-range", title: "macvlan --aux-address and --ip-range (pub_net, macnet32)", needs: ["macvlan"] });
