/**
 * The order of a network's subnets as the engine holds them. The Docker CLI hands the daemon a
 * network's `--subnet`s in Go map order — random from one run to the next (`createIPAMConfig` of
 * docker/cli builds them from a map) — and the daemon gives a container without `--ip` an address
 * from the first IPv4 (and IPv6) subnet with room. With several subnets of a family, Docker
 * itself is not deterministic; underlay takes them in the order written. So that the comparison
 * compares allocation and not a coin toss, underlay's side is given the subnets in the order
 * this engine got them ({@link inEngineOrder}).
 * @module
 */
import { lexShell } from "../../sdk/interop/index.ts";
import { ipFamily } from "../../sdk/lib/canonical.ts";

const SUBNET = /--subnet(?:=|\s+)(\S+)/g;

/**
 * The scenario's text with each `docker network create` line's `--subnet` values put in the
 * order `orders` gives for that network (by name): each family keeps its written places and
 * takes the engine's order. Networks `orders` does not name are left as written.
 *
 * @example
 * ```ts
 * inEngineOrder("docker network create -d macvlan --subnet=10.1.0.0/24 --subnet=10.2.0.0/24 -o parent=eth0 n", new Map([["n", ["10.2.0.0/24", "10.1.0.0/24"]]]));
 * // "docker network create -d macvlan --subnet=10.2.0.0/24 --subnet=10.1.0.0/24 -o parent=eth0 n"
 * ```
 */
export function inEngineOrder(text: string, orders: ReadonlyMap<string, readonly string[]>): string {
  const lines = text.split("\n");
  const commands = lexShell(text).commands;
  commands.forEach((cmd, k) => {
    const held = orders.get(cmd.words.at(-1) ?? "");
    if (cmd.words[1] !== "network" || cmd.words[2] !== "create" || held === undefined) return;
    const from = cmd.line - 1;
    const to = (commands[k + 1]?.line ?? lines.length + 1) - 1;
    const own = lines.slice(from, to).join("\n");
    const written = [...own.matchAll(SUBNET)].map((m) => m[1] as string);
    // The engine also holds the default pool it took for a family the text gives no subnet of.
    const order = held.filter((s) => written.includes(s));
    if (order.length !== written.length) {
      throw new Error(`network ${cmd.words.at(-1)}: the engine holds subnets ${held.join(", ")}, the text has ${written.join(", ")}`);
    }
    const family = (cidr: string): 4 | 6 | null => ipFamily(cidr.split("/")[0] ?? "");
    const queues = new Map([4, 6].map((f) => [f, order.filter((s) => family(s) === f)]));
    const reordered = own.replace(SUBNET, (all, cidr: string) => all.replace(cidr, queues.get(family(cidr) ?? 0)?.shift() ?? cidr));
    lines.splice(from, to - from, ...reordered.split("\n"));
  });
  return lines.join("\n");
}
