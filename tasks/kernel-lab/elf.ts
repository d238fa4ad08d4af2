/**
 * Minimal ELF64 little-endian reading: one named section's bytes (a kernel module's `.modinfo`)
 * and whether a binary is statically linked (no `PT_INTERP`). Pure functions over bytes.
 * @module
 */

const MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
const PT_INTERP = 3;

function isElf64(buf: Uint8Array): boolean {
  return buf.length >= 64 && MAGIC.every((b, i) => buf[i] === b) && buf[4] === 2 && buf[5] === 1;
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The bytes of the section called `name`, or `null` when the file is not ELF64-LE or has no
 * such section.
 *
 * @example
 * ```ts
 * const info = elfSection(readFileSync("8021q.ko"), ".modinfo");
 * ```
 */
export function elfSection(buf: Uint8Array, name: string): Uint8Array | null {
  if (!isElf64(buf)) return null;
  const v = view(buf);
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  if (shoff === 0 || shoff + shnum * shentsize > buf.length || shstrndx >= shnum) return null;
  const header = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      name: v.getUint32(o, true),
      offset: Number(v.getBigUint64(o + 0x18, true)),
      size: Number(v.getBigUint64(o + 0x20, true)),
    };
  };
  const strtab = header(shstrndx);
  const decoder = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const start = strtab.offset + h.name;
    let end = start;
    while (end < buf.length && buf[end] !== 0) end++;
    if (decoder.decode(buf.subarray(start, end)) === name) {
      if (h.offset + h.size > buf.length) return null;
      return buf.subarray(h.offset, h.offset + h.size);
    }
  }
  return null;
}

/**
 * `key=value` pairs of a kernel module's `.modinfo` section (later keys of the same name are
 * joined with `,` — modules may repeat `alias`).
 *
 * @example
 * ```ts
 * modinfo(readFileSync("8021q.ko")).get("depends"); // "mrp,garp"
 * ```
 */
export function modinfo(buf: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const section = elfSection(buf, ".modinfo");
  if (section === null) return out;
  for (const entry of new TextDecoder().decode(section).split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    const prev = out.get(key);
    out.set(key, prev === undefined ? value : `${prev},${value}`);
  }
  return out;
}

/**
 * True when `buf` is an ELF64 executable without a program interpreter (statically linked).
 *
 * @example
 * ```ts
 * isStaticElf(readFileSync("/bin/busybox")); // true for busybox-static
 * ```
 */
export function isStaticElf(buf: Uint8Array): boolean {
  if (!isElf64(buf)) return false;
  const v = view(buf);
  const phoff = Number(v.getBigUint64(0x20, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  if (phoff + phnum * phentsize > buf.length) return false;
  for (let i = 0; i < phnum; i++) {
    if (v.getUint32(phoff + i * phentsize, true) === PT_INTERP) return false;
  }
  return true;
}
