/**
 * The immutable lab builder: `lab(name, options).endpoint(...)`. A lab compiles to a {@link Plan}
 * (pure) and is applied, verified, checked and torn down by the runner.
 * @module
 */
import { compilePlan, type PlanOptions } from "../plan/planner.ts";
import { Plan } from "../plan/plan.ts";
import type { AttachmentSpec, EndpointSpec, LabOptions, LabSpec, NetworkSpec } from "../spec/types.ts";
import { invalidSpec } from "../errors.ts";
import { nameProblem } from "../spec/names.ts";
import type { NetworkBuilder } from "./network.ts";
import { isRecord, leftover, splitOptions } from "./options.ts";
import { runner, type CheckOptions, type CheckReport, type DownOptions, type DownResult, type RunOptions, type StatusReport, type UpOptions, type UpResult, type VerifyOptions, type VerifyReport } from "../runner/index.ts";

/** Options of {@link LabBuilder.endpoint}. */
export interface EndpointOptions {
  /** Static address(es) on this network (IPv4 and/or IPv6, without prefix). */
  readonly ip?: string | readonly string[];
  /** Static IPv6 address (same as listing it in `ip`). */
  readonly ip6?: string;
  /** Static MAC (macvlan only). */
  readonly mac?: string;
  /** Namespace name (default `<lab>-<endpoint>`). */
  readonly netns?: string;
}

/** The network's definition: a builder's `spec()`, a plain spec as it is, anything else as it is (validation reports it). */
function toNetworkSpec(n: NetworkBuilder | NetworkSpec): NetworkSpec {
  const spec: unknown = typeof n === "object" && n !== null ? (n as { spec?: unknown }).spec : undefined;
  return typeof spec === "function" ? (n as NetworkBuilder).spec() : (n as NetworkSpec);
}

/** Static addresses of an endpoint call: `ip` (one or a list) and `ip6`, as given. */
function staticIps(ip: unknown, ip6: unknown): unknown[] {
  const list = ip === undefined ? [] : Array.isArray(ip) ? [...(ip as unknown[])] : [ip];
  if (ip6 !== undefined) list.push(ip6);
  return list;
}

/** One `endpoint()` call, as the persistent chain records it. */
interface EndpointStep {
  readonly name: string;
  readonly netns: string | undefined;
  readonly attachment: AttachmentSpec;
}

/**
 * A lab under construction: endpoints attached to networks. Every method returns a new lab.
 *
 * @example
 * ```ts
 * const demo = lab("demo", { host: "demo-host", sandbox: true })
 *   .endpoint("web", pub, { ip: "192.168.50.10" })
 *   .endpoint("db", pub);
 * await using up = await demo.up();
 * ```
 */
export class LabBuilder {
  // A persistent chain: each builder points at the one it refines and adds one attachment, so
  // adding an endpoint is O(1) and labs of 10,000 endpoints build in linear time.
  readonly #root: LabSpec;
  readonly #prev: LabBuilder | null;
  readonly #step: EndpointStep | null;
  #spec: LabSpec | null = null;

  /** @internal Use {@link lab} instead. */
  constructor(spec: LabSpec, prev: LabBuilder | null = null, step: EndpointStep | null = null) {
    this.#root = Object.freeze(spec);
    this.#prev = prev;
    this.#step = step;
  }

  /**
   * The lab's name. It names the lab's journal and lock files, which the runner opens before it
   * plans, so a name outside the grammar ({@link nameProblem}) throws here: the same
   * `INVALID_SPEC` as {@link plan}, listing every problem of the lab.
   */
  get name(): string {
    const root: unknown = this.#root;
    const name = isRecord(root) ? root.name : undefined;
    if (typeof name === "string" && nameProblem(name, "lab") === null) return name;
    compilePlan(this.spec()); // throws INVALID_SPEC with every problem, the name's among them
    throw invalidSpec([{ path: "lab", message: `lab name ${nameProblem(name, "lab") ?? "is invalid"}` }], "lab definition");
  }

  /**
   * Attaches an endpoint (a network namespace) to a network. Calling it again with the same
   * endpoint name adds another interface (`eth1`, …) on another network.
   */
  endpoint(name: string, network: NetworkBuilder | NetworkSpec, options: EndpointOptions = {}): LabBuilder {
    const { known, rest } = splitOptions(options, ["ip", "ip6", "mac", "netns"]);
    const attachment = {
      network: toNetworkSpec(network),
      ips: staticIps(known.ip, known.ip6),
      ...(known.mac === undefined ? {} : { mac: known.mac }),
      ...leftover(rest),
    } as unknown as AttachmentSpec;
    return new LabBuilder(this.#root, this, { name, netns: known.netns as string | undefined, attachment });
  }

  /**
   * Declares a network the lab provides even where no endpoint of it attaches: its parent (a
   * sandbox stand-in, a VLAN sub-interface, a dummy parent) and its host-access shim exist while
   * the lab is up. A lab of networks only is a *site*: other labs attach endpoints to its parents by
   * naming its host namespace as theirs (`lab("t1", { host: "site-h" })`, without sandbox).
   *
   * @example
   * ```ts
   * const shared = net.macvlan("shared").parent("eth0").subnet("10.90.0.0/24");
   * await lab("site", { host: "site-h", sandbox: true }).network(shared).up({ persist: true });
   * await lab("t1", { host: "site-h" }).endpoint("a", shared).up();
   * ```
   */
  network(network: NetworkBuilder | NetworkSpec): LabBuilder {
    const root = this.#root as LabSpec & { readonly networks?: readonly NetworkSpec[] };
    return new LabBuilder({ ...root, networks: [...(root.networks ?? []), toNetworkSpec(network)] }, this.#prev, this.#step);
  }

  /** The collected definition (plain data). */
  spec(): LabSpec {
    if (this.#spec !== null) return this.#spec;
    const root: unknown = this.#root;
    // A definition given to labFromSpec that is no lab is returned as it is, for validation to report.
    if (this.#step === null || !isRecord(root) || !Array.isArray(root.endpoints)) return (this.#spec = this.#root);
    const steps: EndpointStep[] = [];
    for (let b: LabBuilder | null = this; b !== null && b.#step !== null; b = b.#prev) steps.push(b.#step);
    const endpoints: EndpointSpec[] = [...this.#root.endpoints];
    const at = new Map<unknown, number>();
    endpoints.forEach((e, i) => isRecord(e) && Array.isArray(e.attachments) && at.set(e.name, i));
    for (let k = steps.length - 1; k >= 0; k--) {
      const { name, netns, attachment } = steps[k] as EndpointStep;
      const i = at.get(name);
      if (i === undefined) {
        at.set(name, endpoints.length);
        endpoints.push(netns === undefined ? { name, attachments: [attachment] } : { name, netns, attachments: [attachment] });
      } else {
        const prev = endpoints[i] as EndpointSpec;
        endpoints[i] = { ...prev, ...(netns === undefined ? {} : { netns }), attachments: [...prev.attachments, attachment] };
      }
    }
    this.#spec = Object.freeze({ ...this.#root, endpoints });
    return this.#spec;
  }

  /** Compiles the plan. Pure: same lab → byte-identical plan. Throws `INVALID_SPEC` with every problem. */
  plan(options: PlanOptions = {}): Plan {
    return new Plan(compilePlan(this.spec(), options));
  }

  /** Applies the lab (idempotent; rolls back on failure). The result tears down on `await using`. */
  up(options: UpOptions = {}): Promise<UpResult> {
    return runner.up(this, options);
  }

  /** Removes exactly what this lab created. A lab that is not up is a no-op. */
  down(options: DownOptions = {}): Promise<DownResult> {
    return runner.down(this, options);
  }

  /** Compares the live kernel with the plan; throws `UnderlayError("DRIFT")` with a structured diff. */
  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return runner.verify(this, options);
  }

  /** Pings between endpoints (IPv4 and IPv6): expected vs seen. */
  check(options: CheckOptions = {}): Promise<CheckReport> {
    return runner.check(this, options);
  }

  /** What is up, what is missing, what is extra. */
  status(options: RunOptions = {}): Promise<StatusReport> {
    return runner.status(this, options);
  }
}

/**
 * Starts a lab.
 *
 * @example
 * ```ts
 * const demo = lab("demo", { host: "demo-host", sandbox: true }).endpoint("a", pub).endpoint("b", pub);
 * ```
 */
export function lab(name: string, options: LabOptions = {}): LabBuilder {
  const { known, rest } = splitOptions(options, ["host", "sandbox"]);
  return new LabBuilder({ name, host: known.host ?? null, sandbox: known.sandbox ?? false, endpoints: [], ...leftover(rest) } as unknown as LabSpec);
}

/**
 * A lab from its plain definition (e.g. what `leaseLab` returns, with leased addresses filled in,
 * or a lab read from JSON). The definition is taken as any value: planning checks it (types
 * included) and reports every problem as `INVALID_SPEC`.
 *
 * @example
 * ```ts
 * const store = openLeaseStore("/run/underlay/leases.json");
 * const leased = labFromSpec(await leaseLab(demo.spec(), store));
 * await leased.up();
 * ```
 */
export function labFromSpec(spec: LabSpec): LabBuilder {
  return new LabBuilder(spec);
}
