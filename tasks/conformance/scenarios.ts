/**
 * The conformance scenarios: the documents' macvlan command blocks this kernel can run (macvlan
 * on a plain parent; no 802.1Q and no dummy links here), the questions the documents leave open
 * (which address becomes the gateway with only `--ip-range`, where IPv6 allocation starts, how
 * the MAC is derived, what `--internal` does with a parent), and what must fail and why. Every
 * text uses `eth0` as the parent; the run puts its own link in its place.
 * @module
 */

/** What a scenario expects to fail, and the reason each side must give. */
export interface ExpectedFailure {
  /** The reason in words, for the table. */
  readonly reason: string;
  /** Docker's error must match. */
  readonly docker: RegExp;
  /** underlay's error must match. */
  readonly underlay: RegExp;
}

/** One scenario. */
export interface Scenario {
  /** Short id. */
  readonly id: string;
  /** What it shows, and where it comes from. */
  readonly title: string;
  /** Docker commands (the documents' text, with `eth0` as the parent). */
  readonly text: string;
  /** Set when the scenario must fail. */
  readonly fails?: ExpectedFailure;
  /** Docker commands run before the scenario's own (arguments after `docker`), e.g. to occupy a pool. */
  readonly setup?: readonly (readonly string[])[];
  /** Differences (of the engine dialect) that are known and why: each difference must match one of them. */
  readonly explained?: readonly { readonly match: RegExp; readonly why: string }[];
}

/**
 * The scenarios, in the order of the documents.
 *
 * @example
 * ```ts
 * SCENARIOS.find((s) => s.id === "exhausted-pool")?.fails?.reason; // "pool exhausted"
 * ```
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: "bridge",
    title: "Macvlan bridge mode (pub_net): --ip=172.16.86.10, then an automatic address",
    text: `docker network create -d macvlan \\
    --subnet=172.16.86.0/24 \\
    --gateway=172.16.86.1 \\
    -o parent=eth0 pub_net
docker run --net=pub_net --ip=172.16.86.10 -itd alpine /bin/sh
docker run --net=pub_net -it --rm alpine /bin/sh`,
  },
  {
    id: "aux-address",
    title: "--aux-address=exclude_host=172.16.86.250 (pub_net), two containers",
    text: `docker network create -d macvlan \\
    --subnet=172.16.86.0/24 \\
    --gateway=172.16.86.1 \\
    --aux-address="exclude_host=172.16.86.250" \\
    -o parent=eth0 pub_net
docker run --net=pub_net -itd alpine /bin/sh
docker run --net=pub_net -itd alpine /bin/sh`,
  },
  {
    id: "aux-address-in-range",
    title: "--aux-address inside a small --ip-range: the excluded address is skipped",
    text: `docker network create -d macvlan --subnet=172.16.86.0/24 --gateway=172.16.86.1 --ip-range=172.16.86.248/29 --aux-address="exclude_host=172.16.86.250" -o parent=eth0 pub_net
docker run --net=pub_net -itd alpine /bin/sh
docker run --net=pub_net -itd alpine /bin/sh
docker run --net=pub_net -itd alpine /bin/sh`,
  },
  {
    id: "ip-range",
    title: "--ip-range=192.168.32.128/25 with --gateway=192.168.32.254 (macnet32): allocation from .128",
    text: `docker network create -d macvlan \\
    --subnet=192.168.32.0/24 \\
    --ip-range=192.168.32.128/25 \\
    --gateway=192.168.32.254 \\
    -o parent=eth0 macnet32
docker run --net=macnet32 -it --rm alpine /bin/sh
docker run --net=macnet32 -it --rm alpine /bin/sh`,
  },
  {
    id: "ip-range-no-gateway",
    title: "--ip-range without --gateway: which address becomes the gateway",
    text: `docker network create -d macvlan --subnet=192.168.32.0/24 --ip-range=192.168.32.128/25 -o parent=eth0 macnet32
docker run --net=macnet32 -itd alpine /bin/sh
docker run --net=macnet32 -itd alpine /bin/sh`,
  },
  {
    id: "dual-stack-as-written",
    title: "Dual stack macvlan216 as the documents write it (no --ipv6; on eth0, no VLAN 218 here)",
    text: `docker network create -d macvlan \\
    --subnet=192.168.216.0/24 --subnet=192.168.218.0/24 \\
    --gateway=192.168.216.1 --gateway=192.168.218.1 \\
    --subnet=2001:db8:abc8::/64 --gateway=2001:db8:abc8::10 \\
    -o parent=eth0 \\
    -o macvlan_mode=bridge macvlan216
docker run --net=macvlan216 --name=macnet216_test --ip=192.168.216.10 -itd alpine /bin/sh
docker run --net=macvlan216 --ip=192.168.218.10 -itd alpine /bin/sh
docker run --net=macvlan216 --ip=192.168.216.11 -it --rm alpine /bin/sh`,
  },
  {
    id: "dual-stack-ipv6",
    title: "The same with --ipv6: where IPv6 allocation starts with a gateway ::10",
    text: `docker network create -d macvlan --ipv6 \\
    --subnet=192.168.216.0/24 --subnet=192.168.218.0/24 \\
    --gateway=192.168.216.1 --gateway=192.168.218.1 \\
    --subnet=2001:db8:abc8::/64 --gateway=2001:db8:abc8::10 \\
    -o parent=eth0 \\
    -o macvlan_mode=bridge macvlan216
docker run --net=macvlan216 --ip=192.168.216.10 -itd alpine /bin/sh
docker run --net=macvlan216 --ip6=2001:db8:abc8::33 -itd alpine /bin/sh
docker run --net=macvlan216 -itd alpine /bin/sh`,
  },
  {
    id: "ipv6-default-gateway",
    title: "IPv6 subnet without gateway (and Docker's default IPv4 pool): where IPv6 allocation starts",
    text: `docker network create -d macvlan --ipv6 --subnet=2001:db8:abc2::/64 -o parent=eth0 v6net
docker run --net=v6net -itd alpine /bin/sh
docker run --net=v6net --ip6=2001:db8:abc2::51 -itd alpine /bin/sh`,
    explained: [
      {
        match: /172\.17\.0\.|02:42:ac:11:/,
        why: "this daemon runs with --bridge=none, so docker0's pool 172.17.0.0/16 is free and Docker takes it; a default daemon's docker0 holds it and Docker takes 172.18.0.0/16, as underlay and the documents do (scenario default-pool-with-docker0)",
      },
    ],
  },
  {
    id: "default-pool-with-docker0",
    title: "The same with 172.17.0.0/16 taken, as a default daemon's docker0 takes it",
    setup: [["network", "create", "-d", "bridge", "--subnet=172.17.0.0/16", "-o", "com.docker.network.bridge.enable_ip_masquerade=false", "docker0-pool"]],
    text: `docker network create -d macvlan --ipv6 --subnet=2001:db8:abc2::/64 -o parent=eth0 v6net
docker run --net=v6net -itd alpine /bin/sh
docker run --net=v6net --ip6=2001:db8:abc2::51 -itd alpine /bin/sh`,
  },
  {
    id: "internal-with-parent",
    title: "--internal on a network with a parent (the documents: an isolated dummy parent)",
    text: `docker network create -d macvlan --internal --subnet=10.9.5.0/24 -o parent=eth0 in1
docker run --net=in1 -itd alpine /bin/sh`,
  },
  {
    id: "private-mode",
    title: "-o macvlan_mode=private",
    text: `docker network create -d macvlan --subnet=10.9.7.0/24 -o parent=eth0 -o macvlan_mode=private pv
docker run --net=pv -itd alpine /bin/sh
docker run --net=pv -itd alpine /bin/sh`,
  },
  {
    id: "exhausted-pool",
    title: "A /30 has one address left after the gateway: the second container",
    text: `docker network create -d macvlan --subnet=10.9.0.0/30 -o parent=eth0 tiny
docker run --net=tiny -itd alpine /bin/sh
docker run --net=tiny -itd alpine /bin/sh`,
    fails: { reason: "pool exhausted", docker: /no available IPv4 addresses/, underlay: /pool exhausted: no free IPv4 address/ },
  },
  {
    id: "second-network-on-parent",
    title: "A second network on the same parent",
    text: `docker network create -d macvlan --subnet=10.9.1.0/24 -o parent=eth0 first
docker run --net=first -itd alpine /bin/sh
docker network create -d macvlan --subnet=10.9.2.0/24 -o parent=eth0 second
docker run --net=second -itd alpine /bin/sh`,
    fails: { reason: "parent already used by a network", docker: /is already using parent interface/, underlay: /already carries network "first"/ },
  },
  {
    id: "passthru-second",
    title: "Passthru mode: a second container",
    text: `docker network create -d macvlan --subnet=10.9.3.0/24 -o parent=eth0 -o macvlan_mode=passthru pt
docker run --net=pt -itd alpine /bin/sh
docker run --net=pt -itd alpine /bin/sh`,
    fails: { reason: "passthru takes one container", docker: /failed to create the macvlan port: invalid argument/, underlay: /passthru gives the whole parent to one endpoint/ },
  },
  {
    id: "stray-o",
    title: "The documents' VLAN 60 block as written (`-o parent=eth0.60 -o \\ -o macvlan_mode=bridge`)",
    text: `docker network create -d macvlan \\
    --subnet=192.168.60.0/24 \\
    --gateway=192.168.60.1 \\
    -o parent=eth0.60 -o \\
    -o macvlan_mode=bridge macvlan60
docker run --net=macvlan60 -it --name macvlan_test7 --rm alpine /bin/sh`,
    fails: { reason: "the stray -o takes -o as its value", docker: /requires exactly 1 argument/, underlay: /-o expected a value but received the flag "-o"/ },
  },
  {
    id: "duplicate-name",
    title: "The dual-stack block's two containers named macnet216_test (on eth0)",
    text: `docker network create -d macvlan --subnet=192.168.216.0/24 --subnet=192.168.218.0/24 --gateway=192.168.216.1 --gateway=192.168.218.1 -o parent=eth0 macvlan216
docker run --net=macvlan216 --name=macnet216_test --ip=192.168.216.10 -itd alpine /bin/sh
docker run --net=macvlan216 --name=macnet216_test --ip=192.168.218.10 -itd alpine /bin/sh`,
    fails: { reason: "container name in use", docker: /Conflict\. The container name "\/macnet216_test" is already in use/, underlay: /the name "macnet216_test" is already used/ },
  },
  {
    id: "address-in-use",
    title: "Two running containers asking for one --ip (the documents' ipnet110 4th container, on macvlan)",
    text: `docker network create -d macvlan --subnet=192.168.112.0/24 -o parent=eth0 ipnet110
docker run --net=ipnet110 --ip=192.168.112.50 -itd alpine /bin/sh
docker run --net=ipnet110 --ip=192.168.112.50 -itd alpine /bin/sh`,
    fails: { reason: "address in use", docker: /Address already in use/, underlay: /192\.168\.112\.50 is already given to endpoint/ },
  },
];
