/**
 * The {@link LiveLab} of a lab that is up: endpoint lookup, `exec`, `spawn` and `forward` bound
 * to the lab's endpoints and executor, and `close()` for what it holds open in this process
 * (forwards), which teardown calls before `down` stops the processes left in the lab's
 * namespaces.
 * @module
 */
import type { Executor } from "../executor/types.ts";
import type { EndpointInfo } from "../plan/types.ts";
import { endpointLookup } from "./endpoints.ts";
import { execIn, spawnIn } from "./exec.ts";
import { forwardTo } from "./forward.ts";
import type { Forward, LiveLab } from "./types.ts";

/** A live lab plus what releases its forwards. */
export interface LiveLabHandle extends LiveLab {
  /** Closes every forward still open (the processes in the namespaces are `down`'s to stop). */
  close(): Promise<void>;
}

/**
 * Binds the live-lab methods to a lab's endpoints and executor.
 *
 * @example
 * ```ts
 * const live = liveLab("demo", plan.endpoints, localExecutor());
 * await live.exec("web", ["ip", "-br", "addr"]);
 * await live.close();
 * ```
 */
export function liveLab(lab: string, endpoints: readonly EndpointInfo[], executor: Executor): LiveLabHandle {
  const endpoint = endpointLookup(lab, endpoints);
  const forwards = new Set<Forward>();
  return {
    endpoint,
    exec: (name, argv, options) => execIn(executor, endpoint(name), argv, options),
    spawn: (name, argv, options) => spawnIn(executor, endpoint(name), argv, options),
    async forward(name, port, options) {
      const f = await forwardTo(executor, endpoint(name), port, options);
      forwards.add(f);
      const close = async (): Promise<void> => {
        forwards.delete(f);
        await f.close();
      };
      return { ...f, close, [Symbol.asyncDispose]: close };
    },
    async close() {
      await Promise.all([...forwards].map((f) => f.close()));
      forwards.clear();
    },
  };
}
