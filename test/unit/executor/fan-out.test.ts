/**
 * The fan-out's answer format: each namespace's merged output, a record separator and the exit
 * status `$?`, which the shell reports as 128 + n for a program killed by signal n.
 */
import { describe, expect, it } from "vitest";
import { parseFanOut } from "../../../sdk/executor/local.ts";

describe("parseFanOut", () => {
  it("splits the answers and names the signal that killed a program", () => {
    expect(parseFanOut("[]\n\u001e0\nKilled\n\u001e137\nTerminated\n\u001e143\nip: oops\n\u001e1\n", 4)).toEqual([
      { code: 0, stdout: "[]\n", stderr: "" },
      { code: 137, stdout: "", stderr: "Killed\n", signal: "SIGKILL" },
      { code: 143, stdout: "", stderr: "Terminated\n", signal: "SIGTERM" },
      { code: 1, stdout: "", stderr: "ip: oops\n" },
    ]);
  });

  it("returns fewer answers than asked when the script stopped early", () => {
    expect(parseFanOut("[]\n\u001e0\n[", 3)).toEqual([{ code: 0, stdout: "[]\n", stderr: "" }]);
  });
});
