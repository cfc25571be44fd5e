/**
 * Field-level diff of two views (desired vs live), in manifest terms. Built on
 * fast-json-patch's `compare`, then shaped for people: arrays change as a
 * whole, secrets are compared in memory and emitted only as
 * changed/unchanged/unresolved, and live values of env-like maps are hidden
 * (they often hold secrets typed into the UI that the tool never learned).
 */
import fastJsonPatch from "fast-json-patch";
import { isValueReference, type ValueReference } from "../model/spec.ts";
import type { FieldChange, SecretComparison } from "./types.ts";
import type { ResolvedValue } from "./references.ts";
import { hashSecret, type SecretValues } from "./secrets.ts";
import { isSecretSlot, type View } from "./views.ts";

/** The paths of a kind's view whose values are secret, or whose live values are hidden (a kind module's `fields`). */
export interface DiffFields {
  readonly secretMaps: readonly string[];
  readonly hiddenLiveMaps: readonly string[];
}

const { compare } = fastJsonPatch;

/** Shown instead of a hidden live value. */
export const HIDDEN = "(hidden)";

const CHANGED = "\u0000secret-changed";
const UNRESOLVED = "\u0000secret-unresolved";
const AFTER_APPLY = "\u0000known-after-apply";
const UNRESOLVED_REFERENCE = "\u0000reference-unresolved";

/** Shown for a value that exists only once this apply has created what it references. */
export const KNOWN_AFTER_APPLY = "(known after apply)";
/** Shown for a reference that cannot be resolved (the warnings say why). */
export const UNRESOLVED_SHOWN = "(unresolved reference)";

export interface ViewDiff {
  changes: FieldChange[];
  /** Pointers of secrets that could not be resolved (not compared). */
  unresolved: string[];
  /** References that cannot be resolved, with why (applying the resource would fail). */
  unresolvedRefs: Array<{ pointer: string; reason: string }>;
}

function escapeToken(k: string): string {
  return k.replace(/~/g, "~0").replace(/\//g, "~1");
}

function getAt(obj: unknown, pointer: string): unknown {
  if (pointer === "") return obj;
  let cur: unknown = obj;
  for (const raw of pointer.slice(1).split("/")) {
    const k = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** How a value reference in a desired view resolves (see `plan/references.ts`); absent: no view holds one. */
export type ResolveReference = (value: ValueReference) => ResolvedValue;

/** What the substitution learnt, by pointer: how secrets compare, which values are not known yet. */
interface Slots {
  secrets: Map<string, SecretComparison>;
  pending: Map<string, NonNullable<FieldChange["pending"]>>;
  /** Unresolved references with the reason (a plan warning each). */
  unresolvedRefs: Array<{ pointer: string; reason: string }>;
}

/**
 * A secret's stand-in: the live value when equal (no change), else a marker that differs from anything live.
 * `hashed`: the live side holds the secret's hash (a database password recorded in our marker).
 */
function compareSecret(value: string | undefined, liveValue: unknown, pointer: string, slots: Slots, hashed = false): unknown {
  if (value === undefined) {
    slots.secrets.set(pointer, "unresolved");
    return liveValue === undefined ? UNRESOLVED : liveValue;
  }
  if ((hashed ? hashSecret(value) : value) === liveValue) {
    slots.secrets.set(pointer, "unchanged");
    return liveValue;
  }
  slots.secrets.set(pointer, "changed");
  return CHANGED;
}

/** A value reference's stand-in: its value when known (a secret compared like one), else a pending marker. */
function substituteReference(value: ValueReference, live: unknown, pointer: string, slots: Slots, resolve: ResolveReference | undefined): unknown {
  const r: ResolvedValue = resolve ? resolve(value) : { state: "unresolved", secret: false, reason: "internal error: no reference resolver" };
  const liveValue = getAt(live, pointer);
  if (r.state === "known") return r.secret ? compareSecret(r.value, liveValue, pointer, slots) : r.value;
  if (r.state === "after-apply") {
    slots.pending.set(pointer, "after-apply");
    if (r.secret) slots.secrets.set(pointer, "changed");
    return AFTER_APPLY;
  }
  slots.unresolvedRefs.push({ pointer, reason: r.reason });
  if (r.secret) return compareSecret(undefined, liveValue, pointer, slots);
  slots.pending.set(pointer, "unresolved");
  return liveValue === undefined ? UNRESOLVED_REFERENCE : liveValue;
}

/** Replaces secret slots and value references with comparable stand-ins, recording how each compares. */
function substituteSecrets(desired: unknown, live: unknown, secrets: SecretValues, pointer: string, slots: Slots, resolve: ResolveReference | undefined): unknown {
  if (isSecretSlot(desired)) return compareSecret(secrets.get(desired.$secret), getAt(live, pointer), pointer, slots, desired.hashed === true);
  if (isValueReference(desired)) return substituteReference(desired, live, pointer, slots, resolve);
  if (desired === null || typeof desired !== "object") return desired;
  // Copy on write: most of a view holds no secret, and copying every view of every
  // pass (with a pointer string per field) was a tenth of a quiet pass's allocations.
  if (Array.isArray(desired)) {
    let copy: unknown[] | undefined;
    desired.forEach((v, i) => {
      if (v === null || typeof v !== "object") return;
      const replaced = substituteSecrets(v, live, secrets, `${pointer}/${i}`, slots, resolve);
      if (replaced !== v) (copy ??= [...desired])[i] = replaced;
    });
    return copy ?? desired;
  }
  let copy: Record<string, unknown> | undefined;
  const record = desired as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v === null || typeof v !== "object") continue;
    const replaced = substituteSecrets(v, live, secrets, `${pointer}/${escapeToken(k)}`, slots, resolve);
    if (replaced !== v) {
      copy ??= { ...record };
      copy[k] = replaced;
    }
  }
  return copy ?? desired;
}

/** Moves an op on an array element up to the array itself. */
function arrayRoot(pointer: string, a: unknown, b: unknown): string {
  const parts = pointer.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join("/");
    if (Array.isArray(getAt(a, prefix)) || Array.isArray(getAt(b, prefix))) return prefix;
  }
  return pointer;
}

const under = (path: string, prefixes: readonly string[]): boolean =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

/** The pointers at or under `path` of a slot map (an array's change covers its elements). */
function atOrUnder<T>(map: ReadonlyMap<string, T>, path: string): T | undefined {
  const own = map.get(path);
  if (own !== undefined || map.size === 0) return own;
  for (const [p, v] of map) if (p.startsWith(`${path}/`)) return v;
  return undefined;
}

/** Shows pending markers as people read them (an array keeps its known elements). */
function shown(value: unknown): unknown {
  if (value === AFTER_APPLY) return KNOWN_AFTER_APPLY;
  if (value === UNRESOLVED_REFERENCE) return UNRESOLVED_SHOWN;
  return Array.isArray(value) ? value.map(shown) : value;
}

/**
 * Diffs desired against live. With no live object (a create), every desired
 * field that is set is reported as an `add`. `resolve` evaluates the value
 * references of the desired view.
 */
export function diffViews(desired: View, live: View | undefined, secrets: SecretValues, fields: DiffFields, resolve?: ResolveReference): ViewDiff {
  const slots: Slots = { secrets: new Map(), pending: new Map(), unresolvedRefs: [] };
  const liveDoc = live ?? {};
  const desiredDoc = substituteSecrets(desired, liveDoc, secrets, "", slots, resolve) as object;
  const ops = compare(liveDoc, desiredDoc);
  const seen = new Set<string>();
  const changes: FieldChange[] = [];
  for (const op of ops) {
    if (op.op !== "add" && op.op !== "remove" && op.op !== "replace") continue;
    const path = arrayRoot(op.path, liveDoc, desiredDoc);
    if (seen.has(path)) continue;
    seen.add(path);
    if (live === undefined && path !== op.path) continue;
    const before = getAt(liveDoc, path);
    const after = getAt(desiredDoc, path);
    if (live === undefined) {
      // A create: list the fields that carry a value, skip empty defaults (the label already names it).
      if (path === "/metadata") continue;
      flattenAdds(path, after, slots, changes, fields);
      continue;
    }
    const change: FieldChange = { path, op: before === undefined ? "add" : after === undefined ? "remove" : "replace" };
    const secret = atOrUnder(slots.secrets, path);
    const pending = atOrUnder(slots.pending, path);
    if (secret !== undefined || under(path, fields.secretMaps)) {
      change.secret = secret === "unchanged" && Array.isArray(after) ? "changed" : secret ?? "changed";
    } else {
      if (before !== undefined) change.before = under(path, fields.hiddenLiveMaps) ? HIDDEN : before;
      if (after !== undefined) change.after = shown(after);
    }
    if (pending !== undefined && change.op !== "remove") change.pending = pending;
    changes.push(change);
  }
  const refPointers = new Set(slots.unresolvedRefs.map((r) => r.pointer));
  const unresolved = [...slots.secrets].filter(([p, c]) => c === "unresolved" && !refPointers.has(p)).map(([p]) => p);
  // Deterministic order for reviewers and tests (compare() walks keys in reverse).
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes: changes.filter((c) => c.secret !== "unchanged"), unresolved, unresolvedRefs: slots.unresolvedRefs };
}

function flattenAdds(path: string, value: unknown, slots: Slots, out: FieldChange[], fields: DiffFields): void {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return;
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenAdds(`${path}/${escapeToken(k)}`, v, slots, out, fields);
    return;
  }
  // A leaf, or a list (its elements are one change).
  const secret = atOrUnder(slots.secrets, path);
  const pending = atOrUnder(slots.pending, path);
  if (secret !== undefined || under(path, fields.secretMaps)) {
    out.push({ path, op: "add", secret: secret === "unchanged" ? "changed" : secret ?? "changed", ...(pending ? { pending } : {}) });
    return;
  }
  out.push({ path, op: "add", after: shown(value), ...(pending ? { pending } : {}) });
}
