/**
 * The forwarder's UDP framing (2-byte length + datagram over a byte stream): whatever way the
 * stream is cut into chunks, the datagrams come out whole, in order; and which program runs the
 * helper in each runtime.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deframer, FORWARD_HELPER, frame, helperArgv } from "../../../sdk/live/forward-helper.ts";

describe("UDP frames over a stream", () => {
  it("frame: length in 2 bytes, big-endian, then the bytes", () => {
    expect([...frame(Buffer.from("ping"))]).toEqual([0, 4, 112, 105, 110, 103]);
    expect([...frame(Buffer.alloc(0))]).toEqual([0, 0]);
  });

  it("deframer returns every datagram whole and in order, however the stream is chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }), (datagrams, cuts) => {
        const stream = Buffer.concat(datagrams.map((d) => frame(Buffer.from(d))));
        const seen: number[][] = [];
        const feed = deframer((d) => seen.push([...d]));
        for (let at = 0, k = 0; at < stream.length; k++) {
          const size = cuts[k % cuts.length] as number;
          feed(stream.subarray(at, at + size));
          at += size;
        }
        expect(seen).toEqual(datagrams.map((d) => [...d]));
      }),
    );
  });
});

describe("helperArgv", () => {
  it("runs the helper with the current runtime: -e under Node and Bun, eval under Deno", () => {
    expect(helperArgv({}, "/usr/bin/node")).toEqual(["/usr/bin/node", "-e", FORWARD_HELPER]);
    expect(helperArgv({ Bun: {} }, "/opt/bun")).toEqual(["/opt/bun", "-e", FORWARD_HELPER]);
    expect(helperArgv({ Deno: { execPath: () => "/opt/deno" } }, "/ignored")).toEqual(["/opt/deno", "eval", FORWARD_HELPER]);
  });
});
