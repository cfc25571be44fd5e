/**
 * Resolving value references when applying, right before a step's executor
 * builds its payloads: the step gets a copy of its manifest whose references
 * are replaced by their values, so a kind's executor never sees one (and a
 * new kind needs nothing to support them). Values come from, in order: the
 * referenced manifest (fields it decides), what this apply learnt of the
 * referenced object (a create's answer carries the appName Dokploy chose),
 * the value the plan read, or a re-read of the object. A secret is resolved
 * here and only here, and registered with the redactor.
 */
import type { AnyManifest } from "../model/manifest.ts";
import { resourceLabel } from "../model/resource.ts";
import { escapeToken, hasValueReferences, renderFormat } from "../model/references.ts";
import { isReference, isSecretRef, isValueReference, type Reference, type SecretRef, type ValueReference } from "../model/spec.ts";
import { kindModule, serviceModule } from "../kinds/registry.ts";
import { referenceTarget, referenceableFields } from "../kinds/reference-targets.ts";
import { describeSecretRef } from "../plan/secrets.ts";
import type { Plan, PlanStep } from "../plan/types.ts";
import type { ApplyContext } from "./context.ts";
import { UnresolvedSecretError } from "./payloads.ts";

/** Thrown when a reference has no value at apply time (terminal: the next commit or pass must change something). */
export class UnresolvedReferenceError extends Error {
  override readonly name = "UnresolvedReferenceError";
}

/** `step` with every value reference of its manifest replaced by its value (the same step when it has none). */
export async function withResolvedReferences(ctx: ApplyContext, step: PlanStep): Promise<PlanStep> {
  const m = step.manifest;
  if (!m || !hasValueReferences(m.spec)) return step;
  const spec = await substitute(m.spec, "/spec", (value, pointer) => evaluate(ctx, step, m, value, pointer));
  return { ...step, manifest: { ...m, spec } as AnyManifest };
}

async function substitute(v: unknown, pointer: string, resolve: (value: ValueReference, pointer: string) => Promise<string>): Promise<unknown> {
  if (isValueReference(v)) return resolve(v, pointer);
  if (Array.isArray(v)) return Promise.all(v.map((x, i) => substitute(x, `${pointer}/${i}`, resolve)));
  if (typeof v !== "object" || v === null || isSecretRef(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await substitute(x, `${pointer}/${escapeToken(k)}`, resolve);
  return out;
}

async function evaluate(ctx: ApplyContext, step: PlanStep, m: AnyManifest, value: ValueReference, pointer: string): Promise<string> {
  if (isReference(value)) return fieldValue(ctx, step, m, value, pointer);
  const args: Record<string, string> = {};
  for (const [arg, v] of Object.entries(value.args)) {
    const at = `${pointer}/args/${escapeToken(arg)}`;
    args[arg] = isReference(v) ? await fieldValue(ctx, step, m, v, at) : secret(ctx, v, at);
  }
  return renderFormat(value.format, args);
}

function secret(ctx: ApplyContext, ref: SecretRef, where: string): string {
  const v = ctx.secrets.get(ref);
  if (v === undefined) {
    throw new UnresolvedSecretError(`${where}: ${describeSecretRef(ref)} could not be resolved${ctx.secrets.error(ref) ? ` (${ctx.secrets.error(ref)})` : ""}`);
  }
  return v;
}

const INDEX = new WeakMap<Plan, Map<string, PlanStep>>();

/** The plan's steps by key, built once per plan. */
function stepsByKey(plan: Plan): Map<string, PlanStep> {
  let index = INDEX.get(plan);
  if (!index) INDEX.set(plan, (index = new Map(plan.steps.map((s) => [s.key, s]))));
  return index;
}

async function fieldValue(ctx: ApplyContext, step: PlanStep, m: AnyManifest, ref: Reference, where: string): Promise<string> {
  const target = referenceTarget(m.identity, ref.ref);
  if ("error" in target) throw new UnresolvedReferenceError(`${where}: ${target.error}`);
  const targetStep = stepsByKey(ctx.plan).get(target.key);
  const def = referenceableFields(target.identity.kind)[ref.field];
  if (!targetStep?.manifest || !def) throw new UnresolvedReferenceError(`${where}: ${target.key} is not in this plan`);
  let v = def.read(targetStep.manifest as never, ctx.learnt.get(target.key));
  if (v === undefined) v = step.references?.find((r) => r.target === target.key && r.field === ref.field)?.value;
  if (v === undefined) {
    // Created in this apply without a recorded answer (a lost answer recovered by its marker), or a secret never kept in a plan.
    const id = ctx.ids.get(target.key);
    if (id !== undefined && serviceModule(target.identity.kind)) {
      const detail = await ctx.readService(target.identity.kind, id);
      ctx.learn(target.key, detail);
      v = def.read(targetStep.manifest as never, detail);
    }
  }
  if (v === undefined) {
    const why = targetStep.action === "conflict" ? "it is in conflict" : `its ${ref.field} is not known (${kindModule(target.identity.kind).kind} ${targetStep.action})`;
    throw new UnresolvedReferenceError(`${where}: ${ref.ref} (${resourceLabel(target.identity)}) cannot be read: ${why}`);
  }
  const text = isSecretRef(v) ? secret(ctx, v, where) : v;
  if (def.secret) ctx.deps.redactor?.add(text);
  return text;
}
