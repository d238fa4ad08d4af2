/**
 * The task runner: `defineTasks` (a DAG of tasks with optional undo steps) and `runTasks`
 * (deps first, bounded concurrency, transactional rollback across tasks). `underlay run`
 * is its command-line face.
 *
 * @example
 * ```ts
 * import { defineTasks } from "underlay/tasks";
 * export default defineTasks({ up: { run: (ctx) => ctx.apply(myLab) } });
 * ```
 * @module
 */
export { defineTasks, isTaskSet } from "./define-tasks.ts";
export { runTasks } from "./run-tasks.ts";
export { executionOrder, taskIssues } from "./graph.ts";
export { undoStack, type UndoHandle, type UndoStack, type UnwindResult } from "./undo-stack.ts";
export type { ApplyLab, ApplyOptions, LabLike, RunTasksOptions, RunTasksResult, TaskContext, TaskDefinition, TaskEvent, TaskSet } from "./types.ts";
