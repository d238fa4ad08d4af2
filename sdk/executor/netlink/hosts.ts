/**
 * Hosts files in-process, exactly what the iproute2 executors' constant scripts do
 * (`HOSTS_WRITE_SCRIPT` / `HOSTS_REMOVE_SCRIPT` in `plan/iproute2.ts`): `mkdir -p` each
 * `/etc/netns/<ns>` and write `hosts` (content plus a final newline, mode 0644 under umask 022);
 * remove `hosts` and then the directory when it is left empty.
 *
 * @example
 * ```ts
 * writeHosts(["/etc/netns/demo-web"], "127.0.0.1\tlocalhost"); // null, or what failed
 * removeHosts(["/etc/netns/demo-web"]);
 * ```
 * @module
 */
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";

function message(e: unknown, path: string): string {
  const x = e as { code?: string; message?: string };
  return `cannot write ${path}: ${x.code ?? ""} ${x.message ?? String(e)}`.replace(/\s+/g, " ");
}

/**
 * Writes `<dir>/hosts` with `content` and a newline in every dir; returns `null`, or what failed.
 *
 * @example
 * ```ts
 * writeHosts(["/etc/netns/demo-web", "/etc/netns/demo-db"], "127.0.0.1\tlocalhost");
 * ```
 */
export function writeHosts(dirs: readonly string[], content: string): string | null {
  const text = `${content}\n`;
  for (const dir of dirs) {
    const path = `${dir}/hosts`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      writeFileSync(path, text, { mode: 0o644 });
    } catch (e) {
      return message(e, path);
    }
  }
  return null;
}

/**
 * Removes `<dir>/hosts` from every dir, and the dir when it is left empty (never fails: a file
 * already gone is fine, as `rm -f`).
 *
 * @example
 * ```ts
 * removeHosts(["/etc/netns/demo-web"]);
 * ```
 */
export function removeHosts(dirs: readonly string[]): null {
  for (const dir of dirs) {
    rmSync(`${dir}/hosts`, { force: true });
    try {
      rmdirSync(dir);
    } catch {
      /* not empty, or already gone: as `rmdir … || true` */
    }
  }
  return null;
}
