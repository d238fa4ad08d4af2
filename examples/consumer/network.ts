/**
 * The network every test of this suite gets: two endpoints, `web` and `cli`, on a sandboxed
 * macvlan network — its own host namespace with a stand-in `eth0`, so parallel tests with the
 * same addresses never meet — and the programs the tests run in them.
 */
import { fileURLToPath } from "node:url";
import { net } from "underlay";
import { sandboxLab } from "underlay/testing";

export const pub = net.macvlan("pub").parent("eth0").subnet("10.50.0.0/24");

/** The lab of a test, under the unique name the fixture gives it. */
export const twoEndpoints = (name: string) => sandboxLab(name).endpoint("web", pub, { ip: "10.50.0.10" }).endpoint("cli", pub);

/** `<this runtime> programs/<file> …args`: node under vitest, bun under `bun test`. */
export function program(file: string, ...args: string[]): string[] {
  return [process.execPath, fileURLToPath(new URL(`./programs/${file}`, import.meta.url)), ...args];
}
