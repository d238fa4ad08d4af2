/**
 * underlay — Linux container-style networks (macvlan, ipvlan, 802.1Q VLANs, dummy parents,
 * network namespaces) from a few lines of TypeScript, applied with rollback and torn down
 * without a trace. Importing this module does no I/O and spawns nothing.
 *
 * @example
 * ```ts
 * import { net, lab } from "underlay";
 * const pub = net.macvlan("pub").parent("eth0").subnet("192.168.1.0/24");
 * await using demo = await lab("demo", { host: "demo-host", sandbox: true }).endpoint("a", pub).endpoint("b", pub).up();
 * ```
 * @module
 */
export { net, NetworkBuilder, type ModeOf, type SubnetOptions } from "./builder/network.ts";
export { lab, labFromSpec, LabBuilder, type EndpointOptions } from "./builder/lab.ts";
export { UnderlayError, invalidSpec, toError, type Issue, type StepFailure, type UnderlayErrorCode, type UnderlayErrorOptions } from "./errors.ts";
export type * from "./spec/types.ts";
export type * from "./plan/types.ts";
export { Plan } from "./plan/plan.ts";
export { compilePlan, type PlanOptions } from "./plan/planner.ts";
export { toShell, shellQuote } from "./plan/render-shell.ts";
export { toText, renderSteps, type ChangeMark, type TextStep } from "./plan/render-text.ts";
export { toMermaid, toDot } from "./plan/graph.ts";
export { PHASE } from "./plan/phases.ts";
export { ownershipMark, endpointNetns, parseVlanParent, nameProblem } from "./spec/names.ts";
export { validateLab } from "./spec/validate.ts";
export type { ApplyOptions, BatchOutcome, Command, CommandRunner, Executor, ExecResult, StepBatch, StepError } from "./executor/types.ts";
export { iproute2, type IpCommand } from "./plan/iproute2.ts";
export { localExecutor, localArgv, localNetnsDir, type LocalExecutor, type LocalExecutorOptions } from "./executor/local.ts";
export { findNetnsProcesses, stopNetnsProcesses, type NetnsProcess, type NetnsProcessOptions, type StopOptions, type StoppedProcess } from "./executor/netns-processes.ts";
export { liveLab, endpointLookup, execIn, spawnIn, forwardTo, describeReady, waitReady, type LiveLabHandle } from "./live/index.ts";
export type { ExecOptions, ExecOutput, Forward, ForwardOptions, LiveEndpoint, LiveInterface, LiveLab, LiveProcess, ProcessExit, ReadyCondition, SpawnOptions } from "./live/index.ts";
export { recordingExecutor, type RecordingExecutor } from "./executor/recording.ts";
export { iproute2Executor } from "./executor/iproute2/executor.ts";
export { up, down, verify, check, status, runner, defaultStateDir, parseDuration, type Plannable } from "./runner/index.ts";
export type { CheckOptions, CheckReport, DownOptions, DownResult, DriftItem, ProbeResult, RunOptions, StatusReport, UpOptions, UpResult, VerifyOptions, VerifyReport } from "./runner/options.ts";
export type { RunEvent, EventListener } from "./runner/events.ts";
export type { OpOutcome, Undoable } from "./runner/apply.ts";
export { capabilities, type Capabilities, type LinkKind } from "./runner/capabilities.ts";
export { expectedMatrix, type Probe } from "./runner/reachability.ts";
export { hostAccessRoutes, l3Routes, routeArgv, RouteSet, twoHostRoutes, type L3Host, type Route, type RouteOptions } from "./route/index.ts";
export { readOwnership, journalPath, stepSignature, type Ownership, type OwnedStep, type JournalRecord } from "./runner/journal.ts";
export { qemuExecutor, kernelLabDir, type QemuExecutor, type QemuExecutorOptions } from "./executor/qemu.ts";
export { SubnetPool, allocateLab, openLeaseStore, leaseLab, leaseOwner, releaseLab, type LabAddressing, type LeaseStore, type LeaseStoreOptions, type Lease, type PoolOptions, type AddressClass } from "./ipam/index.ts";
