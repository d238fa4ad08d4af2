/**
 * A step as the journal and the teardown list keep it: the op without its fact (enough to undo
 * it), with a signature of its fields and fact so a later run can tell whether the plan still
 * asks for exactly the same.
 * @module
 */
import type { Op } from "../plan/ops/types.ts";

/** An op without its fact: what undoing it needs (a plan op is one, and so is the journal's record of one). */
export type Undoable = Op extends infer T ? (T extends Op ? Omit<T, "fact"> : never) : never;

/**
 * What the journal keeps of a step: the op without its fact (enough to undo it), and a signature
 * of its fields and fact so a later run can tell whether the plan still asks for exactly the same.
 */
export type OwnedStep = Undoable & {
  /** Signature of the step's fields and fact. */
  readonly sig: string;
};

const signatures = new WeakMap<Op, string>();

/**
 * `shortHash(text) + shortHash(`${text.length}:${text}`)` in one pass over `text` (the second
 * hash starts from its prefix): the same 16 hex digits, for half the reads of a step's JSON.
 */
function twoHashes(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x811c9dc5;
  const prefix = `${text.length}:`;
  for (let i = 0; i < prefix.length; i++) b = Math.imul(b ^ prefix.charCodeAt(i), 0x01000193) >>> 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

/** The signature of a step: two 32-bit FNV-1a hashes of its fields and fact (computed once per op object). */
export function stepSignature(op: Op): string {
  let sig = signatures.get(op);
  if (sig === undefined) {
    const { id: _id, phase: _phase, summary: _summary, ...fields } = op;
    sig = twoHashes(JSON.stringify(fields));
    signatures.set(op, sig);
  }
  return sig;
}

/**
 * The journal form of a step: the op without its fact. Intents go without the signature
 * (`sig: ""`): it is only trusted from a compacted journal, which {@link Journal.compact} writes
 * with signatures.
 */
export function ownedStep(op: Op, signed = true): OwnedStep {
  const { fact: _fact, ...rest } = op;
  return { ...rest, sig: signed ? stepSignature(op) : "" } as OwnedStep;
}

/**
 * The namespace a step creates, or `null`.
 *
 * @example
 * ```ts
 * createdNamespace(netnsAdd("demo-web", 3, false)); // "demo-web"
 * ```
 */
export function createdNamespace(step: Undoable): string | null {
  return step.kind === "netns-add" ? step.name : null;
}

