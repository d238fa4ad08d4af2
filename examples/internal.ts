/**
 * Internal (isolated) networks — the documents' isolated1, isolated2 and isolated3: no parent
 * (or `--internal`) means an isolated dummy parent owned by the lab; no subnet means Docker's
 * default pool 172.18.0.0/16. `--internal` also leaves out the default route.
 *
 *   docker network create -d ipvlan --subnet=192.168.10.0/24 isolated1
 *   docker network create -d ipvlan --subnet=192.168.11.0/24 --internal isolated2
 *   docker network create -d ipvlan isolated3
 *   docker run --net=isolated1 --name=cid1 -it --rm alpine /bin/sh
 *   docker run --net=isolated2 --name=cid2 -it --rm alpine /bin/sh
 *   docker run --net=isolated3 --name=cid3 -it --rm alpine /bin/sh
 *
 *   bun examples/internal.ts   (see --help)
 */
import { lab, net } from "../sdk/index.ts";
import { runExample } from "./_run.ts";

const isolated1 = net.ipvlan("isolated1").subnet("192.168.10.0/24");
const isolated2 = net.ipvlan("isolated2").subnet("192.168.11.0/24").internal();
const isolated3 = net.ipvlan("isolated3");

const demo = lab("iso", { host: "ex-iso", sandbox: true })
  .endpoint("cid1", isolated1)
  .endpoint("cid2", isolated2)
  .endpoint("cid3", isolated3);

await runExample(demo, { name: "internal", title: "internal / isolated ipvlan networks (isolated1-3)", needs: ["ipvlan"] });
