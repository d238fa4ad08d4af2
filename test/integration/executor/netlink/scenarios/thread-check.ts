/**
 * The positive control of the foreign-thread check: a thread deliberately started while the JS
 * thread sits in another namespace (a Worker, started between setns in and setns back) must be
 * listed by `foreignThreads()`, with that namespace.
 */
import { statSync } from "node:fs";
import { loadLibc } from "../../../../../sdk/executor/netlink/libc.ts";
import { removeAll, type Scenario } from "./common.ts";

const z = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

export const threadCheck: Scenario = async (nl, [p]) => {
  const r = await loadLibc();
  if (!r.available) throw new Error(r.reason);
  const libc = r.libc;
  const ns = `${p}-t`;
  nl.netnsAdd(ns);
  const before = nl.foreignThreads();
  const fd = libc.open(z(`/run/netns/${ns}`), 0o2000000, 0);
  const home = libc.open(z("/proc/thread-self/ns/net"), 0o2000000, 0);
  const target = `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  let worker: Worker;
  if (libc.setns(fd, 0x40000000) !== 0) throw new Error("setns in failed");
  try {
    worker = new Worker(new URL("data:text/javascript,setInterval(() => {}, 1000)"), { type: "module" });
  } finally {
    if (libc.setns(home, 0x40000000) !== 0) throw new Error("setns back failed");
  }
  await new Promise((res) => setTimeout(res, 500));
  const during = nl.foreignThreads();
  worker.terminate();
  libc.close(fd);
  libc.close(home);
  removeAll(nl, p as string);
  return { target, before, during };
};
