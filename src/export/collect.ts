/**
 * Collecting: the live state, walked in the planner's order, turned into the
 * objects `export` writes. Ownership decides three things per object: ours
 * (written as is: the plan will show it in sync), another instance's (left
 * out with everything in it, and listed), anyone else's (written with the
 * adopt annotation when `--adopt`). An object we own keeps the name its
 * marker records, so the plan finds it by its marker again. A service's
 * child lists are written in its spec (`children.ts`).
 */
import type { DomainRow } from "../dokploy/types.ts";
import { environment as environmentKind } from "../kinds/environment.ts";
import { project as projectKind } from "../kinds/project.ts";
import { SERVICE_KINDS, kindModule, parseResourceKey, recordKindsOf, serviceModule } from "../kinds/registry.ts";
import type { ContainerKind, ContainerLive, ExportedSpec, PlanLookups, RecordKind, ServiceDetail, ServiceKind } from "../kinds/types.ts";
import { ownershipOf, type Marker } from "../model/marker.ts";
import type { ObservedEnvironment, ObservedProject, ObservedState } from "../model/observed.ts";
import { DEFAULT_ENVIRONMENT, resourceKey, type Kind, type ResourceIdentity } from "../model/resource.ts";
import { ANNOTATION_ADOPT, ANNOTATION_ADOPT_CHILDREN, ANNOTATION_DELETION_POLICY, type DeletionPolicy } from "../model/spec.ts";
import { liveServicesOf } from "../plan/services.ts";
import { liveContainerView, type View } from "../plan/views.ts";
import { uniqueLabel } from "../util/dns-label.ts";
import { exportChildren } from "./children.ts";
import type { ExportObject, ExportOptions, SkippedObject } from "./model.ts";

/** How a live object stands to this instance, for export. */
type Standing = { state: "owned"; marker: Marker } | { state: "foreign"; instance: string } | { state: "free" };

function standingOf(description: string | null, id: string, instance: string): Standing {
  const o = ownershipOf(description, instance, id);
  if (o.kind === "ours" || o.kind === "pending") return { state: "owned", marker: o.marker };
  if (o.kind === "foreign") return { state: "foreign", instance: o.marker.instance };
  return { state: "free" };
}

const foreignReason = (instance: string, subtree: boolean): string =>
  `managed by another dokploy-gitops instance ("${instance}")${subtree ? "; left out with everything in it" : ""}`;

/** The name an owned object's marker records (it stays ours under that name), else its live name. */
function nameOf(kind: Kind, standing: Standing, live: string): string {
  if (standing.state !== "owned") return live;
  const id = parseResourceKey(standing.marker.key);
  return id && id.kind === kind ? id.name : live;
}

/** `project`/`environment`/parent names, then annotations, in the order the examples use. */
function metadataOf(identity: ResourceIdentity, kind: Kind, annotations: Record<string, string>): Record<string, unknown> {
  const m: Record<string, unknown> = { name: identity.name };
  if (kind !== "Project") m.project = identity.project;
  if (identity.environment !== undefined) m.environment = identity.environment;
  if (identity.application !== undefined) m.application = identity.application;
  if (identity.compose !== undefined) m.compose = identity.compose;
  if (Object.keys(annotations).length > 0) m.annotations = annotations;
  return m;
}

/** Which projects and environments the flags select (everything when none is given). */
export class Selection {
  readonly #projects: ReadonlySet<string>;
  readonly #environments = new Map<string, Set<string>>();
  readonly #all: boolean;

  constructor(options: Pick<ExportOptions, "projects" | "environments">) {
    this.#projects = new Set(options.projects);
    for (const pe of options.environments) {
      const [p, e] = pe.split("/") as [string, string];
      (this.#environments.get(p) ?? this.#environments.set(p, new Set()).get(p)!).add(e);
    }
    this.#all = this.#projects.size === 0 && this.#environments.size === 0;
  }

  /** The projects `export` reads (empty: all). */
  get projectNames(): string[] {
    return this.#all ? [] : [...new Set([...this.#projects, ...this.#environments.keys()])];
  }

  project(name: string): boolean {
    return this.#all || this.#projects.has(name) || this.#environments.has(name);
  }

  environment(project: string, env: string): boolean {
    return this.#all || this.#projects.has(project) || this.#environments.get(project)?.has(env) === true;
  }

  /** Names given to the flags that the live state does not have, as messages. */
  unknown(observed: ObservedState): string[] {
    const byName = new Map(observed.projects.map((p) => [p.name, p]));
    const out: string[] = [];
    for (const p of this.#projects) if (!byName.has(p)) out.push(`--project ${p}: no such project`);
    for (const [p, envs] of this.#environments) {
      const live = byName.get(p);
      if (!live) {
        out.push(`--environment ${p}/...: no such project`);
        continue;
      }
      const names = new Set(live.environments.map((e) => (e.isDefault ? DEFAULT_ENVIRONMENT : e.name)));
      for (const e of envs) if (!names.has(e)) out.push(`--environment ${p}/${e}: no such environment (the project has ${[...names].sort().join(", ")})`);
    }
    if (out.length > 0) out.push(`projects the key can see: ${observed.projects.map((p) => p.name).sort().join(", ") || "none"}`);
    return out;
  }
}

/** Collects every selected live object as an export object (unsorted) and what was left out. */
export function collectObjects(observed: ObservedState, options: ExportOptions): { objects: ExportObject[]; skipped: SkippedObject[] } {
  const c = new Collector(options, observed.destinations);
  const selection = new Selection(options);
  for (const p of observed.projects) if (p.detailed && selection.project(p.name)) c.project(p, selection);
  return { objects: c.objects, skipped: c.skipped };
}

class Collector {
  readonly objects: ExportObject[] = [];
  readonly skipped: SkippedObject[] = [];
  readonly #options: ExportOptions;
  /** Dokploy's destinations by name: a volume backup is written with its destination's name. */
  readonly #lookups: PlanLookups;

  constructor(options: ExportOptions, destinations: ObservedState["destinations"]) {
    this.#options = options;
    this.#lookups = { destinations: destinations ? new Map(destinations.map((d) => [d.name, d.destinationId])) : undefined };
  }

  #annotations(kind: Kind, standing: Standing, extra: Record<string, string> = {}): Record<string, string> {
    const a: Record<string, string> = {};
    if (standing.state === "free" && this.#options.adopt) a[ANNOTATION_ADOPT] = "true";
    Object.assign(a, extra);
    if (standing.state === "owned") {
      // The marker records the policy in force; the annotation is needed only where it is not the kind's default
      // (a kind may default to orphan: `defaultDeletionPolicy`, when the registry declares one).
      const byDefault = (kindModule(kind) as { defaultDeletionPolicy?: DeletionPolicy }).defaultDeletionPolicy ?? "delete";
      const recorded: DeletionPolicy = standing.marker.policy ?? "delete";
      if (recorded !== byDefault) a[ANNOTATION_DELETION_POLICY] = recorded;
    }
    return a;
  }

  #add(kind: Kind, identity: ResourceIdentity, parentKey: string | undefined, exported: ExportedSpec, live: View, standing: Standing, extra: Record<string, string> = {}, appName?: string): string {
    const key = resourceKey(identity);
    const annotations = this.#annotations(kind, standing, { ...exported.annotations, ...extra });
    this.objects.push({
      kind, identity, key, ...(parentKey ? { parentKey } : {}),
      metadata: metadataOf(identity, kind, annotations),
      spec: exported.spec,
      inputs: (exported.inputs ?? []).map((i) => ({ ...i })),
      live,
      owned: standing.state === "owned",
      ...(appName ? { appName } : {}),
    });
    return key;
  }

  #container(kind: ContainerKind, identity: ResourceIdentity, parentKey: string | undefined, row: ContainerLive & { id: string }, standing: Standing): string {
    return this.#add(kind.kind, identity, parentKey, kind.exportSpec(row), liveContainerView(row), standing);
  }

  project(p: ObservedProject, selection: Selection): void {
    const standing = standingOf(p.description, p.projectId, this.#options.instance);
    const name = nameOf("Project", standing, p.name);
    if (standing.state === "foreign") {
      this.skipped.push({ label: `project/${p.name}`, reason: foreignReason(standing.instance, true) });
      return;
    }
    const identity: ResourceIdentity = { kind: "Project", project: name, name };
    const key = this.#container(projectKind, identity, undefined, { id: p.projectId, name: p.name, description: p.description, env: p.env }, standing);
    for (const e of p.environments) {
      if (selection.environment(p.name, e.isDefault ? DEFAULT_ENVIRONMENT : e.name)) this.#environment(e, name, key);
    }
  }

  #environment(e: ObservedEnvironment, project: string, projectKey: string): void {
    const standing = standingOf(e.description, e.environmentId, this.#options.instance);
    const liveName = e.isDefault ? DEFAULT_ENVIRONMENT : e.name;
    const label = `environment/${project}/${liveName}`;
    if (standing.state === "foreign") {
      this.skipped.push({ label, reason: foreignReason(standing.instance, true) });
      return;
    }
    if (!e.isDefault && e.name === DEFAULT_ENVIRONMENT) {
      this.skipped.push({ label, reason: `named "${DEFAULT_ENVIRONMENT}" but not the project's default environment: a manifest cannot tell the two apart; left out with everything in it` });
      return;
    }
    const name = e.isDefault ? DEFAULT_ENVIRONMENT : nameOf("Environment", standing, e.name);
    const identity: ResourceIdentity = { kind: "Environment", project, name };
    const key = this.#container(environmentKind, identity, projectKey, { id: e.environmentId, name: e.name, description: e.description, env: e.env, isDefault: e.isDefault }, standing);
    for (const kind of SERVICE_KINDS) {
      for (const s of liveServicesOf(kind, e)) this.#service(kind, s.detail, { project, environment: name, parentKey: key, liveName: s.name, id: s.id });
    }
    for (const s of e.services) {
      if (!serviceModule(s.kind)) this.skipped.push({ label: `${s.kind}/${project}/${name}/${s.name}`, reason: "a kind dokploy-gitops does not manage yet; not exported" });
    }
  }

  #service(kind: ServiceKind, detail: ServiceDetail | undefined, at: { project: string; environment: string; parentKey: string; liveName: string; id: string }): void {
    const label = `${kind.kind.toLowerCase()}/${at.project}/${at.environment}/${at.liveName}`;
    if (!detail) {
      this.skipped.push({ label, reason: "internal error: it was not read in detail" });
      return;
    }
    const standing = standingOf(detail.description, at.id, this.#options.instance);
    if (standing.state === "foreign") {
      this.skipped.push({ label, reason: foreignReason(standing.instance, true) });
      return;
    }
    const name = nameOf(kind.kind, standing, detail.name);
    const identity: ResourceIdentity = { kind: kind.kind, project: at.project, environment: at.environment, name };
    const marker = standing.state === "owned" ? standing.marker : undefined;
    const exported = kind.exportSpec(detail, marker);
    const children = exportChildren(kind.kind, detail, marker, this.#lookups);
    const adoptChildren: Record<string, string> = this.#options.adopt && children.unrecorded > 0 ? { [ANNOTATION_ADOPT_CHILDREN]: "true" } : {};
    const spec = { ...exported.spec, ...children.lists };
    const key = this.#add(kind.kind, identity, at.parentKey, { ...exported, spec }, kind.liveView(detail), standing, adoptChildren, detail.appName);
    for (const part of [...(exported.leftOut ?? []), ...children.leftOut]) this.skipped.push({ label: `${label}/${part.label}`, reason: part.reason });
    for (const r of recordKindsOf(kind.kind)) this.#records(r, kind, detail, identity, key, marker);
  }

  #records(r: RecordKind, parent: ServiceKind, detail: ServiceDetail, parentId: ResourceIdentity, parentKey: string, marker: Marker | undefined): void {
    const ref = r.parentRefs.find((p) => p.kind === parent.kind)!.ref;
    const rows = (detail[r.recordField] as DomainRow[]).filter((row) => {
      if (row.domainType !== "preview" && row.previewDeploymentId === null) return true;
      this.skipped.push({ label: `${r.kind.toLowerCase()}/${parentId.project}/${parentId.environment}/${parentId.name}/${row.host}`, reason: "belongs to a preview deployment (Dokploy makes and removes it)" });
      return false;
    });
    // Ours: recorded by id, or an id-less intent matching one row by natural key (as the planner reads them).
    const recorded = marker?.[r.recordField] ?? {};
    const ours = new Map<string, { name: string; orphan: boolean }>();
    for (const [name, rec] of Object.entries(recorded)) {
      if (rec.id && rows.some((row) => row.domainId === rec.id)) ours.set(rec.id, { name, orphan: rec.policy === "orphan" });
    }
    for (const [name, rec] of Object.entries(recorded)) {
      if (rec.id) continue;
      const hits = rows.filter((row) => !ours.has(row.domainId) && r.liveKey(row).host === rec.host && r.liveKey(row).path === rec.path);
      if (hits.length === 1) ours.set(hits[0]!.domainId, { name, orphan: rec.policy === "orphan" });
    }
    const taken = new Set([...ours.values()].map((o) => o.name));
    const sorted = [...rows].sort((a, b) => {
      const ka = r.liveKey(a);
      const kb = r.liveKey(b);
      return ka.host < kb.host ? -1 : ka.host > kb.host ? 1 : ka.path < kb.path ? -1 : ka.path > kb.path ? 1 : a.domainId < b.domainId ? -1 : 1;
    });
    for (const row of sorted) {
      const own = ours.get(row.domainId);
      const name = own?.name ?? uniqueLabel(r.exportName(row), taken);
      taken.add(name);
      const identity = { kind: r.kind, project: parentId.project, environment: parentId.environment, [ref]: parentId.name, name } as ResourceIdentity;
      const standing: Standing = own ? { state: "owned", marker: { v: 1, instance: this.#options.instance, key: resourceKey(identity), ...(own.orphan ? { policy: "orphan" as const } : {}) } } : { state: "free" };
      this.#add(r.kind, identity, parentKey, r.exportSpec(row), r.liveView(name, row), standing);
    }
  }
}

