/**
 * The demo lab (README quick start): a sandbox host namespace `demo-host` holding a stand-in
 * `eth0`; a macvlan bridge network `pub` on it (192.168.50.0/24) with three endpoints — `web`
 * at the static 192.168.50.10, `app` and `db` from the pool — and an internal network `back`
 * (isolated parent, no default route) between `app` and `db`. Nothing leaves the sandbox.
 *
 * @example
 * ```sh
 * underlay plan tasks/demo-lab.ts && underlay up tasks/demo-lab.ts && underlay check tasks/demo-lab.ts
 * ```
 * @module
 */
import { lab, net } from "../sdk/index.ts";

/** The public network: macvlan bridge mode on `eth0` (a stand-in inside the sandbox). */
export const pub = net.macvlan("pub").mode("bridge").parent("eth0").subnet("192.168.50.0/24");

/** The internal network between app and db: isolated parent, no gateway route. */
export const back = net.macvlan("back").internal().subnet("10.50.0.0/24");

/** The demo lab. */
const demo = lab("demo", { host: "demo-host", sandbox: true })
  .endpoint("web", pub, { ip: "192.168.50.10" })
  .endpoint("app", pub)
  .endpoint("db", pub)
  .endpoint("app", back)
  .endpoint("db", back);

export default demo;
