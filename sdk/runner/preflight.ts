/**
 * Preflight: everything that can be known before the first change, reported at once with
 * what to do next — root, iproute2, kernel link kinds, parents, MTUs, names that exist and are
 * not ours, ipvlan L3 subnets overlapping the parent's own, macvlan/ipvlan mixes on a parent.
 * @module
 */
import { UnderlayError, type Issue } from "../errors.ts";
import { cidrTextsOverlap } from "../lib/address.ts";
import type { Executor } from "../executor/types.ts";
import { parseVlanParent } from "../spec/names.ts";
import type { Op, PlanData } from "../plan/types.ts";
import { canonicalDst } from "../lib/canonical.ts";
import type { LiveState } from "../state/types.ts";
import { requireKinds, type Capabilities, type LinkKind } from "./capabilities.ts";
import { listedButAbsent, type Convergence } from "./converge.ts";
import type { Ownership } from "./journal.ts";

/** Link kinds a plan's ops need. */
export function neededKinds(plan: PlanData): Set<LinkKind> {
  const kinds = new Set<LinkKind>();
  for (const op of plan.ops) {
    if (op.fact.type === "link") kinds.add(op.fact.kind as LinkKind);
  }
  return kinds;
}

/**
 * Checks the plan against the machine; throws `PREFLIGHT` (or `UNSUPPORTED_KERNEL`) listing every
 * problem. `state` must hold the host namespace and the list of named namespaces.
 */
export function preflight(executor: Executor, caps: Capabilities, plan: PlanData, state: LiveState, conv: Convergence, owned: Ownership): void {
  if (executor.name === "local" && typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new UnderlayError("PREFLIGHT", "underlay needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create namespaces and links — run with sudo");
  }
  requireKinds(caps, neededKinds(plan));
  const problems: Issue[] = [];
  const host = state.namespaces.get(plan.host);
  const hostLinks = new Map((host?.links ?? []).map((l) => [l.name, l]));
  const willCreate = new Set(conv.run.filter((o) => o.fact.type === "link" && o.fact.netns === plan.host).map((o) => (o.fact.type === "link" ? o.fact.name : "")));
  const ownedIds = new Set(owned.ops.map((e) => e.op.id));

  for (const n of plan.networks) {
    const path = `networks.${n.name}.parent`;
    if (n.parentSource === "existing") {
      const p = hostLinks.get(n.parent);
      if (p === undefined) {
        problems.push({ path, message: `parent ${n.parent} does not exist${plan.host === null ? "" : ` in namespace ${plan.host}`} — create it, pick another with .parent(), or use sandbox mode` });
        continue;
      }
      if (n.mtu !== null && n.mtu > p.mtu) problems.push({ path: `networks.${n.name}.mtu`, message: `MTU ${n.mtu} is above the parent ${n.parent}'s MTU ${p.mtu} — lower .mtu() or raise the parent's` });
    }
    if (n.parentSource === "vlan") {
      const v = parseVlanParent(n.parent);
      if (v !== null && !hostLinks.has(v.base) && !willCreate.has(v.base)) {
        problems.push({ path, message: `VLAN base interface ${v.base} (of ${n.parent}) does not exist — create it or use sandbox mode` });
      }
      const existing = hostLinks.get(n.parent);
      if (existing !== undefined && existing.kind !== null && existing.kind !== "vlan") {
        problems.push({ path, message: `${n.parent} exists but is a ${existing.kind} link, not a VLAN sub-interface — rename it or pick another parent` });
      } else if (existing?.vlanId !== undefined && v !== null && existing.vlanId !== v.vid) {
        problems.push({ path, message: `${n.parent} exists with VLAN id ${existing.vlanId}, not ${v.vid} — fix the link or the name` });
      }
    }
    const parentIndex = hostLinks.get(n.parent)?.ifindex;
    if (parentIndex !== undefined) {
      const other = n.driver === "macvlan" ? "ipvlan" : "macvlan";
      const child = (host?.links ?? []).find((l) => l.kind === other && l.parentIndex === parentIndex && l.parent === n.parent);
      if (child !== undefined) problems.push({ path, message: `parent ${n.parent} already carries ${other} link ${child.name}; ${n.driver} and ${other} cannot share a parent ("device busy") — use a VLAN sub-interface or another parent` });
    }
    if (n.driver === "ipvlan" && (n.mode === "l3" || n.mode === "l3s")) {
      for (const a of host?.addrs.filter((x) => x.dev === n.parent) ?? []) {
        for (const s of n.subnets) {
          if (cidrTextsOverlap(s.cidr, a.cidr)) {
            problems.push({ path: `networks.${n.name}.subnets`, message: `ipvlan ${n.mode} subnet ${s.cidr} overlaps the parent ${n.parent}'s own address ${a.cidr}; L3 mode routes, so container subnets must differ from the parent's — pick another subnet or use l2` });
          }
        }
      }
    }
  }

  for (const op of plan.ops) {
    if (op.kind === "netns-add" && !op.ensure && state.netns.has(op.name) && !ownedIds.has(op.id)) {
      // Listed but read as absent: a mount-point file some interrupted `ip netns add` left, no namespace.
      const what = listedButAbsent(state, op.name) ? `namespace ${op.name} is listed but is a file, not a namespace (left by an interrupted \`ip netns add\`?), and is not this lab's — remove it (\`ip netns del ${op.name}\`)` : `namespace ${op.name} already exists and is not this lab's — delete it`;
      problems.push({ path: op.id, message: `${what} or rename the endpoint/lab` });
    }
    if (op.kind === "route-add" && op.netns === plan.host && !ownedIds.has(op.id) && conv.run.includes(op)) {
      // `replace` would overwrite someone else's route, and `down` would then delete it: refuse.
      const dst = canonicalDst(op.dst);
      const theirs = (host?.routes ?? []).find((r) => r.family === op.family && canonicalDst(r.dst) === dst);
      if (theirs !== undefined) {
        problems.push({
          path: op.id,
          message: `a route to ${op.dst} already exists${plan.host === null ? "" : ` in namespace ${plan.host}`} (${theirs.via === undefined ? "" : `via ${theirs.via} `}dev ${theirs.dev ?? "?"}) and is not this lab's — underlay would replace it and delete it on down; remove it, or give the lab an address that needs no such route`,
        });
      }
    }
    if ((op.kind === "parent-add" || op.kind === "shim-add") && op.fact.type === "link" && hostLinks.has(op.fact.name)) {
      // Ours if it carries the mark, or if the journal says this lab created it (an up that died
      // between creating and marking it).
      const l = hostLinks.get(op.fact.name);
      if (l?.alias !== plan.mark && !ownedIds.has(op.id)) problems.push({ path: op.id, message: `link ${op.fact.name} already exists and is not this lab's — rename or remove it` });
    }
  }
  if (problems.length > 0) {
    throw new UnderlayError("PREFLIGHT", `preflight failed for lab ${plan.lab} — nothing was changed:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`, { issues: problems });
  }
}

/** Ops of a plan that live in the host namespace (for observing it). */
export function hostOps(plan: PlanData): Op[] {
  return plan.ops.filter((o) => o.netns === plan.host);
}
