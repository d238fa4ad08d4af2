/**
 * Route helpers: what peers need to reach ipvlan L3 networks, and both directions of a two-host setup.
 * @module
 */
export { hostAccessRoutes, l3Routes, routeArgv, twoHostRoutes, type L3Host, type RouteOptions } from "./l3-routes.ts";
export { RouteSet, type Route } from "../builder/route-set.ts";
