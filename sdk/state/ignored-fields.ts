/**
 * The fields a state dump leaves out because the kernel changes them by itself — so that a
 * before/after comparison reports only what commands changed, and says which fields it skipped
 * and why.
 * @module
 */

/** One field left out of a dump. */
export interface IgnoredField {
  /** Which objects carry it. */
  readonly in: "link" | "addr" | "route";
  /**
   * Dotted path inside the object as `ip -json -details` prints it, e.g. `linkinfo.info_data.gc_timer`;
   * `*` drops whole objects, those whose fields equal every entry of {@link IgnoredField.match}.
   */
  readonly field: string;
  /** For `*`: the field values that identify the objects dropped. */
  readonly match?: Readonly<Record<string, string | number>>;
  /** For list fields: only these values are dropped (the rest of the list is compared). */
  readonly values?: readonly string[];
  /** Why it changes without any command. */
  readonly reason: string;
}

/**
 * Everything `dump()` drops before `compareDumps()` compares — nothing else is ignored.
 *
 * @example
 * ```ts
 * for (const f of IGNORED_FIELDS) console.log(`${f.in}.${f.field}: ${f.reason}`);
 * ```
 */
export const IGNORED_FIELDS: readonly IgnoredField[] = [
  { in: "link", field: "ifindex", reason: "numbered by the kernel in creation order; a link created again gets a new number" },
  { in: "link", field: "link_index", reason: "the parent's ifindex, renumbered like ifindex" },
  { in: "link", field: "link_netnsid", reason: "peer-namespace id, allocated lazily per namespace pair and different once namespaces are recreated" },
  {
    in: "link",
    field: "operstate",
    reason: "follows carrier and the peer (UNKNOWN, UP, LOWERLAYERDOWN) with no command; an admin up/down still shows in flags (UP)",
  },
  {
    in: "link",
    field: "flags",
    values: ["LOWER_UP", "NO-CARRIER", "DORMANT", "M-DOWN"],
    reason: "carrier flags, set by the driver and the lower device, not by commands (the other flags are compared)",
  },
  { in: "link", field: "stats", reason: "packet and byte counters" },
  { in: "link", field: "stats64", reason: "packet and byte counters" },
  { in: "link", field: "carrier_changes", reason: "counts carrier transitions" },
  { in: "link", field: "carrier_up_count", reason: "counts carrier transitions" },
  { in: "link", field: "carrier_down_count", reason: "counts carrier transitions" },
  { in: "link", field: "linkinfo.info_data.hello_timer", reason: "bridge timer, runs by itself" },
  { in: "link", field: "linkinfo.info_data.tcn_timer", reason: "bridge timer, runs by itself" },
  { in: "link", field: "linkinfo.info_data.topology_change_timer", reason: "bridge timer, runs by itself" },
  { in: "link", field: "linkinfo.info_data.gc_timer", reason: "bridge garbage-collection timer, runs by itself" },
  { in: "link", field: "linkinfo.info_slave_data.message_age_timer", reason: "bridge-port timer, runs by itself" },
  { in: "link", field: "linkinfo.info_slave_data.forward_delay_timer", reason: "bridge-port timer, runs by itself" },
  { in: "link", field: "linkinfo.info_slave_data.hold_timer", reason: "bridge-port timer, runs by itself" },
  { in: "addr", field: "valid_life_time", reason: "address lifetime, counts down" },
  { in: "addr", field: "preferred_life_time", reason: "address lifetime, counts down" },
  { in: "addr", field: "tentative", reason: "set while duplicate address detection runs and cleared by the kernel a moment later" },
  { in: "addr", field: "deprecated", reason: "set by the kernel when the preferred lifetime runs out" },
  { in: "route", field: "expires", reason: "seconds left of a route with a lifetime (router advertisements, PMTU)" },
  { in: "route", field: "flags", values: ["linkdown"], reason: "set while the output link has no carrier" },
  {
    in: "route",
    field: "*",
    match: { family: 6, table: "local", type: "local", protocol: "kernel" },
    reason: "the kernel adds an IPv6 address's local route only once duplicate address detection completes (link-local addresses a second after link up); the address itself is compared",
  },
];

/**
 * Whether a whole dumped object is dropped (an {@link IGNORED_FIELDS} entry with field `*`).
 *
 * @example
 * ```ts
 * ignoredObject("route", { family: 6, table: "local", type: "local", protocol: "kernel", dst: "fe80::1" }); // true
 * ```
 */
export function ignoredObject(kind: IgnoredField["in"], value: Readonly<Record<string, unknown>>): boolean {
  return IGNORED_FIELDS.some((f) => f.in === kind && f.field === "*" && f.match !== undefined && Object.entries(f.match).every(([k, v]) => value[k] === v));
}

/**
 * A copy of a raw `ip -json` object without the {@link IGNORED_FIELDS} of its kind.
 *
 * @example
 * ```ts
 * withoutIgnored("addr", { local: "10.0.0.2", prefixlen: 24, valid_life_time: 4294967295 });
 * // { local: "10.0.0.2", prefixlen: 24 }
 * ```
 */
export function withoutIgnored(kind: IgnoredField["in"], value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const f of IGNORED_FIELDS) {
    if (f.in !== kind || f.field === "*") continue;
    const path = f.field.split(".");
    const last = path.pop() as string;
    let holder: unknown = copy;
    for (const step of path) holder = isRecord(holder) ? holder[step] : undefined;
    if (!isRecord(holder) || !(last in holder)) continue;
    const values = f.values;
    if (values === undefined) delete holder[last];
    else {
      const list = holder[last];
      if (Array.isArray(list)) holder[last] = list.filter((v) => !values.includes(String(v)));
    }
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
