/**
 * The plan as a versioned JSON document: what `plan --output json` prints,
 * what `plan --out FILE` writes and what `comment --plan-file FILE` reads back.
 * Scripts depend on it, so the shape is explicit and stable (fixed key order,
 * `formatVersion`), and the loaded manifests are replaced by their source
 * position (`file:line`): a plan file carries what reviewers need, not the
 * manifests themselves. Reading a file validates every field it relies on,
 * and a bad file gets an error naming the field and what was expected.
 */
import type { Action, FieldChange, GuardRefusal, Plan, PlanStep, StepReference } from "./types.ts";
import { ACTIONS } from "./types.ts";
import type { Redactor } from "../util/redact.ts";
import type { Marker } from "../model/marker.ts";
import type { Kind, ResourceIdentity } from "../model/resource.ts";
import { KINDS } from "../kinds/registry.ts";
import { actionCounts, redactorOrEmpty, stepSource, type PlanStepWithSource } from "./render-shared.ts";

/** The version of the JSON plan format this build writes and reads. Bump on any incompatible change. */
export const PLAN_FORMAT_VERSION = 1;

/** A plan file that cannot be read: the message names the field (JSON pointer) and what was expected. */
export class PlanFormatError extends Error {
  override readonly name = "PlanFormatError";
}

function stepJson(step: PlanStep): Record<string, unknown> {
  const out: Record<string, unknown> = {
    key: step.key,
    kind: step.kind,
    identity: identityJson(step.identity),
    action: step.action,
  };
  if (step.dokployId !== undefined) out.dokployId = step.dokployId;
  const source = stepSource(step);
  if (source !== undefined) out.source = source;
  out.changes = step.changes.map(changeJson);
  out.reasons = [...step.reasons];
  out.deploy = step.deploy;
  if (step.lifecycle !== undefined) out.lifecycle = step.lifecycle;
  if (step.marker !== undefined) out.marker = step.marker;
  out.markerWrite = step.markerWrite;
  if (step.unmanaged) out.unmanaged = true;
  out.dependsOn = [...step.dependsOn];
  if (step.parentKey !== undefined) out.parentKey = step.parentKey;
  if (step.parentDokployId !== undefined) out.parentDokployId = step.parentDokployId;
  if (step.references !== undefined) out.references = step.references.map(referenceJson);
  return out;
}

/** A step's reference: target and field; the value only when known and not secret (a secret's never, even if a bug put it there). */
function referenceJson(r: StepReference): Record<string, unknown> {
  return { target: r.target, field: r.field, secret: r.secret, ...(r.value !== undefined && !r.secret ? { value: r.value } : {}) };
}

function identityJson(id: ResourceIdentity): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: id.kind, project: id.project };
  if (id.environment !== undefined) out.environment = id.environment;
  if (id.application !== undefined) out.application = id.application;
  if (id.compose !== undefined) out.compose = id.compose;
  if (id.database !== undefined) out.database = { ...id.database };
  out.name = id.name;
  return out;
}

function changeJson(c: FieldChange): Record<string, unknown> {
  const out: Record<string, unknown> = { path: c.path, op: c.op };
  // A secret field never carries values, even if a bug put them there.
  if (c.secret !== undefined) out.secret = c.secret;
  else {
    if (c.op !== "add" && "before" in c) out.before = c.before;
    if (c.op !== "remove" && "after" in c) out.after = c.after;
  }
  if (c.pending !== undefined) out.pending = c.pending;
  return out;
}

/** Serialises a plan (pretty-printed, trailing newline), every string passed through the redactor. */
export function renderPlanJson(plan: Plan, options: { redactor?: Redactor } = {}): string {
  const doc: Record<string, unknown> = { formatVersion: PLAN_FORMAT_VERSION, instance: plan.instance };
  if (plan.revision !== undefined) doc.revision = plan.revision;
  doc.summary = { counts: Object.fromEntries(ACTIONS.map((a) => [a, actionCounts(plan)[a]])), changes: plan.summary.changes };
  doc.refusals = plan.refusals.map((r) => ({ guard: r.guard, message: r.message }));
  doc.warnings = [...plan.warnings];
  if (plan.apiCalls !== undefined) doc.apiCalls = plan.apiCalls;
  doc.steps = plan.steps.map(stepJson);
  return JSON.stringify(redactorOrEmpty(options.redactor).redactValue(doc), null, 2) + "\n";
}

// ---- reading ----

type Obj = Record<string, unknown>;

function fail(pointer: string, expected: string, got: unknown): never {
  const shown = got === undefined ? "nothing" : JSON.stringify(got)?.slice(0, 80) ?? String(got);
  throw new PlanFormatError(`plan file: ${pointer || "/"}: expected ${expected}, got ${shown}`);
}

function obj(v: unknown, p: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
  return v as Obj;
}
function str(v: unknown, p: string): string {
  if (typeof v !== "string") fail(p, "a string", v);
  return v;
}
function optStr(v: unknown, p: string): string | undefined {
  return v === undefined ? undefined : str(v, p);
}
function bool(v: unknown, p: string): boolean {
  if (typeof v !== "boolean") fail(p, "true or false", v);
  return v;
}
function count(v: unknown, p: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(p, "a non-negative integer", v);
  return v;
}
function arr(v: unknown, p: string): unknown[] {
  if (!Array.isArray(v)) fail(p, "an array", v);
  return v;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], p: string): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) fail(p, `one of ${allowed.join(", ")}`, v);
  return v as T;
}

function readIdentity(v: unknown, p: string): ResourceIdentity {
  const o = obj(v, p);
  const id: ResourceIdentity = { kind: oneOf<Kind>(o.kind, KINDS, `${p}/kind`), project: str(o.project, `${p}/project`), name: str(o.name, `${p}/name`) };
  const env = optStr(o.environment, `${p}/environment`);
  if (env !== undefined) id.environment = env;
  const app = optStr(o.application, `${p}/application`);
  if (app !== undefined) id.application = app;
  const compose = optStr(o.compose, `${p}/compose`);
  if (compose !== undefined) id.compose = compose;
  if (o.database !== undefined) {
    const d = obj(o.database, `${p}/database`);
    id.database = { kind: oneOf<Kind>(d.kind, KINDS, `${p}/database/kind`), name: str(d.name, `${p}/database/name`) };
  }
  return id;
}

function readChange(v: unknown, p: string): FieldChange {
  const o = obj(v, p);
  const change: FieldChange = { path: str(o.path, `${p}/path`), op: oneOf(o.op, ["add", "remove", "replace"] as const, `${p}/op`) };
  if (o.pending !== undefined) change.pending = oneOf(o.pending, ["after-apply", "unresolved"] as const, `${p}/pending`);
  if (o.secret !== undefined) {
    change.secret = oneOf(o.secret, ["changed", "unchanged", "unresolved"] as const, `${p}/secret`);
    return change; // values of a secret field are dropped, never trusted from a file
  }
  if ("before" in o) change.before = o.before;
  if ("after" in o) change.after = o.after;
  return change;
}

function readMarker(v: unknown, p: string): Marker {
  const o = obj(v, p);
  if (o.v !== 1) fail(`${p}/v`, "1", o.v);
  return o as unknown as Marker;
}

function readStep(v: unknown, p: string): PlanStepWithSource {
  const o = obj(v, p);
  const step: PlanStepWithSource = {
    key: str(o.key, `${p}/key`),
    kind: oneOf<Kind>(o.kind, KINDS, `${p}/kind`),
    identity: readIdentity(o.identity, `${p}/identity`),
    action: oneOf<Action>(o.action, ACTIONS, `${p}/action`),
    changes: arr(o.changes, `${p}/changes`).map((c, i) => readChange(c, `${p}/changes/${i}`)),
    reasons: arr(o.reasons, `${p}/reasons`).map((r, i) => str(r, `${p}/reasons/${i}`)),
    deploy: bool(o.deploy, `${p}/deploy`),
    markerWrite: bool(o.markerWrite, `${p}/markerWrite`),
    dependsOn: arr(o.dependsOn ?? [], `${p}/dependsOn`).map((d, i) => str(d, `${p}/dependsOn/${i}`)),
  };
  const dokployId = optStr(o.dokployId, `${p}/dokployId`);
  if (dokployId !== undefined) step.dokployId = dokployId;
  const source = optStr(o.source, `${p}/source`);
  if (source !== undefined) step.source = source;
  if (o.lifecycle !== undefined) step.lifecycle = oneOf(o.lifecycle, ["start", "stop"] as const, `${p}/lifecycle`);
  if (o.marker !== undefined) step.marker = readMarker(o.marker, `${p}/marker`);
  if (o.unmanaged === true) step.unmanaged = true;
  const parentKey = optStr(o.parentKey, `${p}/parentKey`);
  if (parentKey !== undefined) step.parentKey = parentKey;
  const parentDokployId = optStr(o.parentDokployId, `${p}/parentDokployId`);
  if (parentDokployId !== undefined) step.parentDokployId = parentDokployId;
  if (step.identity.kind !== step.kind) fail(`${p}/identity/kind`, `"${step.kind}" (the step's kind)`, step.identity.kind);
  return step;
}

function readRefusal(v: unknown, p: string): GuardRefusal {
  const o = obj(v, p);
  return { guard: oneOf(o.guard, ["empty-revision", "max-deletions"] as const, `${p}/guard`), message: str(o.message, `${p}/message`) };
}

/**
 * Reads a plan written by {@link renderPlanJson}. Throws {@link PlanFormatError}
 * for text that is not JSON, another `formatVersion`, or a field of the wrong
 * shape. Steps come back without `manifest` (they carry `source` instead).
 */
export function parsePlanJson(text: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PlanFormatError(`plan file: not valid JSON (${(err as Error).message}); expected the output of \`dokploy-gitops plan --output json\``);
  }
  const o = obj(raw, "");
  if (o.formatVersion !== PLAN_FORMAT_VERSION) {
    if (o.formatVersion === undefined) fail("/formatVersion", `${PLAN_FORMAT_VERSION} (is this a dokploy-gitops plan file?)`, undefined);
    throw new PlanFormatError(
      `plan file: /formatVersion: this dokploy-gitops reads format ${PLAN_FORMAT_VERSION}, the file has ${JSON.stringify(o.formatVersion)}; render the plan again with this version`,
    );
  }
  const steps = arr(o.steps, "/steps").map((s, i) => readStep(s, `/steps/${i}`));
  const summary = obj(o.summary, "/summary");
  const rawCounts = obj(summary.counts, "/summary/counts");
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, count(rawCounts[a] ?? 0, `/summary/counts/${a}`)])) as Record<Action, number>;
  const plan: Plan = {
    instance: str(o.instance, "/instance"),
    steps,
    summary: { counts, changes: count(summary.changes, "/summary/changes") },
    refusals: arr(o.refusals ?? [], "/refusals").map((r, i) => readRefusal(r, `/refusals/${i}`)),
    warnings: arr(o.warnings ?? [], "/warnings").map((w, i) => str(w, `/warnings/${i}`)),
  };
  const revision = optStr(o.revision, "/revision");
  if (revision !== undefined) plan.revision = revision;
  if (o.apiCalls !== undefined) plan.apiCalls = count(o.apiCalls, "/apiCalls");
  return plan;
}
