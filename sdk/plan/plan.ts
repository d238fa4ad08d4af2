/**
 * The {@link Plan}: compiled plan data with its renderings. Immutable.
 * @module
 */
import { toDot, toMermaid } from "./graph.ts";
import { toShell } from "./render-shell.ts";
import { toText } from "./render-text.ts";
import type { EndpointInfo, NetworkInfo, Op, PlanData } from "./types.ts";

/**
 * A compiled plan. Same lab → byte-identical plan.
 *
 * @example
 * ```ts
 * const plan = demo.plan();
 * console.log(plan.toText());
 * writeFileSync("demo.json", JSON.stringify(plan.toJSON(), null, 2));
 * ```
 */
export class Plan {
  readonly #data: PlanData;

  /** Wraps plan data (from {@link compilePlan} or a saved JSON file). */
  constructor(data: PlanData) {
    this.#data = data;
  }

  /** Lab name. */
  get lab(): string {
    return this.#data.lab;
  }
  /** Host namespace or `null`. */
  get host(): string | null {
    return this.#data.host;
  }
  /** Ordered ops. */
  get ops(): readonly Op[] {
    return this.#data.ops;
  }
  /** Endpoints with interfaces, addresses and routes. */
  get endpoints(): readonly EndpointInfo[] {
    return this.#data.endpoints;
  }
  /** Resolved networks. */
  get networks(): readonly NetworkInfo[] {
    return this.#data.networks;
  }
  /** The JSON form: `{ lab, host, sandbox, mark, ops, networks, endpoints, diagnostics }`. */
  toJSON(): PlanData {
    return this.#data;
  }
  /** Human-readable listing. */
  toText(): string {
    return toText(this.#data);
  }
  /** Runnable bash script with `up` and `down` sections. */
  toShell(): string {
    return toShell(this.#data);
  }
  /** Mermaid topology. */
  toMermaid(): string {
    return toMermaid(this.#data);
  }
  /** Graphviz DOT topology. */
  toDot(): string {
    return toDot(this.#data);
  }
}
