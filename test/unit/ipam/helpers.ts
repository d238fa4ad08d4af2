/**
 * Plain-data spec factories for IPAM tests (no builder: IPAM consumes validated specs).
 */
import type { AttachmentSpec, EndpointSpec, LabSpec, NetworkSpec, SubnetSpec } from "../../../sdk/spec/types.ts";

/** A network with sensible defaults (macvlan, gateway policy `first`). */
export function network(name: string, subnets: readonly SubnetSpec[] = [], extra: Partial<NetworkSpec> = {}): NetworkSpec {
  return { name, driver: "macvlan", internal: false, gatewayPolicy: "first", subnets, ...extra };
}

/** An attachment to `net` with optional static addresses. */
export function on(net: NetworkSpec, ...ips: string[]): AttachmentSpec {
  return { network: net, ips };
}

/** An endpoint. */
export function endpoint(name: string, ...attachments: AttachmentSpec[]): EndpointSpec {
  return { name, attachments };
}

/** A lab. */
export function lab(name: string, ...endpoints: EndpointSpec[]): LabSpec {
  return { name, host: null, sandbox: false, endpoints };
}
