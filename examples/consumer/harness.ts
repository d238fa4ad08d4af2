/**
 * One suite, two runners. Under vitest, `test` is vitest's own `test.extend` with underlay's
 * fixture; under `bun test` (which maps imports of "vitest" to `bun:test`, where there is no
 * `test.extend`), it is underlay's `labTest`. Either way a test reads `test("…", async ({ lab }) => …)`,
 * and its lab is up before the test and gone after it — passed, failed or timed out.
 *
 * `fileLab()` is the per-file form: one lab shared by the tests of a file.
 */
import * as runner from "vitest";
import type { UpResult } from "underlay";
import { labFixture, labTest, useLab, type LabTest } from "underlay/testing";
import { twoEndpoints } from "./network.ts";

const underBun = "Bun" in globalThis;

/** A test with its own lab. */
export const test: LabTest = underBun
  ? labTest({ test: runner.test, afterEach: runner.afterEach }, twoEndpoints)
  : (runner.test.extend<{ lab: UpResult }>({ lab: labFixture(twoEndpoints) }) as unknown as LabTest);

/** One lab for the whole file: call it at the top level; the getter gives the lab inside tests. */
export function fileLab(): () => UpResult {
  return useLab({ beforeAll: runner.beforeAll, afterAll: runner.afterAll }, twoEndpoints);
}

export { expect, describe } from "vitest";
