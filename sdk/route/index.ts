/**
 * Route helpers: what peers need to reach ipvlan L3 networks, and both directions of a two-host setup.
 * @module
 */
export { hostAccessRoutes, l3Routes, routeArgv, RouteSet, twoHostRoutes, type L3Host, type Route, type RouteOptions } from "./l3-routes.ts";
