/**
 * Reading user arguments without trusting their types. Builders only collect intent; what they
 * cannot read (options that are no object, fields they do not know) is kept in the definition
 * under `options`, where validation reports it with the field's path at plan time. Nothing here
 * throws, whatever it is given.
 * @module
 */

/**
 * Whether a value is a plain object (not `null`, not an array).
 *
 * @example
 * ```ts
 * isRecord({ ip: "10.0.0.2" }); // true
 * isRecord("10.0.0.2");         // false
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An option bag split into the fields a builder knows and the rest. */
export interface SplitOptions<K extends string> {
  /** The known fields that were given (absent ones are left out). */
  readonly known: { readonly [P in K]?: unknown };
  /** `undefined` when everything was read; otherwise the unknown fields, or the bag itself when it is no object. */
  readonly rest: unknown;
}

/**
 * Splits an option bag into the known fields and what is left over.
 *
 * @example
 * ```ts
 * splitOptions({ host: "h", hots: 1 }, ["host", "sandbox"]); // { known: { host: "h" }, rest: { hots: 1 } }
 * splitOptions(5, ["host", "sandbox"]);                      // { known: {}, rest: 5 }
 * ```
 */
export function splitOptions<K extends string>(bag: unknown, keys: readonly K[]): SplitOptions<K> {
  if (bag === undefined) return { known: {}, rest: undefined };
  if (!isRecord(bag)) return { known: {}, rest: bag };
  const known: { [P in K]?: unknown } = {};
  let rest: Record<string, unknown> | undefined;
  for (const key of Object.keys(bag)) {
    if ((keys as readonly string[]).includes(key)) known[key as K] = bag[key];
    else (rest ??= {})[key] = bag[key];
  }
  return { known, rest };
}

/**
 * `{ options: rest }` when something was left over, else `{}` — to spread into a definition.
 *
 * @example
 * ```ts
 * ({ cidr: "10.0.0.0/24", ...leftover(splitOptions(5, ["gateway"]).rest) }); // { cidr: "10.0.0.0/24", options: 5 }
 * ```
 */
export function leftover(rest: unknown): { readonly options?: unknown } {
  return rest === undefined ? {} : { options: rest };
}
