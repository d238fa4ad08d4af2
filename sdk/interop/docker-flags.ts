/**
 * Flag parsing the way the Docker CLI (cobra/pflag) does it: `--flag=value`, `--flag value`,
 * `-o value`, `-ovalue`, `-o=value`, bundled booleans (`-itd`), repeated flags collected in
 * order, and the two positional styles (interspersed for `docker network create`, stop at the
 * first positional for `docker run`, whose image ends the flags). Unknown and unsupported flags
 * are collected, not thrown, so that a script reports all of them at once.
 * @module
 */

/** How a flag takes its value. */
export interface FlagSpec {
  /** `bool` (no value, `--x=false` allowed) or `value` (the next word or `=value`). */
  readonly kind: "bool" | "value";
  /** The canonical name the value is stored under (aliases like `--net` → `network`). */
  readonly key: string;
  /** `false` for flags Docker has that underlay does not translate (reported as unsupported). */
  readonly supported: boolean;
}

/** A table of flags by spelling (`--subnet`, `-d`, …). */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** What {@link parseFlags} found. */
export interface ParsedFlags {
  /** Values by canonical key, in the order given (booleans as `"true"`/`"false"`). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Positional words (for `docker run`: the image and, after it, the container's command). */
  readonly positionals: readonly string[];
  /** Flags Docker knows but underlay does not translate, as written. */
  readonly unsupported: readonly string[];
  /** Flags neither knows, as written. */
  readonly unknown: readonly string[];
  /** Flags that needed a value and had none, or whose value is another flag (`-o -o`). */
  readonly missing: readonly { readonly flag: string; readonly next: string | null }[];
}

/**
 * Parses the words after a subcommand (`docker run <words>`).
 *
 * @example
 * ```ts
 * parseFlags(["--net=pub_net", "-itd", "alpine", "/bin/sh"], RUN_FLAGS, { interspersed: false }).values.get("network"); // ["pub_net"]
 * ```
 */
export function parseFlags(words: readonly string[], table: FlagTable, options: { readonly interspersed: boolean }): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const unsupported: string[] = [];
  const unknown: string[] = [];
  const missing: { flag: string; next: string | null }[] = [];
  const put = (spec: FlagSpec, written: string, value: string): void => {
    if (!spec.supported) {
      unsupported.push(written);
      return;
    }
    const list = values.get(spec.key) ?? [];
    list.push(value);
    values.set(spec.key, list);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (!w.startsWith("-") || w === "-") {
      if (!options.interspersed) {
        positionals.push(...words.slice(i));
        break;
      }
      positionals.push(w);
      continue;
    }
    if (w.startsWith("--")) {
      const eq = w.indexOf("=");
      const name = eq < 0 ? w : w.slice(0, eq);
      const spec = table[name];
      if (spec === undefined) {
        unknown.push(name);
        continue;
      }
      if (spec.kind === "bool") put(spec, name, eq < 0 ? "true" : w.slice(eq + 1));
      else if (eq >= 0) put(spec, name, w.slice(eq + 1));
      else {
        const next = words[i + 1];
        // pflag takes the next word whatever it is; a flag there is almost always a typo.
        if (next === undefined || next.startsWith("-")) missing.push({ flag: name, next: next ?? null });
        if (next !== undefined) put(spec, name, next);
        i++;
      }
      continue;
    }
    // Shorthand: -i, -itd, -o value, -ovalue, -o=value.
    for (let k = 1; k < w.length; k++) {
      const name = `-${w[k]}`;
      const spec = table[name];
      if (spec === undefined) {
        unknown.push(name);
        continue;
      }
      if (spec.kind === "bool") {
        put(spec, name, "true");
        continue;
      }
      const rest = w.slice(k + 1);
      if (rest !== "") put(spec, name, rest.startsWith("=") ? rest.slice(1) : rest);
      else {
        const next = words[i + 1];
        if (next === undefined || next.startsWith("-")) missing.push({ flag: name, next: next ?? null });
        if (next !== undefined) put(spec, name, next);
        i++;
      }
      break;
    }
  }
  return { values, positionals, unsupported, unknown, missing };
}

const yes = (key: string, kind: FlagSpec["kind"] = "value"): FlagSpec => ({ kind, key, supported: true });
const no = (kind: FlagSpec["kind"] = "value"): FlagSpec => ({ kind, key: "", supported: false });

/**
 * `docker network create` flags (Docker 20.10).
 *
 * @example
 * ```ts
 * NETWORK_CREATE_FLAGS["--subnet"]; // { kind: "value", key: "subnet", supported: true }
 * ```
 */
export const NETWORK_CREATE_FLAGS: FlagTable = {
  "-d": yes("driver"),
  "--driver": yes("driver"),
  "--subnet": yes("subnet"),
  "--gateway": yes("gateway"),
  "--ip-range": yes("ip-range"),
  "--aux-address": yes("aux-address"),
  "--ipv6": yes("ipv6", "bool"),
  "--internal": yes("internal", "bool"),
  "-o": yes("opt"),
  "--opt": yes("opt"),
  "--attachable": no("bool"),
  "--config-from": no(),
  "--config-only": no("bool"),
  "--ingress": no("bool"),
  "--ipam-driver": no(),
  "--ipam-opt": no(),
  "--label": no(),
  "--scope": no(),
};

/**
 * `docker network connect` flags.
 *
 * @example
 * ```ts
 * NETWORK_CONNECT_FLAGS["--alias"]?.supported; // false
 * ```
 */
export const NETWORK_CONNECT_FLAGS: FlagTable = {
  "--ip": yes("ip"),
  "--ip6": yes("ip6"),
  "--alias": no(),
  "--driver-opt": no(),
  "--link": no(),
  "--link-local-ip": no(),
};

/**
 * `docker run` flags: the ones translated, the harmless terminal ones, and common ones that are not translated.
 *
 * @example
 * ```ts
 * RUN_FLAGS["-p"]?.supported; // false: reported as unsupported
 * ```
 */
export const RUN_FLAGS: FlagTable = {
  "--net": yes("network"),
  "--network": yes("network"),
  "--ip": yes("ip"),
  "--ip6": yes("ip6"),
  "--name": yes("name"),
  "--mac-address": yes("mac"),
  // Terminal and lifetime flags: they change nothing about the network.
  "-i": yes("interactive", "bool"),
  "--interactive": yes("interactive", "bool"),
  "-t": yes("tty", "bool"),
  "--tty": yes("tty", "bool"),
  "-d": yes("detach", "bool"),
  "--detach": yes("detach", "bool"),
  "--rm": yes("rm", "bool"),
  // Known to Docker, not translated by underlay.
  ...Object.fromEntries(
    ["-p", "--publish", "-e", "--env", "--env-file", "-v", "--volume", "--mount", "-w", "--workdir", "-u", "--user", "-h", "--hostname", "--dns", "--dns-search", "--dns-option", "--add-host", "--entrypoint", "-l", "--label", "--cap-add", "--cap-drop", "--restart", "-m", "--memory", "--cpus", "--log-driver", "--log-opt", "--network-alias", "--net-alias", "--link", "--link-local-ip", "--sysctl", "--ulimit", "--device", "--platform", "--pull", "--stop-signal", "--expose", "--security-opt", "--tmpfs", "--cidfile", "--runtime", "--userns", "--pid", "--ipc", "--uts", "--cgroupns", "--shm-size", "--health-cmd", "--gpus"].map((f) => [f, no()]),
  ),
  ...Object.fromEntries(["-P", "--publish-all", "--privileged", "--init", "--read-only", "--no-healthcheck", "--oom-kill-disable", "--sig-proxy"].map((f) => [f, no("bool")])),
};
