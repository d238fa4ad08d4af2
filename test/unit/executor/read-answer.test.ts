/**
 * Reading an iproute2 process's answer back to the steps it carried: a process killed by a
 * signal (SIGINT from a terminal, a test runner stopping a timed-out test's children) may have
 * done its work just before, so its steps are uncertain and rollback undoes them too.
 */
import { describe, expect, it } from "vitest";
import { readAnswer } from "../../../sdk/executor/iproute2/apply.ts";
import { pack } from "../../../sdk/executor/iproute2/batch-lines.ts";

const one = pack("x", [{ netns: "x", argv: ["ip", "netns", "add", "a"], at: 0 }], false)[0];
const three = pack("x", [0, 1, 2].map((at) => ({ netns: "x", argv: ["ip", "link", "set", `l${at}`, "up"], at })), false)[0];

describe("readAnswer", () => {
  it("a step whose process was killed by a signal is uncertain, with the signal as the message", () => {
    expect(readAnswer(one as never, { code: 128, stdout: "", stderr: "", signal: "SIGTERM" }, false)).toEqual({ failures: [{ index: 0, message: "killed by SIGTERM" }], uncertain: true });
  });

  it("a killed batch: every line may have run — one failure without keepGoing, all of them with it", () => {
    const killed = { code: 128, stdout: "", stderr: "", signal: "SIGKILL" };
    expect(readAnswer(three as never, killed, false)).toEqual({ failures: [{ index: 0, message: "killed by SIGKILL" }], uncertain: true });
    expect(readAnswer(three as never, killed, true).failures.map((f) => f.index)).toEqual([0, 1, 2]);
  });

  it("a step that failed by itself stays certain", () => {
    expect(readAnswer(one as never, { code: 1, stdout: "", stderr: "Cannot create namespace file \"/run/netns/a\": File exists" }, false)).toEqual({
      failures: [{ index: 0, message: 'Cannot create namespace file "/run/netns/a": File exists' }],
      uncertain: false,
    });
  });
});
