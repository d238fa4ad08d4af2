/**
 * Host access to macvlan children. The documents: "containers can NOT ping the underlying host
 * interfaces as they are intentionally filtered". The usual remedy is a macvlan of the host's
 * own on the same parent, with routes to the containers — `.hostAccess({ ip })` does that:
 *
 *   docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 \
 *     --aux-address="exclude_host=172.16.86.250" -o parent=eth0 pub_net
 *   ip link add pub-shim link eth0 type macvlan mode bridge
 *   ip addr add 172.16.86.250/32 dev pub-shim && ip link set pub-shim up
 *   ip route add 172.16.86.2/32 dev pub-shim     # one per container
 *
 * The demo pings every endpoint from the host namespace.
 *
 *   bun examples/host-access.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const pub_net = net.macvlan("pub_net").parent("eth0")
  .subnet("172.16.86.0/24", { gateway: "172.16.86.1", exclude: { exclude_host: "172.16.86.250" } })
  .hostAccess({ ip: "172.16.86.250", name: "pub-shim" });

await runExample(
  {
    labs: [lab("ha", { host: "ex-ha", sandbox: true }).endpoint("c1", pub_net, { ip: "172.16.86.10" }).endpoint("c2", pub_net)],
    demo: async ({ host, endpoint, ping, say }) => {
      say(`from the host namespace (${host ?? "this host"}) through pub-shim:`);
      let ok = true;
      for (const name of ["c1", "c2"]) {
        ok = (await ping(host, endpoint(name).interfaces[0]?.addresses[0]?.split("/")[0] ?? "")) && ok;
      }
      return ok;
    },
  },
  { name: "host-access", title: "host access to macvlan children (.hostAccess)", needs: ["macvlan"] },
);
