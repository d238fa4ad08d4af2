/**
 * Vitest global setup: as root, install the Debian packages the real-kernel tests need
 * (iproute2, util-linux, iputils-ping, procps) so a fresh machine runs them without a hand step.
 */
import { ensureDebianPackages, RUNTIME_PACKAGES } from "../../tasks/setup/debian-packages.ts";

export default function setup(): void {
  if (typeof process.getuid === "function" && process.getuid() === 0) ensureDebianPackages(RUNTIME_PACKAGES);
}
