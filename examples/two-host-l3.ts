/**
 * Two hosts with ipvlan L3 networks — the documents' note on L3 mode: "in order to ping the
 * containers from a remote Docker host … the remote host or the physical network in between
 * need to have a route pointing to the host IP address of the container's Docker host eth
 * interface". Each host routes the other's container subnet via the other's eth0 address
 * (`twoHostRoutes`); the hosts themselves forward nothing — ipvlan L3 does it.
 *
 *   # host A (eth0 192.168.1.250/24)                # host B (eth0 192.168.1.251/24)
 *   docker network create -d ipvlan \               docker network create -d ipvlan \
 *     --subnet=10.1.10.0/24 -o parent=eth0 \          --subnet=10.1.20.0/24 -o parent=eth0 \
 *     -o ipvlan_mode=l3 ipnet_a                        -o ipvlan_mode=l3 ipnet_b
 *   ip route add 10.1.20.0/24 via 192.168.1.251     ip route add 10.1.10.0/24 via 192.168.1.250
 *
 * Sandbox only: the two hosts are namespaces ex-<lab>a/b joined by a veth pair (their eth0s).
 *
 *   bun examples/two-host-l3.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { type L3Host } from "../sdk/route/index.ts";
import { twoHostRoutes } from "../sdk/route/index.ts";
import { runExample, type ExampleContext } from "./_run.ts";

const ipnet_a = net.ipvlan("ipnet_a").parent("eth0").mode("l3").subnet("10.1.10.0/24");
const ipnet_b = net.ipvlan("ipnet_b").parent("eth0").mode("l3").subnet("10.1.20.0/24");

const hostA = lab("l3a", { host: "ex-l3a" }).endpoint("a1", ipnet_a).endpoint("a2", ipnet_a);
const hostB = lab("l3b", { host: "ex-l3b" }).endpoint("b1", ipnet_b).endpoint("b2", ipnet_b);

/** The routes each host needs towards the other's containers. */
function routes({ hosts, labs }: ExampleContext) {
  const side = (network: typeof ipnet_a, address: string, netns: string | null): L3Host => ({ networks: [network], address, dev: "eth0", netns, connected: ["192.168.1.0/24"] });
  return twoHostRoutes(`${labs[0]?.name}r`, side(ipnet_a, "192.168.1.250", hosts[0] ?? null), side(ipnet_b, "192.168.1.251", hosts[1] ?? null));
}

await runExample(
  {
    labs: [hostA, hostB],
    hosts: "setup",
    realParent: false,
    // The "physical" network: one cable (a veth pair) between the two hosts' eth0.
    setup: async (ctx) => {
      const [a, b] = ctx.hosts as [string, string];
      await ctx.sh(a, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
      for (const [ns, ip] of [[a, "192.168.1.250/24"], [b, "192.168.1.251/24"]] as const) {
        await ctx.sh(ns, "ip", "addr", "add", ip, "dev", "eth0");
        await ctx.sh(ns, "ip", "link", "set", "eth0", "up");
      }
      const { onA, onB } = routes(ctx);
      await onA.up({ executor: ctx.executor });
      await onB.up({ executor: ctx.executor });
      ctx.say(`routes: on ${a} ${onA.routes.map((r) => `${r.dst} via ${r.via}`).join(", ")}; on ${b} ${onB.routes.map((r) => `${r.dst} via ${r.via}`).join(", ")}\n`);
    },
    // Across the hosts: every container of A pings every container of B, and back.
    demo: async ({ endpoint, ping, say }) => {
      say("across the two hosts:");
      let ok = true;
      for (const [from, to] of [["a1", "b1"], ["a1", "b2"], ["a2", "b1"], ["b1", "a1"], ["b2", "a2"]] as const) {
        const address = endpoint(to).interfaces[0]?.addresses[0]?.split("/")[0] ?? "";
        ok = (await ping(endpoint(from).netns, address)) && ok;
      }
      return ok;
    },
    teardown: async (ctx) => {
      const { onA, onB } = routes(ctx);
      await onB.down({ executor: ctx.executor });
      await onA.down({ executor: ctx.executor });
    },
  },
  { name: "two-host-l3", title: "two hosts, ipvlan L3 on each, routes between them", needs: ["ipvlan", "veth"] },
);
