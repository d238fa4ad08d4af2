/**
 * The qemu executor (the kernel lab's guest), one concept per file under `qemu/`:
 * `executor.ts` (`qemuExecutor`), `options.ts` (its options and type), `vm.ts` (boot, diagnosis,
 * power-off), `qemu-args.ts`, `qemu-process.ts` (qemu under its watchdog), `console-log.ts`,
 * `kernel-lab-dir.ts`, and the agent: `agent-protocol.ts` (pure), `agent-script.ts` (the guest
 * side), `agent-session.ts` (the conversation). This module re-exports their public names.
 * @module
 */
export { agentParser, encodeAgentArg, encodeAgentRequest, type AgentEvent } from "./qemu/agent-protocol.ts";
export { qemuAgentScript } from "./qemu/agent-script.ts";
export { consoleDiagnosis } from "./qemu/console-log.ts";
export { qemuExecutor } from "./qemu/executor.ts";
export { kernelLabDir } from "./qemu/kernel-lab-dir.ts";
export type { QemuExecutor, QemuExecutorOptions } from "./qemu/options.ts";
export { qemuArgs, type QemuArgsInput } from "./qemu/qemu-args.ts";
