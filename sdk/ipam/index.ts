/**
 * IPAM: Docker-style address management, pure and deterministic (pools, default subnets, lab
 * allocation), plus an opt-in file-backed lease store for networks shared across processes.
 *
 * @example
 * ```ts
 * import { SubnetPool, allocateLab } from "underlay/sdk/ipam/index.ts";
 * new SubnetPool({ cidr: "192.168.1.0/24", gatewayPolicy: "first" }).allocate(); // "192.168.1.2"
 * ```
 * @module
 */
export { cidrContains, cidrsOverlap, cidrTextsOverlap, formatIp, ipTextInCidr, parseCidr, parseIp } from "../lib/address.ts";
export type { Family, ParsedCidr, ParsedIp } from "../lib/address.ts";
export { allocateLab } from "./allocate.ts";
export type { LabAddressing } from "./allocate.ts";
export { defaultPoolCandidates, pickDefaultSubnet } from "./default-pools.ts";
export type { Lease, LeaseRequest } from "./lease-apply.ts";
export { leaseLab, leaseOwner, releaseLab } from "./lease-lab.ts";
export { openLeaseStore } from "./lease-store.ts";
export type { LeaseStore, LeaseStoreOptions } from "./lease-store.ts";
export { SubnetPool } from "./pool.ts";
export { checkSubnet } from "./subnet-check.ts";
export type { ResolvedSubnet, SubnetCheck } from "./subnet-check.ts";
export type { AddressClass, PoolOptions } from "./types.ts";
