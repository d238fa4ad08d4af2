/**
 * The command table: name, one-line summary, usage, options (for `node:util` parseArgs and for
 * help), and a lazy loader, so `underlay help` and each command load only what they need.
 * @module
 */
import type { CliContext } from "./context.ts";

/** One option of a command. */
export interface OptionSpec {
  /** `boolean` flag or `string` value. */
  readonly type: "boolean" | "string";
  /** One-letter alias. */
  readonly short?: string;
  /** Value placeholder for help (`<netns>`). */
  readonly value?: string;
  /** Help text. */
  readonly description: string;
}

/** One command. */
export interface CommandSpec {
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line(s). */
  readonly usage: string;
  /** Longer explanation for `underlay help <command>`. */
  readonly details?: string;
  /** Command-specific options. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Loads the implementation. */
  readonly load: () => Promise<(ctx: CliContext) => Promise<number>>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "machine-readable output (documents as JSON; progress as NDJSON events, then a result object)" },
  quiet: { type: "boolean", short: "q", description: "no progress lines (failures and results still print)" },
  verbose: { type: "boolean", short: "v", description: "print every command run; stack traces on errors" },
  "state-dir": { type: "string", value: "<dir>", description: "journals and locks (default $UNDERLAY_STATE_DIR or /run/underlay)" },
  help: { type: "boolean", short: "h", description: "help for this command" },
};

const HOST: OptionSpec = { type: "string", value: "<netns>", description: "run the lab sandboxed inside this namespace (created by the lab; parents become stand-ins)" };
const YES: OptionSpec = { type: "boolean", short: "y", description: "confirm changes to a lab that is not sandboxed (asked on a terminal otherwise)" };
const DRY: OptionSpec = { type: "boolean", description: "report what would change, change nothing" };

/** Every command, in help order. */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  plan: {
    summary: "show what `up` would change, against the live state (+ create, - remove, ~ replace)",
    usage: "underlay plan <lab.ts> [--json | --shell] [--host <netns>]",
    details: "Without root the live state cannot be read; the plan is then shown against an empty machine, and says so.\n--json prints the plan document (byte-stable), --shell a runnable bash script with up and down sections.",
    options: { shell: { type: "boolean", description: "print the plan as a bash script" }, host: HOST },
    load: async () => (await import("./plan.ts")).run,
  },
  up: {
    summary: "apply a lab (idempotent; rolls back on failure)",
    usage: "underlay up <lab.ts> [--host <netns>] [--yes] [--dry-run] [--fast]",
    details: "Reads the live state of every namespace the lab touches and applies only what is missing, so `up` also converges a lab changed by hand (see `verify`).\nA lab brought up here outlives the command (it is persistent): `underlay down` removes it, `underlay gc` never does.",
    options: {
      host: HOST,
      yes: YES,
      "dry-run": DRY,
      fast: { type: "boolean", description: "trust the journal when the last run completed with this plan (skip reading endpoint namespaces)" },
    },
    load: async () => (await import("./up.ts")).run,
  },
  down: {
    summary: "remove exactly what the lab created",
    usage: "underlay down <lab.ts> [--host <netns>] [--yes] [--dry-run] [--force]",
    details: "A lab that another running process owns (a test fixture, a script) is refused with IN_USE unless --force.\nSo is a lab whose namespaces hold the end of a veth whose other end is outside the lab (deleting the namespace would destroy both ends): move or delete that link, or pass --force.",
    options: { host: HOST, yes: YES, "dry-run": DRY, force: { type: "boolean", description: "tear down even a lab another running process owns, or one whose deletion destroys a link outside it (a veth into an endpoint)" } },
    load: async () => (await import("./down.ts")).run,
  },
  status: {
    summary: "what is up, what is missing, what the journal owns",
    usage: "underlay status <lab.ts> [--host <netns>] [--json]",
    options: { host: HOST },
    load: async () => (await import("./status.ts")).run,
  },
  verify: {
    summary: "compare the live kernel with the plan (exit 3 on drift, naming each difference)",
    usage: "underlay verify <lab.ts> [--host <netns>] [--json]",
    options: { host: HOST },
    load: async () => (await import("./verify.ts")).run,
  },
  check: {
    summary: "ping matrix between endpoints (IPv4 and IPv6) vs the expected reachability (exit 3 on mismatch)",
    usage: "underlay check <lab.ts> [--host <netns>] [--timeout <s>] [--parallel <n>] [--json]",
    options: {
      host: HOST,
      timeout: { type: "string", value: "<s>", description: "per-ping timeout in seconds (default 1)" },
      parallel: { type: "string", value: "<n>", description: "pings in flight at most (default 8)" },
    },
    load: async () => (await import("./check.ts")).run,
  },
  graph: {
    summary: "topology as Mermaid text (or Graphviz DOT, or an SVG via `dot`)",
    usage: "underlay graph <lab.ts> [--dot | --svg <out.svg>]",
    options: { host: HOST, dot: { type: "boolean", description: "print Graphviz DOT instead of Mermaid" }, svg: { type: "string", value: "<file>", description: "render an SVG with Graphviz `dot -Tsvg`" } },
    load: async () => (await import("./graph.ts")).run,
  },
  gc: {
    summary: "remove labs whose owning process is gone (and leftovers nothing names but their marks)",
    usage: "underlay gc [--lab <name>] [--prefix <p>] [--dry-run] [--yes] [--json]",
    details:
      "Finds every lab on this machine — in the lab registry under the default state directory (whatever state directory each lab uses), in the journals of --state-dir, and by the ownership marks (ifalias `underlay:<lab>`) on links in every namespace and the lab lines of /etc/netns/<ns>/hosts files.\nRemoves a lab only when the process that owns it is gone, or when nothing but its marks names it. Never removes a lab a running process owns, a persistent lab (`underlay up`, `up({ persist: true })`), or one whose up or down is running; those are listed with the reason.\nAlso removes stale files of runs whose process is gone (locks, discarded journals, temporary files).",
    options: {
      lab: { type: "string", value: "<name>", description: "only this lab" },
      prefix: { type: "string", value: "<p>", description: "only labs whose name starts with this" },
      yes: YES,
      "dry-run": { type: "boolean", description: "only list what would be removed" },
    },
    load: async () => (await import("./gc.ts")).gc,
  },
  run: {
    summary: "run a task and its deps from a tasks file (transactional: a failure rolls back the run)",
    usage: "underlay run <task> [-f tasks.ts] [--dry-run] [--keep] [-- args…]\nunderlay run --list [-f tasks.ts]",
    details:
      "Tasks file: -f, else ./tasks.ts, else ./tasks/tasks.ts, else, in a checkout of underlay, its own (demo, bench, kernel-lab).\nDeps run first, in the order listed; independent tasks run two at a time. If a task fails (or on Ctrl-C), what earlier tasks of the run did — labs applied with ctx.apply, undo steps — is rolled back newest first, unless --keep.\nAfter a successful run, labs applied with ctx.apply stay up; a task that wants them gone tears them down itself (the demo does).",
    options: {
      file: { type: "string", short: "f", value: "<tasks.ts>", description: "tasks file" },
      list: { type: "boolean", description: "list the tasks" },
      "dry-run": { type: "boolean", description: "ctx.dryRun = true; labs are only planned" },
      keep: { type: "boolean", description: "on failure, keep what earlier tasks did (no rollback)" },
    },
    load: async () => (await import("./run.ts")).run,
  },
  import: {
    summary: "a script of docker network create / docker run lines, or a docker-compose.yml, as a lab module",
    usage: "underlay import docker <file> [--lab <name>] [--sandbox] [--host <netns>] [--dialect engine|documents] [--sdk <module>] [--json]",
    details:
      "Prints the lab module (TypeScript) on stdout; what was left out (commands that change no network, IPv6 subnets without --ipv6, networks no container joins) is listed in comments at its top.\nUnsupported flags are all reported at once with their lines (exit 2).\n--dialect engine (default) follows the real Docker Engine, documents the reference documents (see README › Interop).",
    options: {
      lab: { type: "string", value: "<name>", description: "lab name (default docker)" },
      sandbox: { type: "boolean", description: "build the lab in a sandbox host namespace (<lab>-h unless --host)" },
      host: { type: "string", value: "<netns>", description: "host namespace of the lab" },
      dialect: { type: "string", value: "<engine|documents>", description: "whose behaviour to follow where the documents and Docker Engine differ (default engine)" },
      sdk: { type: "string", value: "<module>", description: "module the lab imports the SDK from (default underlay)" },
    },
    load: async () => (await import("./interop.ts")).importCommand,
  },
  export: {
    summary: "a lab as CNI 1.0 conflists, Multus NetworkAttachmentDefinitions, or docker commands",
    usage: "underlay export cni <lab.ts> [--endpoint <name> [--network <net>]] [--ipam static|host-local]\nunderlay export multus <lab.ts> [--ipam static|whereabouts] [--namespace <ns>] [--default-route]\nunderlay export docker <lab.ts> [--image <image>]",
    details:
      "cni: every endpoint's conflists by interface (JSON), or one conflist with --endpoint (stdin of the macvlan/ipvlan plugin).\nmultus: one NetworkAttachmentDefinition per network (YAML); static IPAM lists each pod's annotation in a comment.\ndocker: the docker commands that build the same networks and containers; what Docker cannot express is refused (exit 2).",
    options: {
      host: HOST,
      endpoint: { type: "string", value: "<name>", description: "cni: only this endpoint's conflist" },
      network: { type: "string", value: "<net>", description: "cni: with --endpoint, its interface on this network (default its first)" },
      ipam: { type: "string", value: "<kind>", description: "cni: static (default) | host-local; multus: static (default) | whereabouts" },
      namespace: { type: "string", value: "<ns>", description: "multus: Kubernetes namespace of the definitions" },
      "default-route": { type: "boolean", description: "multus: add the network's default route in the pod" },
      image: { type: "string", value: "<image>", description: "docker: image of the containers (default alpine)" },
    },
    load: async () => (await import("./interop.ts")).exportCommand,
  },
  help: {
    summary: "help on the commands, options and exit codes",
    usage: "underlay help [command]",
    options: {},
    load: async () => (await import("./help.ts")).run,
  },
};
