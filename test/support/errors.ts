/** Capturing the `UnderlayError` a call throws or a promise rejects with, for assertions on its code and message. */
import { UnderlayError } from "../../sdk/index.ts";

/** The `UnderlayError` that `fn` throws (any other error is rethrown; no error fails the test). */
export function thrown(fn: () => unknown): UnderlayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnderlayError) return e;
    throw e;
  }
  throw new Error("expected an UnderlayError");
}

/** The `UnderlayError` that `p` rejects with (any other error is rethrown; fulfilment fails the test). */
export async function rejection(p: Promise<unknown>): Promise<UnderlayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UnderlayError) return e;
    throw e;
  }
  throw new Error("expected an UnderlayError");
}
