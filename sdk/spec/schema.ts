/**
 * Valibot schemas for the field-level rules of a network and an endpoint attachment. Cross-field
 * rules (parents, mixes, duplicates) live in `validate.ts`; address rules in `ipam/`.
 * @module
 */
import * as v from "valibot";
import { describeValue, nameProblem, type NameRole } from "./names.ts";

/**
 * A name in a given role, by the one grammar ({@link nameProblem}).
 *
 * @example
 * ```ts
 * v.safeParse(nameSchema("namespace"), "-").success; // false
 * ```
 */
export function nameSchema(role: NameRole): v.GenericSchema<string> {
  return v.pipe(
    v.string((issue) => `expected a name (a string) but received ${describeValue(issue.input)}`),
    v.check((s) => nameProblem(s, role) === null, (issue) => `invalid name: ${nameProblem(issue.input, role) ?? ""}`),
  );
}

/** Macvlan modes. */
export const MacvlanModeSchema = v.picklist(
  ["bridge", "vepa", "private", "passthru", "source"],
  (issue) =>
    `expected a macvlan mode (bridge | vepa | private | passthru | source) but received ${issue.received}` +
    (["l2", "l3", "l3s"].includes(String(issue.input)) ? " — l2/l3/l3s are ipvlan modes: use net.ipvlan()" : ""),
);

/** Ipvlan modes. */
export const IpvlanModeSchema = v.picklist(
  ["l2", "l3", "l3s"],
  (issue) =>
    `expected an ipvlan mode (l2 | l3 | l3s) but received ${issue.received}` +
    (["bridge", "vepa", "private", "passthru", "source"].includes(String(issue.input))
      ? " — that is a macvlan mode; for ipvlan bridge/private/vepa use .flag()"
      : ""),
);

/** Ipvlan flags. */
export const IpvlanFlagSchema = v.picklist(
  ["bridge", "private", "vepa"],
  (issue) => `expected an ipvlan flag (bridge | private | vepa) but received ${issue.received}`,
);

/** MTU 68–65535. */
export const MtuSchema = v.pipe(
  v.number("expected a number"),
  v.integer((issue) => `expected a whole number but received ${issue.received}`),
  v.minValue(68, (issue) => `expected an MTU of at least 68 (IPv4 minimum) but received ${issue.received}`),
  v.maxValue(65535, (issue) => `expected an MTU of at most 65535 but received ${issue.received}`),
);

/** A unicast MAC address `xx:xx:xx:xx:xx:xx`, not all zero. */
export const MacSchema = v.pipe(
  v.string((issue) => `expected a MAC (a string) but received ${describeValue(issue.input)}`),
  v.regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, (issue) => `expected a MAC like 02:42:ac:11:00:02 but received ${issue.received}`),
  v.check(
    (s) => (parseInt(s.slice(0, 2), 16) & 1) === 0,
    (issue) => `expected a unicast MAC (first octet even) but received ${issue.received} — an odd first octet is a multicast address`,
  ),
  v.check((s) => !/^(00:){5}00$/.test(s), () => "00:00:00:00:00:00 is no address — give a MAC such as 02:42:ac:11:00:02, or leave it out for a generated one"),
);

/** VLAN id 1–4094. */
export const VlanIdSchema = v.pipe(
  v.number(),
  v.integer((issue) => `expected a VLAN id in 1–4094 but received ${issue.received}`),
  v.minValue(1, (issue) => `expected a VLAN id in 1–4094 but received ${issue.received}`),
  v.maxValue(4094, (issue) => `expected a VLAN id in 1–4094 but received ${issue.received}`),
);

/** Gateway policy. */
export const GatewayPolicySchema = v.picklist(
  ["first", "last", "none"],
  (issue) => `expected a gateway policy (first | last | none) but received ${issue.received}`,
);

/**
 * Runs a schema and returns its problems as `{ path, message }` pairs under `path`.
 *
 * @example
 * ```ts
 * check(MtuSchema, 9, "networks.pub.mtu"); // [{ path: "networks.pub.mtu", message: "expected an MTU of at least 68 …" }]
 * ```
 */
export function check(
  schema: v.GenericSchema,
  value: unknown,
  path: string,
): { path: string; message: string }[] {
  const r = v.safeParse(schema, value);
  if (r.success) return [];
  return r.issues.map((i) => ({ path, message: i.message }));
}
