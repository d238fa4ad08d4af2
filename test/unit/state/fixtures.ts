/**
 * Fixture helpers for the state unit tests: the `ip -json` answers captured from a real kernel
 * (see fixtures/capture.ts; sandbox prefix rewritten to `fx`), and a way to assemble a
 * {@link LiveState} from answers without running anything.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseNamespace } from "../../../sdk/state/read-namespace.ts";
import type { LiveState, NamespaceState } from "../../../sdk/state/types.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** The text of a fixture file. */
export function fixture(name: string): string {
  return readFileSync(join(here, "fixtures", name), "utf8");
}

/**
 * The batch answer of the captured sandbox:
 * - `host` (`fx-h`): bridge `p0` (up), macvlan `m0` on p0 (mode private, mtu 1400, down, alias `underlay:fx`);
 * - `endpoint` (`fx-a`): `lo` up, macvlan `eth0` (bridge, parent p0 in fx-h) with 10.0.0.2/24 and fd00::2/64,
 *   default via 10.0.0.1, 10.9.0.0/16 via 10.0.0.254 proto static, -6 default via fd00::1;
 * - `bare` (`fx-b`): a fresh namespace (`lo` down, empty route tables).
 */
export const batch = {
  host: fixture("host.batch.txt"),
  endpoint: fixture("endpoint.batch.txt"),
  bare: fixture("bare.batch.txt"),
} as const;

/** A namespace state built from a captured or hand-made batch answer. */
export function nsFrom(name: string | null, stdout: string, sysctl: Record<string, string> = {}): NamespaceState {
  return { ...parseNamespace(name, stdout, { raw: true }), sysctl };
}

/** The live state of the captured sandbox (plus any extra namespaces and files). */
export function sandboxState(extra: readonly NamespaceState[] = [], files: ReadonlyMap<string, string | null> = new Map()): LiveState {
  const namespaces = [
    nsFrom("fx-h", batch.host),
    nsFrom("fx-a", batch.endpoint, { "net.ipv6.conf.all.accept_ra": "1", "net.ipv6.conf.eth0.disable_ipv6": "0", "net.ipv4.ip_forward": "0" }),
    nsFrom("fx-b", batch.bare),
    ...extra,
  ];
  return {
    netns: new Set(namespaces.map((n) => n.name).filter((n): n is string => n !== null)),
    namespaces: new Map(namespaces.map((n) => [n.name, n])),
    files,
  };
}

/** A batch answer assembled from hand-built JSON (links, addresses, IPv4 routes, IPv6 routes). */
export function handBatch(links: unknown[], addrs: unknown[] = [], routes4: unknown[] = [], routes6: unknown[] = []): string {
  return [links, addrs, routes4, routes6].map((v) => JSON.stringify(v)).join("\n") + "\n";
}
