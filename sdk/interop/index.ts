/**
 * `underlay/interop` — Docker and CNI interop: paste `docker network create` / `docker run`
 * lines (or a compose file) and get a lab; export a lab as Docker commands, CNI 1.0 conflists
 * or Multus `NetworkAttachmentDefinition`s.
 *
 * @example
 * ```ts
 * import { fromDocker, toCni, toDocker, toMultus } from "underlay/interop";
 * const demo = fromDocker(`
 *   docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 -o parent=eth0 pub_net
 *   docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh
 *   docker run --net=pub_net -it --rm alpine /bin/sh
 * `, { lab: "mvb", sandbox: true });
 * toCni(demo, "c2"); // macvlan + static IPAM 172.16.86.2/24, default via 172.16.86.1
 * ```
 * @module
 */
import type { LabBuilder } from "../builder/lab.ts";
import { looksLikeCompose, readCompose } from "./compose.ts";
import { scriptToLab, type DockerImport, type DockerImportOptions } from "./docker-lab.ts";
import { readDocker } from "./docker-parse.ts";

export { lexShell, type LexResult, type ShellCommand } from "./docker-lex.ts";
export { parseFlags, NETWORK_CREATE_FLAGS, NETWORK_CONNECT_FLAGS, RUN_FLAGS, type FlagSpec, type FlagTable, type ParsedFlags } from "./docker-flags.ts";
export { parseDocker, readDocker } from "./docker-parse.ts";
export { parseCompose, readCompose, looksLikeCompose } from "./compose.ts";
export { scriptToLab, type DockerImport, type DockerImportOptions } from "./docker-lab.ts";
export type * from "./docker-script.ts";
export { toDocker, type ToDockerOptions } from "./to-docker.ts";
export { toCni, cniAttachments, type CniAttachment, type CniConflist, type CniIpam, type CniPlugin, type CniRange, type CniRoute, type ToCniOptions } from "./to-cni.ts";
export { toMultus, k8sName, type ToMultusOptions } from "./to-multus.ts";
export { labSource, type LabSourceOptions } from "./lab-source.ts";

/**
 * Translates a Docker script or a compose file (detected by its top-level `services:`/`networks:`)
 * and keeps the notes on what was left out.
 *
 * @example
 * ```ts
 * const { lab, notes } = importDocker(readFileSync("docker-compose.yml", "utf8"), { lab: "app" });
 * ```
 */
export function importDocker(text: string, options: DockerImportOptions = {}): DockerImport {
  const { script, issues } = looksLikeCompose(text) ? readCompose(text) : readDocker(text);
  return scriptToLab(script, options, issues);
}

/**
 * A lab from `docker network create` / `docker network connect` / `docker run` lines, or from a
 * compose file. Throws one `UnderlayError("INVALID_SPEC")` listing every problem with its line.
 *
 * @example
 * ```ts
 * const l = fromDocker("docker network create -d ipvlan --subnet=192.168.1.0/24 -o parent=eth0 db_net\ndocker run --net=db_net alpine", { lab: "ipl2" });
 * l.plan().endpoints[0]?.interfaces[0]?.addresses; // ["192.168.1.2/24"]
 * ```
 */
export function fromDocker(text: string, options: DockerImportOptions = {}): LabBuilder {
  return importDocker(text, options).lab;
}
