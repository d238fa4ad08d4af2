import { describe, expect, it } from "vitest";
import { UnderlayError } from "../../../sdk/errors.ts";
import { splitJsonValues } from "../../../sdk/state/json-values.ts";
import { batch } from "./fixtures.ts";
import { thrown } from "../../support/errors.ts";

describe("splitJsonValues", () => {
  it("splits the four answers ip -batch printed on this machine", () => {
    for (const text of [batch.host, batch.endpoint, batch.bare]) {
      const values = splitJsonValues(text);
      expect(values).toHaveLength(4);
      for (const v of values) expect(Array.isArray(v)).toBe(true);
    }
  });

  it("splits answers that touch (an empty answer is printed as [] with no newline)", () => {
    expect(splitJsonValues('[][{"ifname":"lo"}]\n[]  []')).toEqual([[], [{ ifname: "lo" }], [], []]);
  });

  it("is not fooled by brackets and escaped quotes inside strings", () => {
    expect(splitJsonValues('[{"ifalias":"a]\\"[}{"}]{"x":"\\\\"}')).toEqual([[{ ifalias: 'a]"[}{' }], { x: "\\" }]);
  });

  it("returns nothing for empty or blank output", () => {
    expect(splitJsonValues("")).toEqual([]);
    expect(splitJsonValues(" \n\t\r\n")).toEqual([]);
  });

  it("reports text that is not JSON, quoting it", () => {
    const e = thrown(() => splitJsonValues('[]\nObject "-6" is unknown, try "ip help".'));
    expect(e.code).toBe("EXEC");
    expect(e.message).toContain('text that is not JSON at offset 3: "Object \\"-6\\" is unknown');
  });

  it("reports a truncated answer", () => {
    const e = thrown(() => splitJsonValues('[{"ifname":"lo"'));
    expect(e.code).toBe("EXEC");
    expect(e.message).toContain("truncated JSON value");
  });

  it("reports a value that does not parse", () => {
    expect(thrown(() => splitJsonValues("[1,,2]")).message).toContain("invalid JSON");
  });
});

