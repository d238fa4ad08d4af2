/**
 * Small typed readers for `ip -json` output (internal to the state module): they accept
 * `unknown` and either return a typed value or report, as an `EXEC` error, what iproute2 printed
 * instead of what was expected.
 * @module
 */
import { UnderlayError } from "../errors.ts";

/** A JSON object. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * `value` as an array, or an `EXEC` error naming `what`.
 *
 * @example
 * ```ts
 * asArray(JSON.parse("[]"), "ip link show"); // []
 * ```
 */
export function asArray(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw new UnderlayError("EXEC", `${what}: expected a JSON array from ip -json but received ${preview(value)} — check the iproute2 version`);
}

/**
 * `value` as a plain object, or an `EXEC` error naming `what`.
 *
 * @example
 * ```ts
 * asRecord({ ifname: "lo" }, "link").ifname; // "lo"
 * ```
 */
export function asRecord(value: unknown, what: string): JsonRecord {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as JsonRecord;
  throw new UnderlayError("EXEC", `${what}: expected a JSON object from ip -json but received ${preview(value)} — check the iproute2 version`);
}

/**
 * The string field `key` of `record`, or `undefined` when absent or not a string.
 *
 * @example
 * ```ts
 * str({ ifname: "lo" }, "ifname"); // "lo"
 * ```
 */
export function str(record: JsonRecord, key: string): string | undefined {
  const v = record[key];
  return typeof v === "string" ? v : undefined;
}

/**
 * The numeric field `key` of `record`, or `undefined` when absent or not a finite number.
 *
 * @example
 * ```ts
 * num({ mtu: 1500 }, "mtu"); // 1500
 * ```
 */
export function num(record: JsonRecord, key: string): number | undefined {
  const v = record[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
