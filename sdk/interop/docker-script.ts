/**
 * The plain-data form of a Docker script (`docker network create` / `docker run` / `docker
 * network connect` lines, or a compose file's `networks:`): what {@link parseDocker} and
 * {@link parseCompose} produce and {@link scriptToLab} turns into a lab.
 * @module
 */

/** One `--subnet` with what Docker pairs to it (by containment, as the Docker CLI does). */
export interface DockerSubnet {
  /** `--subnet`, e.g. `172.16.86.0/24`. */
  readonly cidr: string;
  /** The `--gateway` inside this subnet, if any. */
  readonly gateway?: string;
  /** The `--ip-range` inside this subnet, if any. */
  readonly ipRange?: string;
  /** `--aux-address name=ip` entries inside this subnet, in the order given. */
  readonly aux: Readonly<Record<string, string>>;
}

/** One `docker network create -d macvlan|ipvlan …`. */
export interface DockerNetwork {
  /** Network name. */
  readonly name: string;
  /** `macvlan` or `ipvlan`. */
  readonly driver: "macvlan" | "ipvlan";
  /** Subnets in the order given. */
  readonly subnets: readonly DockerSubnet[];
  /** `--ipv6` (or compose `enable_ipv6: true`). */
  readonly ipv6: boolean;
  /** `--internal`. */
  readonly internal: boolean;
  /** `-o parent=` (absent or empty: Docker's isolated dummy parent). */
  readonly parent?: string;
  /** `-o macvlan_mode=`. */
  readonly macvlanMode?: string;
  /** `-o ipvlan_mode=`. */
  readonly ipvlanMode?: string;
  /** `-o ipvlan_flag=`. */
  readonly ipvlanFlag?: string;
  /** Line (or compose path) where the network is defined. */
  readonly where: string;
}

/** A container's attachment to one network (`docker run --net` or `docker network connect`). */
export interface DockerAttachment {
  /** Network name. */
  readonly network: string;
  /** `--ip` (or compose `ipv4_address`). */
  readonly ip?: string;
  /** `--ip6` (or compose `ipv6_address`). */
  readonly ip6?: string;
  /** Where it was written. */
  readonly where: string;
}

/** One container (`docker run`) or compose service. */
export interface DockerContainer {
  /** `--name`, or the stable name given to an unnamed container (`c<k>`, k = its position, 1-based). */
  readonly name: string;
  /** Whether the name was given (`--name`, `container_name`, the service name). */
  readonly named: boolean;
  /** `--mac-address` (macvlan only). */
  readonly mac?: string;
  /** Attachments in order: the `--net` of `docker run`, then each `docker network connect`. */
  readonly attachments: readonly DockerAttachment[];
  /** Where the container is started. */
  readonly where: string;
}

/** A line that is not a Docker command this module translates and changes nothing (`ping`, `docker exec`, `ip route`…). */
export interface SkippedLine {
  /** Where it is. */
  readonly where: string;
  /** The command as words joined by spaces. */
  readonly text: string;
}

/**
 * A whole script.
 *
 * @example
 * ```ts
 * const script: DockerScript = parseDocker("docker network create -d macvlan -o parent=eth0 n\ndocker run --net=n alpine");
 * script.containers[0]?.name; // "c1"
 * ```
 */
export interface DockerScript {
  /** Networks in creation order. */
  readonly networks: readonly DockerNetwork[];
  /** Containers in start order. */
  readonly containers: readonly DockerContainer[];
  /** Commands left out because they change no network (reported, never silently dropped). */
  readonly skipped: readonly SkippedLine[];
}
