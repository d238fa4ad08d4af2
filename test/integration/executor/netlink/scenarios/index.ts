/** The driver's scenarios by name. */
import { addrRoute } from "./addr-route.ts";
import type { Scenario } from "./common.ts";
import { dump } from "./dump.ts";
import { errors } from "./errors.ts";
import { cleanup, links } from "./links.ts";
import { cycles, netnsAdd } from "./netns.ts";
import { threadCheck } from "./thread-check.ts";

export const SCENARIOS: Readonly<Record<string, Scenario>> = { links, cleanup, "addr-route": addrRoute, "netns-add": netnsAdd, cycles, dump, errors, "thread-check": threadCheck };
