/**
 * The kernel lab's pure asset code: the cpio writer, ELF reading (module info, static binaries,
 * the PVH note), module ordering, ldd and Debian control parsing, and the init script.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpioNewc, type CpioEntry } from "../../tasks/kernel-lab/cpio.ts";
import { elfSection, isStaticElf, modinfo } from "../../tasks/kernel-lab/elf.ts";
import { initScript, MODULE_LIST_PATH } from "../../tasks/kernel-lab/init-script.ts";
import { parseLdd } from "../../tasks/kernel-lab/initramfs.ts";
import { hasPvhEntry } from "../../tasks/kernel-lab/kernel-image.ts";
import { firstDependency } from "../../tasks/kernel-lab/kernel-package.ts";
import { moduleName, orderModules } from "../../tasks/kernel-lab/modules.ts";

const enc = new TextEncoder();

/** Reads a newc archive back: name, mode, rdev and data of each member. */
function readNewc(bytes: Uint8Array): { name: string; mode: number; rdev: [number, number]; data: string }[] {
  const out: { name: string; mode: number; rdev: [number, number]; data: string }[] = [];
  const dec = new TextDecoder();
  let at = 0;
  const pad = (n: number) => (n + 3) & ~3;
  for (;;) {
    const head = dec.decode(bytes.subarray(at, at + 110));
    expect(head.slice(0, 6)).toBe("070701");
    const field = (i: number) => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, namesize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = dec.decode(bytes.subarray(at + 110, at + 110 + namesize - 1));
    const dataAt = pad(at + 110 + namesize);
    if (name === "TRAILER!!!") return out;
    out.push({ name, mode, rdev: [rmaj, rmin], data: dec.decode(bytes.subarray(dataAt, dataAt + size)) });
    at = pad(dataAt + size);
  }
}

/** A minimal ELF64-LE file with the given sections (and a PT_INTERP header when `interp`). */
function makeElf(sections: { name: string; data: Uint8Array }[], interp = false): Uint8Array {
  const names = ["", ...sections.map((s) => s.name), ".shstrtab"];
  const shstr = enc.encode(`${names.join("\0")}\0`);
  const nameOffsets = names.map((_, i) => names.slice(0, i).reduce((n, s) => n + s.length + 1, 0));
  const phoff = 64;
  const phnum = interp ? 1 : 0;
  let at = phoff + phnum * 56;
  const bodies = [...sections.map((s) => s.data), shstr].map((data) => {
    const off = at;
    at += data.length;
    return { off, data };
  });
  const shoff = (at + 7) & ~7;
  const buf = new Uint8Array(shoff + names.length * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setBigUint64(0x20, BigInt(phoff), true);
  v.setBigUint64(0x28, BigInt(shoff), true);
  v.setUint16(0x36, 56, true);
  v.setUint16(0x38, phnum, true);
  v.setUint16(0x3a, 64, true);
  v.setUint16(0x3c, names.length, true);
  v.setUint16(0x3e, names.length - 1, true);
  if (interp) v.setUint32(phoff, 3, true);
  bodies.forEach((b, i) => {
    buf.set(b.data, b.off);
    const h = shoff + (i + 1) * 64;
    v.setUint32(h, nameOffsets[i + 1] ?? 0, true);
    v.setBigUint64(h + 0x18, BigInt(b.off), true);
    v.setBigUint64(h + 0x20, BigInt(b.data.length), true);
  });
  return buf;
}

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const n = enc.encode(`${name}\0`);
  const pad = (k: number) => (k + 3) & ~3;
  const out = new Uint8Array(12 + pad(n.length) + pad(desc.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, n.length, true);
  v.setUint32(4, desc.length, true);
  v.setUint32(8, type, true);
  out.set(n, 12);
  out.set(desc, 12 + pad(n.length));
  return out;
}

describe("cpioNewc", () => {
  const entries: CpioEntry[] = [
    { type: "dir", path: "bin" },
    { type: "file", path: "bin/hello", data: enc.encode("hi!"), mode: 0o755 },
    { type: "symlink", path: "bin/sh", target: "busybox" },
    { type: "chardev", path: "dev/console", major: 5, minor: 1 },
    { type: "file", path: "/init", data: enc.encode("#!/bin/sh\n") },
  ];

  it("writes members with types, modes, device numbers and 4-byte alignment, then the trailer", () => {
    expect(readNewc(cpioNewc(entries))).toEqual([
      { name: "bin", mode: 0o040755, rdev: [0, 0], data: "" },
      { name: "bin/hello", mode: 0o100755, rdev: [0, 0], data: "hi!" },
      { name: "bin/sh", mode: 0o120777, rdev: [0, 0], data: "busybox" },
      { name: "dev/console", mode: 0o020600, rdev: [5, 1], data: "" },
      { name: "init", mode: 0o100644, rdev: [0, 0], data: "#!/bin/sh\n" },
    ]);
  });

  it("is deterministic (mtime 0, root owner), so its hash names its inputs", () => {
    expect(cpioNewc(entries)).toEqual(cpioNewc(entries));
    expect(cpioNewc(entries).length % 4).toBe(0);
  });

  it.runIf(existsSync("/usr/bin/cpio"))("is read by GNU cpio", () => {
    const r = spawnSync("cpio", ["-t", "--quiet"], { input: cpioNewc(entries), encoding: "utf8" });
    expect(r.stdout.trim().split("\n")).toEqual(["bin", "bin/hello", "bin/sh", "dev/console", "init"]);
  });
});

describe("ELF reading", () => {
  it("reads a module's .modinfo as key=value pairs", () => {
    const info = enc.encode("license=GPL\0depends=mrp,garp\0vermagic=6.1.0-56-amd64 SMP\0alias=a\0alias=b\0");
    const ko = makeElf([{ name: ".text", data: new Uint8Array(16) }, { name: ".modinfo", data: info }]);
    expect(elfSection(ko, ".modinfo")).toEqual(info);
    expect(elfSection(ko, ".nope")).toBeNull();
    const m = modinfo(ko);
    expect(m.get("depends")).toBe("mrp,garp");
    expect(m.get("alias")).toBe("a,b");
    expect(modinfo(enc.encode("not an elf")).size).toBe(0);
  });

  it("tells static from dynamic binaries by PT_INTERP", () => {
    expect(isStaticElf(makeElf([]))).toBe(true);
    expect(isStaticElf(makeElf([], true))).toBe(false);
    expect(isStaticElf(readFileSync(process.execPath))).toBe(false);
    expect(isStaticElf(enc.encode("#!/bin/sh\n"))).toBe(false);
  });

  it("finds the Xen PHYS32_ENTRY note that PVH boot needs", () => {
    const withPvh = makeElf([{ name: ".notes", data: new Uint8Array([...note("Xen", 6, enc.encode("linux\0")), ...note("Xen", 18, new Uint8Array(4))]) }]);
    const without = makeElf([{ name: ".notes", data: note("GNU", 3, new Uint8Array(20)) }]);
    expect(hasPvhEntry(withPvh)).toBe(true);
    expect(hasPvhEntry(without)).toBe(false);
    expect(hasPvhEntry(makeElf([]))).toBe(false);
  });
});

describe("modules", () => {
  const deps: Record<string, string[]> = { "8021q": ["mrp", "garp"], garp: ["stp", "llc"], stp: ["llc"], mrp: [], llc: [], ipvlan: [], dummy: [] };

  it("names modules like the kernel (no suffix, - → _)", () => {
    expect(moduleName("kernel/drivers/net/ipvlan/ipvlan.ko.xz")).toBe("ipvlan");
    expect(moduleName("virtio-pci.ko.zst")).toBe("virtio_pci");
    expect(moduleName("8021q")).toBe("8021q");
  });

  it("orders the closure dependencies-first, once each, skipping built-ins", () => {
    const { order, missing } = orderModules(["ipv6", "8021q", "ipvlan", "dummy", "garp"], (n) => deps[n] ?? null, (n) => n === "ipv6");
    expect(missing).toEqual([]);
    expect(order).toEqual(["mrp", "llc", "stp", "garp", "8021q", "ipvlan", "dummy"]);
    for (const [i, m] of order.entries()) for (const d of deps[m] ?? []) expect(order.indexOf(d)).toBeLessThan(i);
  });

  it("reports modules that do not exist, and survives a dependency cycle", () => {
    expect(orderModules(["nope", "dummy"], (n) => deps[n] ?? null).missing).toEqual(["nope"]);
    const cyclic: Record<string, string[]> = { a: ["b"], b: ["a"] };
    expect(orderModules(["a"], (n) => cyclic[n] ?? null).order).toEqual(["b", "a"]);
  });
});

describe("host parsing", () => {
  it("reads library paths and the loader from ldd, and what is not found", () => {
    const out = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibbpf.so.1 => /lib/x86_64-linux-gnu/libbpf.so.1 (0x00007f33)",
      "\tlibgone.so.2 => not found",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f33)",
    ].join("\n");
    expect(parseLdd(out)).toEqual({ libraries: ["/lib/x86_64-linux-gnu/libbpf.so.1", "/lib64/ld-linux-x86-64.so.2"], missing: ["libgone.so.2"] });
  });

  it("resolves the kernel metapackage's first dependency", () => {
    expect(firstDependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2)")).toEqual({ name: "linux-image-6.1.0-56-amd64", version: "6.1.192-2" });
    expect(firstDependency("linux-image-6.12.9-amd64 (= 6.12.9-1) | linux-image-6.12.9-amd64-unsigned, initramfs-tools")).toEqual({
      name: "linux-image-6.12.9-amd64",
      version: "6.12.9-1",
    });
    expect(firstDependency("linux-image-6.1.0-56-amd64")).toEqual({ name: "linux-image-6.1.0-56-amd64", version: null });
    expect(firstDependency("")).toBeNull();
  });
});

describe("initScript", () => {
  const script = initScript();

  it("mounts what ip netns needs, loads the module list, starts the agent on the named port", () => {
    for (const line of ["mount -t proc proc /proc", "mount -t sysfs sysfs /sys", "mount -t devtmpfs devtmpfs /dev", "mount -t tmpfs -o mode=0755 tmpfs /run", "mkdir -p /run/netns"]) {
      expect(script).toContain(line);
    }
    expect(script).toContain(`</${MODULE_LIST_PATH}`);
    expect(script).toContain("ip link set lo up");
    expect(script).toContain("underlay.agent=");
    expect(script).toContain("busybox sh /agent");
  });

  it.runIf(existsSync("/bin/busybox"))("parses as a busybox shell script", () => {
    const r = spawnSync("/bin/busybox", ["sh", "-n", "-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });
});
