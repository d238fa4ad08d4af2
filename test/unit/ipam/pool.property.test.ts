import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, ipInCidr, parseCidr, parseIp, type Family, type ParsedCidr, type ParsedIp } from "../../../sdk/lib/address.ts";
import { allocateLab } from "../../../sdk/ipam/allocate.ts";
import { SubnetPool } from "../../../sdk/ipam/pool.ts";
import type { PoolOptions } from "../../../sdk/ipam/types.ts";
import { endpoint, lab, network, on } from "./helpers.ts";

/** A random small subnet with a random gateway policy, optional ip-range, exclusions and statics. */
interface Scenario {
  readonly family: Family;
  readonly network: bigint;
  readonly prefix: number;
  readonly options: PoolOptions;
  readonly statics: readonly string[];
}

const value = (a: string): bigint => (parseIp(a) as { value: bigint }).value;

const scenario = (family: Family): fc.Arbitrary<Scenario> => {
  const bits = family === 4 ? 32 : 128;
  return fc
    .record({
      raw: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }),
      hostBits: fc.integer({ min: 1, max: 9 }), // a /32 or /128 is no subnet (refused)
      policy: fc.constantFrom("first" as const, "last" as const, "none" as const),
      rangeCut: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      rangeHalf: fc.nat(7),
      excludes: fc.array(fc.nat(), { maxLength: 6 }),
      statics: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ raw, hostBits, policy, rangeCut, rangeHalf, excludes, statics }) => {
      const prefix = bits - hostBits;
      const size = 1n << BigInt(hostBits);
      const net = (raw >> BigInt(hostBits)) << BigInt(hostBits);
      const at = (n: number): string => formatIp(family, net + (BigInt(n) % size));
      let ipRange: string | undefined;
      if (rangeCut !== undefined && rangeCut <= hostBits) {
        const sub = size >> BigInt(rangeCut);
        ipRange = `${formatIp(family, net + (BigInt(rangeHalf) % (1n << BigInt(rangeCut))) * sub)}/${prefix + rangeCut}`;
      }
      // Keep only usable addresses for exclusions and statics (the pool validates them itself).
      const probe = new SubnetPool({ cidr: `${formatIp(family, net)}/${prefix}`, gatewayPolicy: policy });
      const usable = (a: string): boolean => probe.classify(a) === "free";
      const options: PoolOptions = {
        cidr: `${formatIp(family, net)}/${prefix}`,
        gatewayPolicy: policy,
        ...(ipRange === undefined ? {} : { ipRange }),
        exclude: [...new Set(excludes.map(at))].filter(usable),
      };
      return { family, network: net, prefix, options, statics: [...new Set(statics.map(at))] };
    })
    .filter((s) => {
      try {
        new SubnetPool(s.options);
        return true;
      } catch {
        return false; // e.g. an ip-range holding only the network address
      }
    });
};

/** Builds the pool, reserves the statics that are free, and allocates until the pool is empty. */
function drain(s: Scenario): { pool: SubnetPool; got: string[]; reserved: string[] } {
  const pool = new SubnetPool(s.options);
  const reserved = s.statics.filter((a) => pool.classify(a) === "free").map((a) => pool.reserve(a));
  const got: string[] = [];
  for (let a = pool.allocate(); a !== null; a = pool.allocate()) got.push(a);
  return { pool, got, reserved };
}

describe.each([4, 6] as const)("SubnetPool properties (IPv%i)", (family) => {
  it("never hands out an address twice, nor a reserved one", () => {
    fc.assert(
      fc.property(scenario(family), (s) => {
        const { got, reserved } = drain(s);
        expect(new Set(got).size).toBe(got.length);
        for (const r of reserved) expect(got).not.toContain(r);
      }),
    );
  });

  it("never hands out network, broadcast, gateway or excluded addresses", () => {
    fc.assert(
      fc.property(scenario(family), (s) => {
        const { pool, got } = drain(s);
        const probe = new SubnetPool(s.options);
        for (const a of got) expect(probe.classify(a)).toBe("free");
        if (pool.gateway !== null) expect(got).not.toContain(pool.gateway);
        for (const x of s.options.exclude as string[]) expect(got).not.toContain(x);
      }),
    );
  });

  it("stays inside the ip-range (else the subnet), in ascending order, and drains exactly `size`", () => {
    fc.assert(
      fc.property(scenario(family), (s) => {
        const { pool, got, reserved } = drain(s);
        const rangeCidr = parseCidr(s.options.ipRange ?? s.options.cidr) as ParsedCidr; // may be a /32: no pool
        const range = { contains: (a: string): boolean => ipInCidr(parseIp(a) as ParsedIp, rangeCidr) };
        for (const a of got) {
          expect(pool.contains(a)).toBe(true);
          expect(range.contains(a)).toBe(true);
        }
        for (let i = 1; i < got.length; i++) expect(value(got[i] as string) > value(got[i - 1] as string)).toBe(true);
        const reservedInRange = reserved.filter((r) => range.contains(r)).length; // reserved ones were free: usable, not gateway/excluded
        expect(BigInt(got.length + reservedInRange)).toBe(pool.size);
        expect(pool.free).toBe(0n);
      }),
    );
  });

  it("release then allocate yields the lowest released address (lowest free first)", () => {
    fc.assert(
      fc.property(scenario(family), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (s, picks) => {
        const { pool, got } = drain(s);
        fc.pre(got.length > 0);
        const released = [...new Set(picks.map((p) => got[p % got.length] as string))];
        for (const r of released) expect(pool.release(r)).toBe(true);
        const lowest = released.reduce((m, r) => (value(r) < value(m) ? r : m));
        expect(pool.allocate()).toBe(lowest);
        expect(pool.free).toBe(BigInt(released.length - 1));
      }),
    );
  });
});

describe("address round trip", () => {
  it("formatIp(parseIp(x)) is canonical and stable, for both families", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const p = parseIp(text);
        expect(p).not.toBeNull();
        if (p === null) return;
        expect(formatIp(p.family, p.value)).toBe(p.text);
        expect(parseIp(p.text)?.value).toBe(p.value);
      }),
    );
  });
});

describe("allocateLab properties", () => {
  it("no duplicate address in a network, statics honoured, the rest exactly the lowest free ones in endpoint order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 2, max: 60 }), { maxLength: 10 }),
        (count, staticHosts) => {
          const net = network("n", [{ cidr: "10.1.0.0/26", exclude: ["10.1.0.5"] }, { cidr: "fd00:1::/122" }]);
          const statics = [...new Set(staticHosts)].filter((h) => h !== 5).slice(0, count);
          const endpoints = Array.from({ length: count }, (_, i) =>
            i < statics.length ? endpoint(`e${i}`, on(net, `10.1.0.${statics[i]}`)) : endpoint(`e${i}`, on(net)),
          );
          const spec = lab("p", ...endpoints);
          const r = allocateLab(spec);
          expect(r.issues).toEqual([]);
          const all = [...r.addresses.values()].flat();
          expect(new Set(all).size).toBe(all.length);
          statics.forEach((h, i) => expect(r.addresses.get(`e${i}/n`)?.[0]).toBe(`10.1.0.${h}/26`));
          expect(all).not.toContain("10.1.0.5/26");
          expect(all).not.toContain("10.1.0.1/26");
          // The oracle: automatic IPv4 addresses are the lowest free ones (gateway .1, excluded .5 and
          // every static taken), in endpoint order; every endpoint gets IPv6 ::2, ::3, … (gateway ::1).
          const free = Array.from({ length: 61 }, (_, i) => i + 2).filter((h) => h !== 5 && !statics.includes(h));
          const expected = endpoints.map((e, i) => [
            `${e.name}/n`,
            [`10.1.0.${i < statics.length ? statics[i] : free[i - statics.length]}/26`, `fd00:1::${(i + 2).toString(16)}/122`],
          ]);
          expect([...r.addresses]).toEqual(expected);
        },
      ),
    );
  });
});
