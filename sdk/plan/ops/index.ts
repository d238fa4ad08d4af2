/**
 * Plan operations: the typed union and its constructors.
 * @module
 */
export type * from "./types.ts";
export { netnsAdd, sysctlNoRa, NO_RA_SYSCTLS } from "./namespace.ts";
export { parentAdd, vlanEnsure } from "./parent.ts";
export { linkSteps, linkUp, markLink, shimAdd, slaveAttrs, type EndpointLink } from "./link.ts";
export { addrAdd, routeAdd } from "./address.ts";
export { hostsFiles, hostsMarker, hostsMarkerLab, netnsDir, ETC_NETNS } from "./hosts.ts";
