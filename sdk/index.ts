/**
 * underlay — Linux container-style networks (macvlan, ipvlan, 802.1Q VLANs, dummy parents,
 * network namespaces) from a few lines of TypeScript, applied with rollback and torn down
 * without a trace. Importing this module does no I/O and spawns nothing.
 *
 * The root holds what a lab's author uses: the builders, the plan, the run verbs, the error and
 * the executors to choose from. The rest has subpaths: `underlay/route` (ipvlan L3 route
 * helpers), `underlay/ipam` (address management, leases), `underlay/state` (reading and comparing
 * the kernel), `underlay/interop` (Docker, compose, CNI, Multus), `underlay/qemu` (the kernel
 * lab's executor), `underlay/tasks` (the task runner).
 *
 * @example
 * ```ts
 * import { net, lab } from "underlay";
 * const pub = net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24");
 * await using demo = await lab("demo", { host: "demo-host", sandbox: true }).endpoint("a", pub).endpoint("b", pub).up();
 * ```
 * @module
 */
// Builders.
export { net, NetworkBuilder, type ModeOf, type SubnetOptions } from "./builder/network.ts";
export { lab, labFromSpec, LabBuilder, type EndpointOptions } from "./builder/lab.ts";
export { RouteSet, type Route } from "./builder/route-set.ts";
export type * from "./spec/types.ts";
// The plan.
export { Plan } from "./plan/plan.ts";
export type { PlanOptions } from "./plan/planner.ts";
export type * from "./plan/types.ts";
export type { SubnetInfo } from "./ipam/types.ts";
export { iproute2, type IpCommand } from "./plan/iproute2.ts";
// Running.
export { up, down, verify, check, status, type Plannable } from "./runner/index.ts";
export { changes, type Changes, type ChangesOptions } from "./runner/changes.ts";
export { reap, type ReapResult } from "./runner/gc.ts";
export type { KeptLab, ScanOptions } from "./runner/gc-scan.ts";
export { capabilities, type Capabilities } from "./runner/capabilities.ts";
export type { CheckOptions, CheckReport, DownOptions, DownResult, DriftItem, ProbeResult, RunOptions, StatusReport, UpOptions, UpResult, VerifyOptions, VerifyReport } from "./runner/options.ts";
export type { RunEvent, EventListener } from "./runner/events.ts";
export type { OpOutcome } from "./runner/apply.ts";
export type { ExecOptions, ExecOutput, Forward, ForwardOptions, LiveEndpoint, LiveInterface, LiveLab, LiveProcess, ProcessExit, ReadyCondition, SpawnOptions } from "./live/index.ts";
export type { StoppedProcess } from "./executor/netns-processes.ts";
export type { Probe } from "./runner/reachability.ts";
// Errors.
export { UnderlayError, type Issue, type StepFailure, type UnderlayErrorCode, type UnderlayErrorOptions } from "./errors.ts";
// Executors.
export type { ApplyOptions, BatchOutcome, Command, CommandRunner, DumpOptions, Executor, ExecResult, KernelCapabilities, KernelDump, LinkKind, StateReader, StepBatch, StepError } from "./executor/types.ts";
export { localExecutor, type LocalExecutor, type LocalExecutorOptions } from "./executor/local.ts";
export { netlinkExecutor, type NetlinkExecutor, type NetlinkExecutorOptions } from "./executor/netlink/executor.ts";
export { recordingExecutor, type RecordingExecutor } from "./executor/recording.ts";
export { iproute2Executor } from "./executor/iproute2/executor.ts";
