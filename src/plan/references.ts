/**
 * Resolving value references when planning. Pure: from the desired
 * manifests, the observed state (a live service's appName is in its observed
 * row) and where each referenced resource stands in the plan (created by
 * this apply, live, or in conflict). A field the manifest decides is known
 * at once; a field Dokploy chooses is read from the live object, or is
 * "known after apply" when this apply creates the object. Secret values stay
 * in memory: the plan records only how they compare.
 */
import type { AnyManifest, DesiredState } from "../model/manifest.ts";
import type { ObservedState } from "../model/observed.ts";
import { resourceLabel, type ResourceIdentity } from "../model/resource.ts";
import { referencesOf, renderFormat, valueReferencesIn } from "../model/references.ts";
import { isReference, isSecretRef, type Reference, type SecretRef, type ValueReference } from "../model/spec.ts";
import { SERVICE_KINDS } from "../kinds/registry.ts";
import { isWithin, referenceTarget, referenceableFields } from "../kinds/reference-targets.ts";
import type { LiveFacts } from "../kinds/types.ts";
import { describeSecretRef, type SecretValues } from "./secrets.ts";
import { liveServicesOf } from "./services.ts";
import type { PlanStep, StepReference } from "./types.ts";

/** A value reference as the plan sees it. */
export type ResolvedValue =
  | { state: "known"; value: string; secret: boolean }
  /** The referenced object is created by this apply: its value exists only then. */
  | { state: "after-apply"; secret: boolean }
  /** It cannot be resolved (the referenced object is in conflict, a secret is missing): applying it fails. */
  | { state: "unresolved"; secret: boolean; reason: string };

/** Where a referenced resource stands in the plan. */
export type TargetState =
  | { state: "new" }
  | { state: "live"; facts: LiveFacts }
  | { state: "blocked"; reason: string };

/** How value references resolve in one plan (see the module comment). */
export class ReferenceValues {
  readonly #manifests: ReadonlyMap<string, AnyManifest>;
  readonly #targets: (key: string) => TargetState | undefined;
  readonly #secrets: SecretValues;
  readonly #fields = new Map<string, ResolvedValue>();

  /** `targets` undefined for a key: not planned yet (a first, provisional pass): fields Dokploy chooses are "after apply". */
  constructor(desired: DesiredState, targets: (key: string) => TargetState | undefined, secrets: SecretValues) {
    this.#manifests = new Map(desired.manifests.map((m) => [m.key, m]));
    this.#targets = targets;
    this.#secrets = secrets;
  }

  /** The value of `field` of the resource `key`. */
  field(key: string, field: string): ResolvedValue {
    const memo = `${key}\u0000${field}`;
    let out = this.#fields.get(memo);
    if (!out) {
      out = this.#read(key, field);
      this.#fields.set(memo, out);
    }
    return out;
  }

  #read(key: string, name: string): ResolvedValue {
    const m = this.#manifests.get(key);
    const def = m ? referenceableFields(m.kind)[name] : undefined;
    if (!m || !def) return { state: "unresolved", secret: false, reason: `${key} offers no field "${name}"` };
    const target = this.#targets(key);
    const v = def.read(m, target?.state === "live" ? target.facts : undefined);
    if (v === undefined) {
      if (target === undefined || target.state === "new") return { state: "after-apply", secret: def.secret };
      const label = resourceLabel(m.identity);
      return { state: "unresolved", secret: def.secret, reason: target.state === "blocked" ? target.reason : `${label} has no ${name} in Dokploy` };
    }
    return this.#secretOr(v, def.secret);
  }

  #secretOr(v: string | SecretRef, secret: boolean): ResolvedValue {
    if (!isSecretRef(v)) return { state: "known", value: v, secret };
    const value = this.#secrets.get(v);
    if (value === undefined) return { state: "unresolved", secret: true, reason: `${describeSecretRef(v)} could not be resolved` };
    return { state: "known", value, secret: true };
  }

  /** The value of one single-field reference written in `referrer`. */
  reference(referrer: ResourceIdentity, ref: Reference): ResolvedValue {
    const target = referenceTarget(referrer, ref.ref);
    if ("error" in target) return { state: "unresolved", secret: false, reason: target.error };
    return this.field(target.key, ref.field);
  }

  /** The value of a reference or composed value written in `referrer`. */
  evaluate(referrer: ResourceIdentity, value: ValueReference): ResolvedValue {
    if (isReference(value)) return this.reference(referrer, value);
    const parts = Object.entries(value.args).map(([arg, v]) => [arg, isReference(v) ? this.reference(referrer, v) : this.#secretOr(v, true)] as const);
    const secret = parts.some(([, r]) => r.secret);
    const unresolved = parts.find(([, r]) => r.state === "unresolved")?.[1];
    if (unresolved?.state === "unresolved") return { state: "unresolved", secret, reason: unresolved.reason };
    if (parts.some(([, r]) => r.state === "after-apply")) return { state: "after-apply", secret };
    const args = Object.fromEntries(parts.map(([arg, r]) => [arg, r.state === "known" ? r.value : ""]));
    return { state: "known", value: renderFormat(value.format, args), secret };
  }

  /**
   * The references a manifest's spec uses, for its plan step: the target and
   * field of each, whether it is secret, and its value when it is known now
   * and not secret (the applier uses it instead of reading again).
   */
  uses(m: AnyManifest): StepReference[] {
    const out = new Map<string, StepReference>();
    for (const { value } of valueReferencesIn(m.spec)) {
      for (const { ref } of referencesOf(value)) {
        const target = referenceTarget(m.identity, ref.ref);
        if ("error" in target) continue;
        const id = `${target.key}\u0000${ref.field}`;
        if (out.has(id)) continue;
        const r = this.field(target.key, ref.field);
        const def = referenceableFields(target.identity.kind)[ref.field];
        out.set(id, {
          target: target.key, field: ref.field, secret: r.secret,
          ...(def?.source === "manifest" && isWithin(target.identity, m.key) ? { within: true } : {}),
          ...(r.state === "known" && !r.secret ? { value: r.value } : {}),
        });
      }
    }
    return [...out.values()];
  }

  /** Every secret field value resolved so far (to register with the redactor; never put in a plan). */
  secretValues(): string[] {
    return [...this.#fields.values()].flatMap((r) => (r.state === "known" && r.secret ? [r.value] : []));
  }
}

/** True when any manifest of the revision uses a value reference. */
export function usesReferences(desired: DesiredState): boolean {
  return desired.manifests.some((m) => valueReferencesIn(m.spec).length > 0);
}

/**
 * What is known of every live object in scope, by Dokploy id: services (name,
 * appName, their `*.one` answer) and the records under them.
 */
export function observedFacts(observed: ObservedState): Map<string, LiveFacts> {
  const out = new Map<string, LiveFacts>();
  for (const p of observed.projects) {
    for (const e of p.environments) {
      for (const kind of SERVICE_KINDS) {
        for (const s of liveServicesOf(kind, e)) {
          out.set(s.id, { id: s.id, name: s.name, appName: s.appName, ...(s.detail ? { raw: s.detail.raw } : {}) });
          for (const d of s.detail?.domains ?? []) out.set(d.domainId, { id: d.domainId, name: d.host, raw: d });
        }
      }
    }
  }
  return out;
}

/**
 * Where each resource stands after a planning pass: created by this apply,
 * live (with what was observed of it), or blocked (a conflict: it will not be
 * applied, so nothing can be read from it).
 */
export function targetStates(steps: readonly PlanStep[], observed: ObservedState): Map<string, TargetState> {
  const facts = observedFacts(observed);
  const out = new Map<string, TargetState>();
  for (const s of steps) {
    if (!s.manifest) continue;
    if (s.action === "create") out.set(s.key, { state: "new" });
    else if (s.action === "conflict") out.set(s.key, { state: "blocked", reason: `${resourceLabel(s.identity)} is in conflict${s.reasons[0] ? ` (${s.reasons[0]})` : ""}` });
    else if (s.dokployId) out.set(s.key, { state: "live", facts: facts.get(s.dokployId) ?? { id: s.dokployId, name: s.identity.name } });
  }
  return out;
}

/**
 * The secret values a revision's references reach, once planned (`steps`):
 * a secret field read from a live object is a secret the process did not
 * resolve itself, so it must reach the redactor before anything is printed.
 */
export function referencedSecrets(desired: DesiredState, observed: ObservedState, steps: readonly PlanStep[], secrets: SecretValues): string[] {
  const targets = targetStates(steps, observed);
  const values = new ReferenceValues(desired, (key) => targets.get(key), secrets);
  for (const m of desired.manifests) values.uses(m);
  return values.secretValues();
}

const WRITES = new Set(["create", "update", "adopt"]);

/**
 * Records on each step the references its manifest uses, and orders it after
 * the steps that write what it references (a create above all: the value
 * exists only then). A field of the step's own resource, or of something
 * inside it, that its manifest decides orders nothing (validation allows
 * exactly those, so the plan has no cycle).
 */
export function linkReferences(steps: PlanStep[], values: ReferenceValues): void {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  for (const step of steps) {
    const m = step.manifest;
    if (!m || (!WRITES.has(step.action) && step.action !== "noop")) continue;
    const uses = values.uses(m);
    if (uses.length === 0) continue;
    step.references = uses;
    if (!WRITES.has(step.action)) continue;
    for (const use of uses) {
      if (use.within) continue;
      const target = byKey.get(use.target);
      if (target && WRITES.has(target.action) && !step.dependsOn.includes(use.target)) step.dependsOn.push(use.target);
    }
  }
}
