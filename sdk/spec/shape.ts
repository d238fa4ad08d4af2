/**
 * The shape of a lab definition at the public boundary: valibot schemas for every object a user
 * can hand over (a lab, an endpoint, an attachment, a network, a subnet, host access), checked
 * before any rule reads a field, so that a wrong JavaScript type (`{ ip: 5 }`,
 * `subnets: "10.0.0.0/24"`, a lab from JSON) is an issue with the field's path, never a
 * `TypeError`. Unknown fields are issues too (a typo such as `ipRnage` is not silently ignored).
 * Values (names, addresses, ranges) are the validator's; here only types.
 * @module
 */
import * as v from "valibot";
import type { Issue } from "../errors.ts";
import { describeValue } from "./names.ts";

/**
 * A valibot message function.
 *
 * @example
 * ```ts
 * const m: Message = (issue) => `expected a name but received ${String(issue.input)}`;
 * ```
 */
export type Message = (issue: v.BaseIssue<unknown>) => string;

/**
 * A message in underlay's shape: `expected <what> but received <value>`.
 *
 * @example
 * ```ts
 * v.string(expected("a name (a string)")); // "expected a name (a string) but received 5 (a number)"
 * ```
 */
export const expected = (what: string): Message => (issue) => `expected ${what} but received ${describeValue(issue.input)}`;

/**
 * A string field described as `what`.
 *
 * @example
 * ```ts
 * str("a link name"); // "expected a link name (a string) but received …"
 * ```
 */
export const str = (what: string): v.StringSchema<Message> => v.string(expected(`${what} (a string)`));
const bool = (what: string): v.BooleanSchema<Message> => v.boolean(expected(`${what} (true or false)`));

/**
 * A strict object: unknown fields are issues that list the known ones.
 *
 * @example
 * ```ts
 * strict("a route", { dst: str("a destination"), via: str("an address") });
 * ```
 */
export function strict<const E extends v.ObjectEntries>(what: string, entries: E): v.StrictObjectSchema<E, Message> {
  const fields = Object.keys(entries).filter((k) => k !== "options").join(", ");
  return v.strictObject(entries, (issue) => {
    if (issue.expected === "never") return `unknown field ${issue.received} — ${what} takes ${fields}`;
    // A missing field: valibot names it, quoted, as what it expected.
    if (issue.expected?.startsWith('"') === true && issue.received === "undefined") return `missing — ${what} needs ${issue.expected} (it takes ${fields})`;
    return `expected ${what} as an object but received ${describeValue(issue.input)}`;
  });
}

/**
 * `options`: what a builder could not read from an option bag — the unknown fields, or the bag
 * itself when it is no object (see `builder/options.ts`). Never valid; the message says which.
 */
function leftoverOptions(call: string, known: string): v.GenericSchema<unknown, undefined> {
  return v.optional(
    v.custom<never>(() => false, (issue) => {
      const rest = issue.input;
      if (typeof rest !== "object" || rest === null || Array.isArray(rest)) return `expected the options of ${call} as an object ({ ${known} }) but received ${describeValue(rest)}`;
      const keys = Object.keys(rest);
      return `unknown option${keys.length === 1 ? "" : "s"} ${keys.map((k) => JSON.stringify(k)).join(", ")} — ${call} takes ${known}`;
    }),
  );
}

const address = str("an address");

/** `exclude`: a list of addresses, or named addresses (`{ router: "10.0.0.2" }`). */
const ExcludeShape = v.lazy((input) =>
  Array.isArray(input)
    ? v.array(address)
    : v.record(v.string(), address, expected("a list of addresses or named addresses ({ name: address })")),
);

/**
 * One subnet with its options.
 *
 * @example
 * ```ts
 * v.is(SubnetShape, { cidr: "10.0.0.0/24", exclude: { router: "10.0.0.2" } }); // true
 * ```
 */
export const SubnetShape = strict("a subnet", {
  cidr: str("a subnet in CIDR form like 192.168.1.0/24"),
  gateway: v.optional(address),
  ipRange: v.optional(str("an ip-range in CIDR form")),
  exclude: v.optional(ExcludeShape),
  options: leftoverOptions(".subnet(cidr, options)", "gateway, ipRange, exclude"),
});

/**
 * Host access (the shim).
 *
 * @example
 * ```ts
 * v.is(HostAccessShape, { ip: 5 }); // false
 * ```
 */
export const HostAccessShape = strict("host access", {
  ip: str("the shim's address"),
  name: v.optional(str("a link name")),
  mac: v.optional(str("a MAC address")),
});

/**
 * A network as `net.macvlan(…)`/`net.ipvlan(…)` collect it.
 *
 * @example
 * ```ts
 * v.is(NetworkShape, net.macvlan("pub").parent("eth0").spec()); // true
 * ```
 */
export const NetworkShape = strict("a network", {
  name: str("a network name"),
  driver: v.picklist(["macvlan", "ipvlan"], expected('a driver ("macvlan" or "ipvlan")')),
  parent: v.optional(str("a parent link name")),
  internal: bool("internal"),
  macvlanMode: v.optional(str("a macvlan mode")),
  ipvlanMode: v.optional(str("an ipvlan mode")),
  ipvlanFlag: v.optional(str("an ipvlan flag")),
  subnets: v.array(SubnetShape, expected("a list of subnets")),
  mtu: v.optional(v.number(expected("an MTU (a number)"))),
  gatewayPolicy: str("a gateway policy"),
  hostAccess: v.optional(HostAccessShape),
  ipv4: v.optional(bool("ipv4")),
});

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** One endpoint's attachment to a network (the network itself is checked once per network). */
const AttachmentShape = strict("an attachment", {
  network: v.custom<object>(isRecord, expected("a network (net.macvlan(…), net.ipvlan(…) or its spec())")),
  ips: v.array(address, expected("a list of addresses")),
  mac: v.optional(str("a MAC address")),
  options: leftoverOptions(".endpoint(name, network, options)", "ip, ip6, mac, netns"),
});

/** An endpoint. */
const EndpointShape = strict("an endpoint", {
  name: str("an endpoint name"),
  netns: v.optional(str("a namespace name")),
  attachments: v.array(AttachmentShape, expected("a list of attachments")),
});

/**
 * A whole lab (what `lab(…)` collects, `labFromSpec` takes and `spec()` returns).
 *
 * @example
 * ```ts
 * v.is(LabShape, lab("demo").spec()); // true
 * ```
 */
export const LabShape = strict("a lab", {
  name: str("a lab name"),
  host: v.nullable(str("a namespace name")),
  sandbox: bool("sandbox"),
  endpoints: v.array(EndpointShape, expected("a list of endpoints")),
  networks: v.optional(v.array(NetworkShape, expected("a list of networks"))),
  leases: v.optional(strict("a lease binding", { store: str("a lease store path") })),
  options: leftoverOptions("lab(name, options)", "host, sandbox"),
});

/** Spec field names that the rest of underlay (and the builder) call differently in paths. */
const RENAME: Readonly<Record<string, string>> = { macvlanMode: "mode", ipvlanMode: "mode", ipvlanFlag: "flag", ips: "ip" };

/**
 * Renders valibot path items after `base`: `.key` for fields, `[i]` for list items; list items
 * under `ips` (shown as `ip`) are dropped.
 *
 * @example
 * ```ts
 * render("networks.pub", issue.path ?? []); // "networks.pub.subnets[0].cidr"
 * ```
 */
export function render(base: string, items: readonly v.IssuePathItem[]): string {
  let out = base;
  let last = "";
  for (const item of items) {
    if (item.type === "array") {
      if (last !== "ips") out += `[${String(item.key)}]`;
      continue;
    }
    last = String(item.key);
    out += `${out === "" ? "" : "."}${RENAME[last] ?? last}`;
  }
  return out;
}

/** The path of a lab-level issue in underlay's words: `lab`, `lab.host`, `endpoints.web.pub.mac`, … */
function labPath(items: readonly v.IssuePathItem[]): string {
  const [first, second, third, fourth, fifth, ...rest] = items;
  if (first === undefined) return "lab";
  if (first.key !== "endpoints") return first.key === "name" ? "lab" : `lab.${String(first.key)}`;
  if (second === undefined) return "endpoints";
  const named = isRecord(second.value) && typeof second.value.name === "string";
  const ep = named && isRecord(second.value) ? `endpoints.${String(second.value.name)}` : `endpoints[${String(second.key)}]`;
  if (third === undefined) return ep;
  if (third.key === "name" && !named) return `${ep}.name`;
  if (third.key !== "attachments") return third.key === "name" ? ep : `${ep}.${String(third.key)}`;
  if (fourth === undefined) return `${ep}.attachments`;
  const at = fourth.value;
  const net = isRecord(at) && isRecord(at.network) && typeof at.network.name === "string" ? `${ep}.${at.network.name}` : `${ep}.attachments[${String(fourth.key)}]`;
  return render(net, [...(fifth === undefined ? [] : [fifth]), ...rest]);
}

/**
 * Runs a schema and returns its problems as issues under `base` (`.key`, `[i]` appended).
 *
 * @example
 * ```ts
 * parseIssues(RouteShape, { dst: 5 }, "routes[0]"); // [{ path: "routes[0].dst", message: "expected … but received 5 (a number)" }, …]
 * ```
 */
export function parseIssues(schema: v.GenericSchema, value: unknown, base: string): Issue[] {
  const r = v.safeParse(schema, value);
  if (r.success) return [];
  const out: Issue[] = [];
  collect(r.issues, (items) => render(base, items), out, new Set());
  return out;
}

function collect(issues: readonly v.BaseIssue<unknown>[], path: (items: readonly v.IssuePathItem[]) => string, out: Issue[], seen: Set<string>): void {
  for (const i of issues) {
    const issue = { path: path(i.path ?? []), message: i.message };
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
}

/**
 * Every type problem of a lab definition given as any value: the lab, its endpoints and
 * attachments, then each distinct network (by identity) once. Paths follow the validator's
 * (`lab.host`, `endpoints.web.pub.ip`, `networks.pub.subnets[0].cidr`). An empty list means every
 * field has the type {@link LabSpec} promises.
 *
 * @example
 * ```ts
 * shapeIssues({ name: "x", host: null, sandbox: false, endpoints: [{ name: "a", attachments: [{ network: n, ips: [5] }] }] });
 * // [{ path: "endpoints.a.n.ip", message: "expected an address (a string) but received 5 (a number)" }]
 * ```
 */
export function shapeIssues(input: unknown): Issue[] {
  const out: Issue[] = [];
  const seen = new Set<string>();
  const lab = v.safeParse(LabShape, input);
  if (!lab.success) collect(lab.issues, labPath, out, seen);
  if (!isRecord(input) || !Array.isArray(input.endpoints)) return out;
  const networks = new Map<object, string>();
  for (const [i, ep] of (input.endpoints as unknown[]).entries()) {
    if (!isRecord(ep) || !Array.isArray(ep.attachments)) continue;
    const epPath = typeof ep.name === "string" ? `endpoints.${ep.name}` : `endpoints[${i}]`;
    for (const [j, at] of (ep.attachments as unknown[]).entries()) {
      if (!isRecord(at) || !isRecord(at.network) || networks.has(at.network)) continue;
      const name = at.network.name;
      networks.set(at.network, typeof name === "string" ? `networks.${name}` : `${epPath}.attachments[${j}].network`);
    }
  }
  for (const [network, base] of networks) {
    const r = v.safeParse(NetworkShape, network);
    if (!r.success) collect(r.issues, (items) => render(base, items), out, seen);
  }
  return out;
}
