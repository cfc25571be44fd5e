/**
 * The state of one planning run, shared by the planner's parts (containers,
 * services, records): the steps so far, the desired manifests indexed by
 * parent, and the small helpers every part uses (diff a step, block a
 * subtree, turn a no-op into an update). Pure.
 */
import type { AnyManifest, DesiredState } from "../model/manifest.ts";
import { parseDescription, type Marker } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT, resourceKey, type Kind } from "../model/resource.ts";
import { kindModule } from "../kinds/registry.ts";
import { parentOf, type PlanLookups } from "../kinds/types.ts";
import { diffViews } from "./diff.ts";
import { memoizedOwnership } from "./match.ts";
import type { ReferenceValues } from "./references.ts";
import type { SecretValues } from "./secrets.ts";
import { labelOf, markerDiffers, newStep } from "./steps.ts";
import type { PlanSettings, PlanStep } from "./types.ts";
import type { View } from "./views.ts";

/** Where a child's parent stands in this plan. */
export type ParentState =
  | { state: "new"; key: string; stepKey: string }
  | { state: "existing"; key: string; id: string; stepKey?: string }
  | { state: "blocked"; key: string; reason: string };

/** The key of the resource a manifest lives in (undefined for a project). */
export function parentKeyOf(m: AnyManifest): string | undefined {
  const id = m.identity;
  switch (kindModule(m.kind).family) {
    case "container":
      return m.kind === "Project" ? undefined : `Project/${id.project}`;
    case "service":
      return resourceKey({ kind: "Environment", project: id.project, name: id.environment! });
    case "record":
    case "child": {
      const parent = parentOf(id);
      return resourceKey({ kind: parent?.kind ?? "Application", project: id.project, environment: id.environment!, name: parent?.name ?? id.application! });
    }
  }
}

const byKey = (a: AnyManifest, b: AnyManifest): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export class PlanBuilder {
  readonly steps: PlanStep[] = [];
  readonly warnings: string[] = [];
  readonly ownership = memoizedOwnership();
  readonly instance: string;
  readonly secrets: SecretValues;
  readonly settings: PlanSettings;
  readonly now: number;
  /** Manifests by kind, in key order. */
  readonly byKind = new Map<Kind, AnyManifest[]>();
  /**
   * Manifests by the key of the resource they live in, in key order (filtering
   * the whole list per parent made planning 10,000 resources take ~10 s).
   */
  readonly byParent = new Map<string, AnyManifest[]>();
  /** Services by environment key, declared or not (`production` needs no manifest). */
  readonly servicesByEnvironment = new Map<string, AnyManifest[]>();
  /** Live facts some kinds' plans need (backup destinations); set by the planner from the observation. */
  lookups: PlanLookups = { destinations: undefined };
  readonly #stepByKey = new Map<string, PlanStep>();
  readonly #queue: ReadonlySet<string> | undefined;
  #indexed = 0;
  /** How the value references of desired views resolve (none in a revision without references). */
  readonly references: ReferenceValues | undefined;

  constructor(desired: DesiredState, secrets: SecretValues, settings: PlanSettings, now: number, queue?: ReadonlySet<string>, references?: ReferenceValues) {
    this.#queue = queue;
    this.instance = settings.instance;
    this.secrets = secrets;
    this.references = references;
    this.settings = settings;
    this.now = now;
    const sorted = [...desired.manifests].sort(byKey);
    const add = (map: Map<string, AnyManifest[]>, key: string, m: AnyManifest): void => void (map.get(key) ?? map.set(key, []).get(key)!).push(m);
    for (const m of sorted) {
      add(this.byKind as Map<string, AnyManifest[]>, m.kind, m);
      const parent = parentKeyOf(m);
      if (parent !== undefined) add(this.byParent, parent, m);
      if (kindModule(m.kind).family === "service") add(this.servicesByEnvironment, parent!, m);
    }
  }

  /** The manifests of one kind. */
  of<K extends Kind>(kind: K): Array<Extract<AnyManifest, { kind: K }>> {
    return (this.byKind.get(kind) ?? []) as Array<Extract<AnyManifest, { kind: K }>>;
  }

  /** The manifests that live in `key`. */
  childrenOf(key: string): AnyManifest[] {
    return this.byParent.get(key) ?? [];
  }

  /**
   * The subtree of a manifest for blocking: its children, and for a project
   * also the services of environments that no manifest declares (`production`).
   */
  blockedChildren(m: AnyManifest): AnyManifest[] {
    const direct = this.childrenOf(m.key);
    if (m.kind !== "Project") return direct;
    const declared = new Set(direct.filter((c) => c.kind === "Environment").map((e) => e.key));
    const extra: AnyManifest[] = [];
    for (const [envKey, services] of this.servicesByEnvironment) {
      if (envKey.startsWith(`Environment/${m.metadata.name}/`) && !declared.has(envKey)) extra.push(...services);
    }
    return [...direct, ...extra];
  }

  /** Environment names a project's services live in (declared or not). */
  serviceEnvironments(project: string): string[] {
    const out: string[] = [];
    for (const [envKey, services] of this.servicesByEnvironment) {
      if (envKey.startsWith(`Environment/${project}/`) && services.length > 0) out.push(services[0]!.metadata.environment!);
    }
    return out;
  }

  /** Whether Dokploy's build queue holds a job for the service `id`; undefined when it was not read. */
  queued(id: string): boolean | undefined {
    return this.#queue ? this.#queue.has(id) : undefined;
  }

  push(step: PlanStep): PlanStep {
    this.steps.push(step);
    return step;
  }

  /** Sets a step's changes from a diff of its kind's views. */
  addDiff(step: PlanStep, desired: View, live: View | undefined): void {
    const refs = this.references;
    const diff = diffViews(desired, live, this.secrets, kindModule(step.kind).fields, refs && ((v) => refs.evaluate(step.identity, v)));
    step.changes = diff.changes;
    for (const p of diff.unresolved) this.warnings.push(`${labelOf(step.identity)}: secret at ${p} could not be resolved; it was not compared`);
    for (const r of diff.unresolvedRefs) this.warnings.push(`${labelOf(step.identity)}: ${r.pointer}: reference cannot be resolved: ${r.reason}; applying it would fail`);
  }

  /** A conflict step for `m` and, below it, one for every child. */
  blocked(m: AnyManifest, parent: { key: string; reason: string }): void {
    this.push(newStep(m.identity, m.key, "conflict", { manifest: m, reasons: [parent.reason], parentKey: parent.key }));
    for (const child of this.blockedChildren(m)) this.blocked(child, { key: m.key, reason: parent.reason });
  }

  /** The step of an object that is ours (noop until something is to write) or that the manifest adopts. */
  ownedOrAdopted(m: AnyManifest, adopt: boolean, id: string, description: string | null, marker: Marker): PlanStep {
    const liveMarker = parseDescription(description).marker;
    return newStep(m.identity, m.key, adopt ? "adopt" : "noop", {
      manifest: m, dokployId: id, marker, markerWrite: adopt || markerDiffers(liveMarker, marker),
    });
  }

  /** noop -> update when anything is to be written. */
  finish(step: PlanStep): void {
    if (step.action === "noop" && (step.changes.length > 0 || step.markerWrite || step.deploy || step.lifecycle)) {
      step.action = "update";
    }
  }

  /** True when the step of `key` writes (a parent's write must come first). */
  isWrite(key: string): boolean {
    for (; this.#indexed < this.steps.length; this.#indexed++) {
      const s = this.steps[this.#indexed]!;
      if (!this.#stepByKey.has(s.key)) this.#stepByKey.set(s.key, s);
    }
    const s = this.#stepByKey.get(key);
    return s !== undefined && s.action !== "noop";
  }

  /** `dependsOn` for a child of `parent`: the parent's step, when it writes. */
  dependsOnParent(parent: ParentState): string[] {
    return parent.state !== "blocked" && parent.stepKey && this.isWrite(parent.stepKey) ? [parent.stepKey] : [];
  }

  /** The marker a description-carrying object should have. */
  marker(m: AnyManifest | undefined, key: string, id?: string): Marker {
    return { v: 1, instance: this.instance, key, ...(id ? { id } : {}), ...(m?.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}) };
  }
}

export { DEFAULT_ENVIRONMENT };
