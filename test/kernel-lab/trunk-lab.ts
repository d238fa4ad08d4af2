/**
 * The 802.1Q trunk lab of the kernel-lab scenarios 4 (trunk) and 8 (rollback at every step):
 * the documents' macvlan trunk (VLANs 50 and 60 on `eth0`) and ipvlan trunk (VLANs 20 and 30),
 * the latter on a second base `eth1`, since macvlan and ipvlan links cannot share a parent.
 *
 * ```ts
 * const l = trunkLab("s4"); // sandbox: host namespace s4-h, endpoints s4-t1 … s4-t8
 * const m = trunkLab("s8n", { sandbox: false }); // on s8n-h with eth0 and eth1 made by hand
 * ```
 */
import { lab, net, type LabBuilder } from "../../sdk/index.ts";

/**
 * Two endpoints on each of `eth1.20`, `eth1.30` (ipvlan L2) and `eth0.50`, `eth0.60` (macvlan
 * bridge), with the host namespace `<name>-h`: a sandbox (the lab makes the namespace and the
 * stand-ins `eth0`, `eth1`) unless `sandbox: false` (then they must exist).
 */
export function trunkLab(name: string, options: { readonly sandbox?: boolean } = {}): LabBuilder {
  // docker network create -d ipvlan --subnet=192.168.20.0/24 --gateway=192.168.20.1 -o parent=eth0.20 ipvlan20 (here eth1.20), …
  const ipvlan20 = net.ipvlan("ipvlan20").parent("eth1.20").subnet("192.168.20.0/24", { gateway: "192.168.20.1" });
  const ipvlan30 = net.ipvlan("ipvlan30").parent("eth1.30").mode("l2").subnet("192.168.30.0/24", { gateway: "192.168.30.1" });
  // docker network create -d macvlan --subnet=192.168.50.0/24 --gateway=192.168.50.1 -o parent=eth0.50 macvlan50, …
  const macvlan50 = net.macvlan("macvlan50").parent("eth0.50").subnet("192.168.50.0/24", { gateway: "192.168.50.1" });
  const macvlan60 = net.macvlan("macvlan60").parent("eth0.60").mode("bridge").subnet("192.168.60.0/24", { gateway: "192.168.60.1" });
  return lab(name, { host: `${name}-h`, sandbox: options.sandbox ?? true })
    .endpoint("t1", ipvlan20)
    .endpoint("t2", ipvlan20)
    .endpoint("t3", ipvlan30)
    .endpoint("t4", ipvlan30)
    .endpoint("t5", macvlan50)
    .endpoint("t6", macvlan50)
    .endpoint("t7", macvlan60)
    .endpoint("t8", macvlan60);
}
