/**
 * How a refused netlink request is reported: the line iproute2 would print for the same request
 * (`RTNETLINK answers: File exists`, `Error: Unknown device type.`, `Cannot find device "x"`),
 * so the runner's hints (`hintFor`, `alreadyGone`) read it like `ip`'s standard error; plus the
 * errno's name and number and the equivalent `ip` command, as structured fields.
 *
 * @example
 * ```ts
 * try { nl.linkDel({ name: "gone" }); }
 * catch (e) { netlinkFailureOf(e)?.errnoName; } // "ENODEV"
 * ```
 * @module
 */
import { UnderlayError } from "../../errors.ts";

/** A request the kernel (or a lookup before it) refused. */
export interface NetlinkFailure {
  /** The errno, positive (`17`). */
  readonly errno: number;
  /** Its name (`EEXIST`). */
  readonly errnoName: string;
  /** What iproute2 prints on standard error for the same failure (without the newline). */
  readonly stderr: string;
  /** The equivalent `ip` command, for messages and for the runner's hints. */
  readonly argv: readonly string[];
  /** The namespace the request was sent in (`null` = the handle's own). */
  readonly netns: string | null;
  /** The kernel's extended-ACK message, when it sent one. */
  readonly kernelMessage?: string;
  /**
   * Set when the request failed because this named namespace is not there: no such file, or a
   * file that is not a namespace (the mount-point file of an interrupted `ip netns add`).
   */
  readonly noNamespace?: string;
}

/**
 * The line iproute2 prints for a netlink error: the kernel's extended-ACK message as
 * `Error: <message>.`, otherwise `RTNETLINK answers: <strerror>`.
 *
 * @example
 * ```ts
 * iproute2Message("File exists"); // "RTNETLINK answers: File exists"
 * iproute2Message("Operation not supported", "Unknown device type"); // "Error: Unknown device type."
 * ```
 */
export function iproute2Message(strerror: string, kernelMessage?: string): string {
  if (kernelMessage !== undefined && kernelMessage !== "") {
    return `Error: ${kernelMessage}${kernelMessage.endsWith(".") ? "" : "."}`;
  }
  return `RTNETLINK answers: ${strerror}`;
}

/**
 * The `UnderlayError` for a failure: `UNSUPPORTED_KERNEL` when a link kind is unknown to the
 * kernel (naming the kind), `EXEC` otherwise; `details` is the {@link NetlinkFailure}.
 *
 * @example
 * ```ts
 * throw netlinkError({ errno: 17, errnoName: "EEXIST", stderr: "RTNETLINK answers: File exists", argv: ["ip", "link", "add", "p0", "type", "bridge"], netns: null });
 * ```
 */
export function netlinkError(failure: NetlinkFailure): UnderlayError {
  const where = failure.netns === null || failure.argv.includes(failure.netns) ? "" : ` (in namespace ${failure.netns})`;
  const typeAt = failure.argv.indexOf("type");
  const kind = typeAt === -1 ? undefined : failure.argv[typeAt + 1];
  const unknownKind = kind !== undefined && failure.errnoName === "EOPNOTSUPP" && failure.argv.join(" ").includes(" link add ");
  const hint = unknownKind ? ` — this kernel has no "${kind}" link kind (load its module or use a kernel built with it)` : "";
  return new UnderlayError(
    unknownKind ? "UNSUPPORTED_KERNEL" : "EXEC",
    `${failure.argv.join(" ")}${where}: ${failure.stderr} [${failure.errnoName} ${failure.errno}]${hint}`,
    { details: failure },
  );
}

/**
 * The {@link NetlinkFailure} carried by an error thrown by the netlink layer, if it is one.
 *
 * @example
 * ```ts
 * netlinkFailureOf(e)?.stderr; // "RTNETLINK answers: File exists"
 * ```
 */
export function netlinkFailureOf(e: unknown): NetlinkFailure | undefined {
  if (!(e instanceof UnderlayError)) return undefined;
  const d = e.details as Partial<NetlinkFailure> | undefined;
  return d !== undefined && d !== null && typeof d.errno === "number" && typeof d.stderr === "string" ? (d as NetlinkFailure) : undefined;
}
