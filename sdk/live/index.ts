/**
 * Programs in the endpoints of a lab that is up: endpoint lookup, `exec`, `spawn` with
 * readiness, `forward` to the caller, and the shapes they use. `up()` returns these methods
 * bound to its lab; this module offers the pieces for other uses.
 *
 * @example
 * ```ts
 * import { liveLab } from "underlay";
 * const live = liveLab(r.lab, r.endpoints, localExecutor());
 * ```
 * @module
 */
export { liveLab, type LiveLabHandle } from "./live-lab.ts";
export { endpointLookup } from "./endpoints.ts";
export { execIn, spawnIn } from "./exec.ts";
export { forwardTo } from "./forward.ts";
export { describeReady, waitReady } from "./ready.ts";
export type { ExecOptions, ExecOutput, Forward, ForwardOptions, LiveEndpoint, LiveInterface, LiveLab, LiveProcess, ProcessExit, ReadyCondition, SpawnOptions } from "./types.ts";
