/**
 * Carries out batches of typed steps through an open netlink handle, with the failure semantics
 * of the iproute2 executors: without `keepGoing` a batch stops at its first failed step (those
 * before it took effect, none after — so its steps go one request, one acknowledgement at a
 * time); with `keepGoing` every step is tried and each failure reported (consecutive requests go
 * out pipelined, one `sendto`, each acknowledged). Failures are worded as iproute2 words them
 * (`RTNETLINK answers: File exists`, `Cannot find device "eth0"`), so the runner's retry of a busy
 * MAC and its hints read them unchanged. Device names are resolved to ifindexes once per batch.
 *
 * @example
 * ```ts
 * const outcomes = applyNetlink(nl, batches, { keepGoing: false, concurrency: 2 }, touched);
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";
import type { ApplyOptions, BatchOutcome, StepBatch, StepError } from "../types.ts";
import { netlinkFailureOf } from "./failure.ts";
import { removeHosts, writeHosts } from "./hosts.ts";
import type { Netlink } from "./netlink-types.ts";
import type { NetlinkRequest } from "./requests.ts";
import { namesToResolve, netlinkAction, withIndexes, type NetlinkAction } from "./steps.ts";
import { strandedBy } from "./stranded.ts";

/** Requests sent at once at most. */
const PIPELINE = 64;

/** The message of anything the layer threw: iproute2's line where it has one. */
export function failureMessage(e: unknown): string {
  const f = netlinkFailureOf(e);
  if (f !== undefined) return f.stderr;
  if (e instanceof UnderlayError && e.code === "USAGE") return `Error: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** One namespace's work: its name→ifindex cache and the handle. */
class BatchRun {
  readonly #nl: Netlink;
  readonly #netns: string | null;
  readonly #index = new Map<string, number>();

  constructor(nl: Netlink, netns: string | null) {
    this.#nl = nl;
    this.#netns = netns;
  }

  /** Resolves the names `r` needs; a missing one is the failure. */
  #resolve(r: NetlinkRequest): NetlinkRequest {
    for (const name of namesToResolve(r)) {
      if (!this.#index.has(name)) this.#index.set(name, this.#nl.linkIndex(this.#netns, name));
    }
    return withIndexes(r, this.#index);
  }

  /** Forgets names a request changes (a rename, a deletion). */
  #forget(r: NetlinkRequest): void {
    if (r.op === "linkSet" && r.newName !== undefined) {
      if (typeof r.dev === "string") this.#index.delete(r.dev);
      this.#index.delete(r.newName);
    } else if (r.op === "linkDel" && typeof r.dev === "string") {
      this.#index.delete(r.dev);
    }
  }

  /** Carries out one action; returns `null` or the failure's message. */
  one(a: NetlinkAction): string | null {
    try {
      switch (a.type) {
        case "request": {
          const r = this.#resolve(a.request);
          this.#forget(a.request);
          const [f] = this.#nl.send(this.#netns, [r]);
          return f == null ? null : f.stderr;
        }
        case "netns-add":
          this.#nl.netnsAdd(a.name);
          return null;
        case "netns-del":
          this.#nl.netnsDel(a.name);
          return null;
        case "sysctl":
          for (const s of a.settings) this.#nl.sysctlWrite(this.#netns, s.key, s.value);
          return null;
        case "hosts-write":
          return writeHosts(a.dirs, a.content);
        case "hosts-remove":
          return removeHosts(a.dirs);
      }
    } catch (e) {
      return failureMessage(e);
    }
  }

  /** Requests sent pipelined, each acknowledged: one message or `null` per request. */
  many(requests: readonly NetlinkRequest[]): (string | null)[] {
    const out: (string | null)[] = new Array(requests.length).fill(null);
    const ready: NetlinkRequest[] = [];
    const at: number[] = [];
    requests.forEach((r, i) => {
      try {
        ready.push(this.#resolve(r));
        at.push(i);
      } catch (e) {
        out[i] = failureMessage(e);
      }
    });
    // In slices: each request queues an ACK in the socket's receive buffer, which too many at once overflow (ENOBUFS).
    for (let from = 0; from < ready.length; from += PIPELINE) {
      const slice = ready.slice(from, from + PIPELINE);
      try {
        this.#nl.send(this.#netns, slice).forEach((f, k) => (out[at[from + k] as number] = f == null ? null : f.stderr));
      } catch (e) {
        const m = failureMessage(e);
        for (const i of at.slice(from, from + PIPELINE)) out[i] = m;
      }
    }
    return out;
  }
}

function runBatch(nl: Netlink, batch: StepBatch, keepGoing: boolean, runDir: string): StepError[] {
  const run = new BatchRun(nl, batch.netns);
  const actions = batch.steps.map(netlinkAction);
  const failures: StepError[] = [];
  // Namespaces that a thread of this process still sits in would outlive their deletion.
  const stranded = strandedBy(nl, actions.flatMap((a) => (a.type === "netns-del" ? [a.name] : [])), runDir);
  const single = (a: NetlinkAction): string | null => {
    const m = run.one(a);
    return m ?? (a.type === "netns-del" ? (stranded.get(a.name) ?? null) : null);
  };
  if (!keepGoing) {
    for (let i = 0; i < actions.length; i++) {
      const m = single(actions[i] as NetlinkAction);
      if (m !== null) return [{ index: i, message: m }];
    }
    return failures;
  }
  for (let i = 0; i < actions.length; ) {
    const a = actions[i] as NetlinkAction;
    if (a.type !== "request") {
      const m = single(a);
      if (m !== null) failures.push({ index: i, message: m });
      i++;
      continue;
    }
    let j = i;
    while (j < actions.length && (actions[j] as NetlinkAction).type === "request") j++;
    const requests = actions.slice(i, j).map((x) => (x as Extract<NetlinkAction, { type: "request" }>).request);
    run.many(requests).forEach((m, k) => {
      if (m !== null) failures.push({ index: i + k, message: m });
    });
    i = j;
  }
  return failures;
}

/**
 * Carries out `batches` in order (one at a time: every call is synchronous and short) and returns
 * one outcome per batch, with its own time. `touched` collects the namespaces the handle may now
 * hold open, for the caller to release when it goes idle.
 *
 * @example
 * ```ts
 * const [outcome] = applyNetlink(nl, [{ netns: "demo-web", steps }], { keepGoing: false, concurrency: 1 }, new Set());
 * ```
 */
export function applyNetlink(nl: Netlink, batches: readonly StepBatch[], options: ApplyOptions, touched: Set<string>, runDir = "/run/netns"): BatchOutcome[] {
  return batches.map((b) => {
    if (b.netns !== null) touched.add(b.netns);
    for (const s of b.steps) {
      if (s.kind === "netns-add") touched.add(s.name);
      else if (s.kind === "link-add") touched.add(s.target);
    }
    const t0 = performance.now();
    const failures = runBatch(nl, b, options.keepGoing, runDir);
    return { failures, ms: performance.now() - t0 };
  });
}
