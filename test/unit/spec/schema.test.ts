/** Field schemas: messages name the value received and say what is expected. */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { check, MacSchema, MtuSchema, nameSchema, VlanIdSchema } from "../../../sdk/spec/schema.ts";

const message = (schema: v.GenericSchema, value: unknown): string | undefined => check(schema, value, "f")[0]?.message;

describe("field schemas", () => {
  it("MacSchema: format, unicast, not all zero; any case", () => {
    expect(message(MacSchema, "02:AB:cd:00:00:01")).toBeUndefined();
    expect(message(MacSchema, 5)).toBe("expected a MAC (a string) but received 5 (a number)");
    expect(message(MacSchema, "02:00:00:00:00")).toMatch(/expected a MAC like 02:42:ac:11:00:02 but received "02:00:00:00:00"/);
    expect(message(MacSchema, "ff:ff:ff:ff:ff:ff")).toMatch(/unicast/);
    expect(message(MacSchema, "00:00:00:00:00:00")).toMatch(/no address/);
  });

  it("MtuSchema and VlanIdSchema: whole numbers in range", () => {
    expect(message(MtuSchema, 67)).toMatch(/at least 68/);
    expect(message(MtuSchema, 1500.5)).toMatch(/whole number/);
    expect(message(VlanIdSchema, 4095)).toMatch(/1–4094 but received 4095/);
    expect(message(VlanIdSchema, 1.5)).toMatch(/1–4094/);
  });

  it("nameSchema applies the grammar of its role", () => {
    expect(message(nameSchema("namespace"), "-")).toMatch(/invalid name: must not start with "-"/);
    expect(message(nameSchema("interface"), "a")).toMatch(/abbreviates the iproute2 keyword "address"/);
    expect(message(nameSchema("endpoint"), "a")).toBeUndefined();
    expect(message(nameSchema("lab"), 7)).toBe("expected a name (a string) but received 7 (a number)");
  });
});
