/**
 * A named set of routes, built like a lab and applied by the same runner: `up()` adds them
 * (journaled, rolled back on failure), `down()` removes exactly those, `verify()` checks them.
 * The ipvlan L3 helpers (`route/`) compute such sets for the peers of a routed network.
 * @module
 */
import { invalidSpec } from "../errors.ts";
import { routeAdd } from "../plan/ops/index.ts";
import { PHASE } from "../plan/phases.ts";
import { Plan } from "../plan/plan.ts";
import type { PlanData } from "../plan/types.ts";
import { runner, type DownOptions, type DownResult, type UpOptions, type UpResult, type VerifyOptions, type VerifyReport } from "../runner/index.ts";
import { ownershipMark } from "../spec/names.ts";
import { checkRoutes, routeSetNameIssues } from "../spec/route-checks.ts";
import type { LabSpec } from "../spec/types.ts";

/** A route as data. */
export interface Route {
  /** Destination CIDR (a container subnet). */
  readonly dst: string;
  /** Next hop: the address of the host that carries the L3 network, on the shared underlay. */
  readonly via: string;
  /** Output device on the peer, when known. */
  readonly dev?: string;
}

/**
 * A named set of routes that the runner can apply, verify and undo, like a lab: `up()` adds
 * them (journaled, rolled back on failure), `down()` removes exactly those.
 *
 * @example
 * ```ts
 * const toB = new RouteSet("to-b", "site-a", [{ dst: "192.168.214.0/24", via: "10.0.0.2", dev: "eth0" }]);
 * await toB.up(); await toB.verify(); await toB.down();
 * ```
 */
export class RouteSet {
  readonly #name: string;
  readonly #netns: string | null;
  readonly #routes: readonly Route[];

  /**
   * A route set named `name` (a lab name: its journal and lock files are named by it), applied in
   * namespace `netns`. Checks everything at once and throws `INVALID_SPEC` listing every problem:
   * the name and namespace by the name grammar (`../../x` would write the journal outside the
   * state directory), each route's types, a canonical destination, a `via` of its family, a `dev`.
   */
  constructor(name: string, netns: string | null, routes: readonly Route[]) {
    const issues = routeSetNameIssues(name, netns);
    const canonical = checkRoutes(routes, issues);
    if (issues.length > 0) throw invalidSpec(issues, typeof name === "string" ? `route set ${JSON.stringify(name)}` : "route set");
    this.#name = name;
    this.#netns = netns;
    this.#routes = canonical;
  }

  /** The name (journal/lock key). */
  get name(): string {
    return this.#name;
  }

  /** The routes as data. */
  get routes(): readonly Route[] {
    return this.#routes;
  }

  /** A lab spec with no endpoints (what the runner's bookkeeping needs). */
  spec(): LabSpec {
    return { name: this.#name, host: this.#netns, sandbox: false, endpoints: [] };
  }

  /** The plan: one route step per route. */
  plan(): Plan {
    const ops = this.#routes.map((r) => routeAdd(this.#netns, { family: r.dst.includes(":") ? 6 : 4, dst: r.dst, dev: r.dev as string, via: r.via }, PHASE.shims, null));
    const data: PlanData = { lab: this.#name, host: this.#netns, sandbox: false, mark: ownershipMark(this.#name), ops, networks: [], endpoints: [], diagnostics: [] };
    return new Plan(data);
  }

  /** Applies the routes. */
  up(options: UpOptions = {}): Promise<UpResult> {
    return runner.up(this, options);
  }

  /** Removes exactly these routes. */
  down(options: DownOptions = {}): Promise<DownResult> {
    return runner.down(this, options);
  }

  /** Checks the routes are in place. */
  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return runner.verify(this, options);
  }
}

