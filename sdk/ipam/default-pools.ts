/**
 * Docker's default address pools, for networks defined without a subnet: 172.18.0.0/16 …
 * 172.31.0.0/16 (172.17.0.0/16 is left to Docker's own `docker0`), then 192.168.0.0/20,
 * 192.168.16.0/20, … 192.168.240.0/20. The first candidate that overlaps no subnet already in
 * the lab wins.
 * @module
 */
import { cidrsOverlap, parseCidr, type ParsedCidr } from "../lib/address.ts";

/**
 * The default candidates in the order they are tried.
 *
 * @example
 * ```ts
 * defaultPoolCandidates()[0];  // "172.18.0.0/16"
 * defaultPoolCandidates()[14]; // "192.168.0.0/20"
 * ```
 */
export function defaultPoolCandidates(): readonly string[] {
  const out: string[] = [];
  for (let b = 18; b <= 31; b++) out.push(`172.${b}.0.0/16`);
  for (let c = 0; c < 256; c += 16) out.push(`192.168.${c}.0/20`);
  return out;
}

const CANDIDATES: readonly ParsedCidr[] = defaultPoolCandidates().map((c) => parseCidr(c) as ParsedCidr);

/**
 * Picks the first default subnet that overlaps none of `taken` (CIDR strings of any family;
 * malformed ones are ignored). Returns `null` when every candidate is taken.
 *
 * @example
 * ```ts
 * pickDefaultSubnet([]);                  // "172.18.0.0/16"
 * pickDefaultSubnet(["172.18.5.0/24"]);   // "172.19.0.0/16"
 * ```
 */
export function pickDefaultSubnet(taken: readonly string[]): string | null {
  const parsed = taken.map(parseCidr).filter((c): c is ParsedCidr => c !== null && c.family === 4);
  for (const candidate of CANDIDATES) {
    if (!parsed.some((t) => cidrsOverlap(candidate, t))) return candidate.text;
  }
  return null;
}
