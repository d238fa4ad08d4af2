/**
 * A `cpio -H newc` archive writer (the format the kernel unpacks as an initramfs). Pure: entries
 * in, bytes out; owner root, mtime 0, so the same entries always give the same archive.
 * @module
 */

/** One archive member. Paths are relative (`bin/busybox`), parents listed before children. */
export type CpioEntry =
  | { readonly type: "dir"; readonly path: string; readonly mode?: number }
  | { readonly type: "file"; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly type: "symlink"; readonly path: string; readonly target: string }
  | { readonly type: "chardev"; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const encoder = new TextEncoder();

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function member(ino: number, mode: number, name: string, data: Uint8Array, nlink: number, rdev = [0, 0]): Uint8Array[] {
  const nameBytes = encoder.encode(`${name}\0`);
  const header =
    "070701" +
    [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0] ?? 0, rdev[1] ?? 0, nameBytes.length, 0].map(hex8).join("");
  const head = encoder.encode(header);
  return [
    head,
    nameBytes,
    new Uint8Array(pad4(head.length + nameBytes.length)),
    data,
    new Uint8Array(pad4(data.length)),
  ];
}

/**
 * Builds an uncompressed newc archive, trailer included.
 *
 * @example
 * ```ts
 * const bytes = cpioNewc([
 *   { type: "dir", path: "bin" },
 *   { type: "file", path: "init", data: new TextEncoder().encode("#!/bin/sh\n"), mode: 0o755 },
 *   { type: "symlink", path: "bin/sh", target: "busybox" },
 *   { type: "chardev", path: "dev/console", major: 5, minor: 1 },
 * ]);
 * ```
 */
export function cpioNewc(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, "");
    if (e.type === "dir") parts.push(...member(ino++, S_IFDIR | (e.mode ?? 0o755), path, new Uint8Array(0), 2));
    else if (e.type === "file") parts.push(...member(ino++, S_IFREG | (e.mode ?? 0o644), path, e.data, 1));
    else if (e.type === "symlink") parts.push(...member(ino++, S_IFLNK | 0o777, path, encoder.encode(e.target), 1));
    else parts.push(...member(ino++, S_IFCHR | (e.mode ?? 0o600), path, new Uint8Array(0), 1, [e.major, e.minor]));
  }
  parts.push(...member(0, 0, "TRAILER!!!", new Uint8Array(0), 1));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
