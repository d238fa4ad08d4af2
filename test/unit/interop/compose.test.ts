/**
 * docker-compose.yml networks: the same lab as the equivalent `docker` lines, and problems
 * reported with their YAML line.
 */
import { describe, expect, it } from "vitest";
import { fromDocker, looksLikeCompose, parseCompose } from "../../../sdk/interop/index.ts";
import { thrown } from "../../support/errors.ts";

const compose = `
name: demo
networks:
  pub_net:
    driver: macvlan
    driver_opts:
      parent: eth0.50
      macvlan_mode: bridge
    enable_ipv6: true
    ipam:
      config:
        - subnet: 192.168.50.0/24
          gateway: 192.168.50.1
          ip_range: 192.168.50.128/25
          aux_addresses:
            host: 192.168.50.250
        - subnet: 2001:db8:abc8::/64
          gateway: 2001:db8:abc8::10
services:
  web:
    image: alpine
    command: sleep infinity
    networks:
      pub_net:
        ipv4_address: 192.168.50.10
  db:
    image: alpine
    container_name: database
    networks: [pub_net]
`;

const lines = `
docker network create -d macvlan --ipv6 \\
  --subnet=192.168.50.0/24 --gateway=192.168.50.1 --ip-range=192.168.50.128/25 --aux-address=host=192.168.50.250 \\
  --subnet=2001:db8:abc8::/64 --gateway=2001:db8:abc8::10 \\
  -o parent=eth0.50 -o macvlan_mode=bridge pub_net
docker run -d --name=web --net=pub_net --ip=192.168.50.10 alpine sleep infinity
docker run -d --name=database --net=pub_net alpine
`;

describe("compose files", () => {
  it("a compose file and the equivalent docker lines plan byte-identically", () => {
    expect(looksLikeCompose(compose)).toBe(true);
    expect(looksLikeCompose(lines)).toBe(false);
    const a = fromDocker(compose, { lab: "app", sandbox: true }).plan().toJSON();
    const b = fromDocker(lines, { lab: "app", sandbox: true }).plan().toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.endpoints.map((e) => [e.name, e.interfaces[0]?.addresses])).toEqual([
      ["web", ["192.168.50.10/24", "2001:db8:abc8::1/64"]],
      ["database", ["192.168.50.128/24", "2001:db8:abc8::2/64"]],
    ]);
  });

  it("reports what would change the network but has no translation, each with its line", () => {
    const e = thrown(() =>
      parseCompose(`services:
  web:
    image: alpine
    ports: ["80:80"]
    networks:
      pub:
        aliases: [www]
      missing: {}
  lonely:
    image: alpine
networks:
  pub:
    driver: macvlan
    attachable: true
    driver_opts: { parent: eth0, mtu: "9000" }
  br: {}
`),
    );
    expect(e.code).toBe("INVALID_SPEC");
    expect(e.issues.map((i) => `${i.path}: ${i.message.split(" — ")[0]}`)).toEqual([
      "line 14: networks.pub.attachable: expected driver, driver_opts, enable_ipv6, internal or ipam but received attachable",
      "line 15: networks.pub.driver_opts.mtu: expected parent, macvlan_mode, ipvlan_mode or ipvlan_flag but received mtu",
      'line 16: networks.br: expected driver: macvlan or ipvlan but received "bridge" (compose\'s default)',
      "line 4: services.web.ports: expected no ports but received one",
      "line 6: services.web.networks.pub.aliases: expected ipv4_address or ipv6_address but received aliases",
      'line 8: services.web.networks.missing: expected a network declared under the top-level networks: but "missing" is not',
      "line 9: services.lonely: expected networks: but received none",
    ]);
  });

  it("invalid YAML is one INVALID_SPEC with the line", () => {
    const e = thrown(() => parseCompose("networks:\n  a: [\n"));
    expect(e.issues[0]?.path).toMatch(/^line \d+$/);
  });
});
