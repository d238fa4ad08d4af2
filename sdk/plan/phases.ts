/**
 * The order in which a plan's steps run. Ops of one phase in different namespaces may run
 * concurrently; phases run one after another.
 * @module
 */

/** Phase numbers, in execution order. */
export const PHASE = Object.freeze({
  /** The lab's host namespace. */
  host: 0,
  /** Parents in the host namespace: sandbox stand-ins, dummy parents, VLAN sub-interfaces. */
  parents: 1,
  /** Marks and `up` on those parents. */
  parentsUp: 2,
  /** Endpoint namespaces (one `ip -batch` of `netns add`). */
  namespaces: 3,
  /** Sysctls inside endpoint namespaces (IPv6 RA off) before links exist. */
  sysctl: 4,
  /** Endpoint links created in place from the host namespace (one batch). */
  links: 5,
  /** Inside each endpoint: marks, addresses, up, routes (one batch per namespace, concurrently). */
  endpoint: 6,
  /** Hosts files for name resolution. */
  hosts: 7,
  /** Host-access shims in the host namespace. */
  shims: 8,
} as const);
