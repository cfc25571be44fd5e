/**
 * Field-level diff of two views (desired vs live), in manifest terms. Built on
 * fast-json-patch's `compare`, then shaped for people: arrays change as a
 * whole, secrets are compared in memory and emitted only as
 * changed/unchanged/unresolved, and live values of env-like maps are hidden
 * (they often hold secrets typed into the UI that the tool never learned).
 */
import fastJsonPatch from "fast-json-patch";
import type { FieldChange, SecretComparison } from "./types.ts";
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

export interface ViewDiff {
  changes: FieldChange[];
  /** Pointers of secrets that could not be resolved (not compared). */
  unresolved: string[];
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

/** Replaces secret slots with comparable stand-ins, recording how each compares. */
function substituteSecrets(
  desired: unknown, live: unknown, secrets: SecretValues, pointer: string, out: Map<string, SecretComparison>,
): unknown {
  if (isSecretSlot(desired)) {
    const value = secrets.get(desired.$secret);
    const liveValue = getAt(live, pointer);
    if (value === undefined) {
      out.set(pointer, "unresolved");
      return liveValue === undefined ? UNRESOLVED : liveValue;
    }
    if ((desired.hashed ? hashSecret(value) : value) === liveValue) {
      out.set(pointer, "unchanged");
      return liveValue;
    }
    out.set(pointer, "changed");
    return CHANGED;
  }
  if (Array.isArray(desired) || desired === null || typeof desired !== "object") return desired;
  // Copy on write: most of a view holds no secret, and copying every view of every
  // pass (with a pointer string per field) was a tenth of a quiet pass's allocations.
  let copy: Record<string, unknown> | undefined;
  const record = desired as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v === null || typeof v !== "object" || Array.isArray(v)) continue;
    const replaced = substituteSecrets(v, live, secrets, `${pointer}/${escapeToken(k)}`, out);
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

/**
 * Diffs desired against live. With no live object (a create), every desired
 * field that is set is reported as an `add`.
 */
export function diffViews(desired: View, live: View | undefined, secrets: SecretValues, fields: DiffFields): ViewDiff {
  const secretPaths = new Map<string, SecretComparison>();
  const liveDoc = live ?? {};
  const desiredDoc = substituteSecrets(desired, liveDoc, secrets, "", secretPaths) as object;
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
      flattenAdds(path, after, secretPaths, changes, fields);
      continue;
    }
    const change: FieldChange = { path, op: before === undefined ? "add" : after === undefined ? "remove" : "replace" };
    const secret = secretPaths.get(path);
    if (secret !== undefined || under(path, fields.secretMaps)) {
      change.secret = secret ?? "changed";
    } else {
      if (before !== undefined) change.before = under(path, fields.hiddenLiveMaps) ? HIDDEN : before;
      if (after !== undefined) change.after = after;
    }
    changes.push(change);
  }
  const unresolved = [...secretPaths].filter(([, c]) => c === "unresolved").map(([p]) => p);
  // Deterministic order for reviewers and tests (compare() walks keys in reverse).
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes: changes.filter((c) => c.secret !== "unchanged"), unresolved };
}

function flattenAdds(path: string, value: unknown, secretPaths: Map<string, SecretComparison>, out: FieldChange[], fields: DiffFields): void {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return;
  const secret = secretPaths.get(path);
  if (secret !== undefined || (under(path, fields.secretMaps) && typeof value !== "object")) {
    out.push({ path, op: "add", secret: secret ?? "changed" });
    return;
  }
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenAdds(`${path}/${escapeToken(k)}`, v, secretPaths, out, fields);
    return;
  }
  out.push({ path, op: "add", after: value });
}
