/**
 * `underlay/testing`: a real network per test, gone at the end of it. A vitest fixture
 * (`labFixture`), hook helpers for `bun test` and others (`useLab`, `labTest`), and the lab
 * names they generate (unique across workers and parallel runs, within the 15-byte namespace
 * limit). The labs they give are what `up()` returns: endpoints, `exec`, `spawn`, `forward`.
 *
 * @example
 * ```ts
 * import { test as base } from "vitest";
 * import { net } from "underlay";
 * import { labFixture, sandboxLab } from "underlay/testing";
 * const pub = net.macvlan("pub").parent("eth0").subnet("10.0.0.0/24");
 * const test = base.extend({ lab: labFixture((name) => sandboxLab(name).endpoint("web", pub).endpoint("cli", pub)) });
 * ```
 * @module
 */
export { labFixture, type LabFixtureFn } from "./vitest.ts";
export { labTest, useLab, type AllHooks, type EachHooks, type Hook, type HookLabOptions, type LabTest, type TestFn } from "./hooks.ts";
export { downTestLab, sandboxLab, upTestLab, type LabFactory, type TestLabBuilder, type TestLabOptions } from "./test-lab.ts";
export { checkEndpointNames, endpointBudget, labPrefix, pidDigits, testLabName, type LabNameOptions } from "./names.ts";
export type { Forward, ForwardOptions, LiveEndpoint, LiveInterface, LiveLab, LiveProcess, ExecOptions, ExecOutput, ProcessExit, ReadyCondition, SpawnOptions } from "../live/types.ts";
export type { DownResult, UpResult } from "../runner/options.ts";
export { findNetnsProcesses, stopNetnsProcesses, type NetnsProcess, type NetnsProcessOptions, type StopOptions, type StoppedProcess } from "../executor/netns-processes.ts";
export { reap, type ReapResult } from "../runner/gc.ts";
export type { KeptLab, ScanOptions } from "../runner/gc-scan.ts";
