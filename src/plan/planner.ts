/**
 * The planner: desired manifests + observed live state -> Plan. Pure (no I/O),
 * so table and property tests can prove its safety promise: a step that
 * writes or deletes targets only an object that is ours (marker of this
 * instance with its own id, or a sole pending claimant) or that its manifest
 * explicitly adopts.
 */
import type { ObservedApplication, ObservedEnvironment, ObservedProject, ObservedState } from "../model/observed.ts";
import type { AnyManifest, DesiredState, Manifest } from "../model/manifest.ts";
import { parseDescription, type DomainRecord, type Marker } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT, kindRank, type ResourceIdentity } from "../model/resource.ts";
import type { DomainRow } from "../dokploy/types.ts";
import { diffViews } from "./diff.ts";
import { matchLive, memoizedOwnership, type LiveRef } from "./match.ts";
import { planPrunes, applyGuards, type PruneContext } from "./prune.ts";
import type { SecretValues } from "./secrets.ts";
import { labelOf, markerDiffers, newStep } from "./steps.ts";
import { ACTIONS, type Action, type Plan, type PlanSettings, type PlanStep } from "./types.ts";
import {
  DEPLOY_PATHS, desiredApplicationView, desiredContainerView, desiredDomainView, liveApplicationView,
  liveContainerView, liveDomainView, type View,
} from "./views.ts";

export interface PlanInput {
  desired: DesiredState;
  observed: ObservedState;
  secrets: SecretValues;
  settings: PlanSettings;
  revision?: string;
  apiCalls?: number;
  /** The current time (ms since epoch), for the deploy-queue grace window; default now. */
  now?: number;
}

/**
 * How long a deploy this tool queued may stay invisible (queued, not started)
 * before the planner stops waiting for it. Dokploy keeps its build queue in
 * memory, so a queue lost to a Dokploy restart heals after this window.
 */
export const DEPLOY_QUEUE_GRACE_MS = 30 * 60_000;

/** Deployment states that will not change any more. */
const TERMINAL_DEPLOYMENT = new Set(["done", "error", "cancelled"]);

/** The most recently created deployment (Dokploy's order in `application.one` is not relied on). */
function newestDeployment<T extends { createdAt: string }>(deployments: readonly T[]): T | undefined {
  let newest: T | undefined;
  for (const d of deployments) if (!newest || Date.parse(d.createdAt) > Date.parse(newest.createdAt)) newest = d;
  return newest;
}

/** Where a child's parent stands in this plan. */
type ParentState =
  | { state: "new"; key: string; stepKey: string }
  | { state: "existing"; key: string; id: string; stepKey?: string }
  | { state: "blocked"; key: string; reason: string };

const projectRef = (p: ObservedProject): LiveRef => ({ id: p.projectId, name: p.name, description: p.description });
const envRef = (e: ObservedEnvironment): LiveRef => ({ id: e.environmentId, name: e.name, description: e.description });
const appRef = (a: ObservedApplication): LiveRef => ({ id: a.applicationId, name: a.name, description: a.description });

/** Dokploy's description of the environment it creates with every project. */
export const DEFAULT_ENVIRONMENT_DESCRIPTION = "Production environment";

export function planReconcile(input: PlanInput): Plan {
  const { desired, observed, secrets, settings } = input;
  const steps: PlanStep[] = [];
  // Steps by key, indexed as they are pushed (a linear find per child made planning quadratic).
  const stepByKey = new Map<string, PlanStep>();
  let indexedSteps = 0;
  const ownership = memoizedOwnership();
  const warnings: string[] = [];
  const byKind = groupDesired(desired.manifests);
  const desiredKeys = new Set(desired.manifests.map((m) => m.key));
  const instance = settings.instance;

  const addDiff = (step: PlanStep, d: View, l: View | undefined): void => {
    const diff = diffViews(d, l, secrets);
    step.changes = diff.changes;
    for (const p of diff.unresolved) warnings.push(`${labelOf(step.identity)}: secret at ${p} could not be resolved; it was not compared`);
  };

  const blocked = (m: AnyManifest, parent: { key: string; reason: string }): void => {
    steps.push(newStep(m.identity, m.key, "conflict", { manifest: m, reasons: [parent.reason], parentKey: parent.key }));
    for (const child of childrenOf(byKind, m)) blocked(child, { key: m.key, reason: parent.reason });
  };

  // ---- projects --------------------------------------------------------------
  for (const P of byKind.Project) {
    const label = labelOf(P);
    const match = matchLive(observed.projects, projectRef, { key: P.key, name: P.metadata.name, label, adopt: P.adopt, instance, ownership });
    const marker = (id?: string): Marker => ({ v: 1, instance, key: P.key, ...(id ? { id } : {}), ...(P.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}) });
    const desiredView = desiredContainerView(P.metadata.name, P.spec);
    if (match.kind === "absent") {
      const step = newStep(P.identity, P.key, "create", { manifest: P, marker: marker(), markerWrite: true });
      addDiff(step, desiredView, undefined);
      steps.push(step);
      planEnvironments(P, { state: "new", key: P.key, stepKey: P.key }, undefined);
      continue;
    }
    if (match.kind === "conflict") {
      steps.push(newStep(P.identity, P.key, "conflict", { manifest: P, reasons: match.reasons }));
      for (const child of childrenOf(byKind, P)) blocked(child, { key: P.key, reason: `${labelOf(child)}: not planned: its project ${label} is in conflict` });
      continue;
    }
    const live = match.live;
    if (!live.detailed) throw new Error(`${label}: internal error: project ${live.projectId} was not read in detail`);
    const step = ownedOrAdoptedStep(P, match.kind === "adopt", live.projectId, live.description, marker(live.projectId));
    addDiff(step, desiredView, liveContainerView(live));
    finishStep(step);
    steps.push(step);
    planEnvironments(P, { state: "existing", key: P.key, id: live.projectId, stepKey: P.key }, live);
  }

  function ownedOrAdoptedStep(m: AnyManifest, adopt: boolean, id: string, description: string | null, marker: Marker): PlanStep {
    const liveMarker = parseDescription(description).marker;
    return newStep(m.identity, m.key, adopt ? "adopt" : "noop", {
      manifest: m, dokployId: id, marker, markerWrite: adopt || markerDiffers(liveMarker, marker),
    });
  }

  /** noop -> update when anything is to be written. */
  function finishStep(step: PlanStep): void {
    if (step.action === "noop" && (step.changes.length > 0 || step.markerWrite || step.deploy || step.lifecycle)) {
      step.action = "update";
    }
  }

  // ---- environments ----------------------------------------------------------
  function planEnvironments(P: Manifest<"Project">, parent: ParentState, live: ObservedProject | undefined): void {
    const declared = new Map(byKind.Environment.filter((e) => e.metadata.project === P.metadata.name).map((e) => [e.metadata.name, e]));
    const envNames = new Set([...declared.keys(), ...appEnvNames(P.metadata.name)]);
    for (const name of envNames) {
      const E = declared.get(name);
      const key = `Environment/${P.metadata.name}/${name}`;
      const identity: ResourceIdentity = { kind: "Environment", project: P.metadata.name, name };
      const label = labelOf(identity);
      const isDefault = name === DEFAULT_ENVIRONMENT;
      const marker = (id?: string): Marker => ({ v: 1, instance, key, ...(id ? { id } : {}), ...(E?.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}) });
      const desiredView = E ? desiredContainerView(name, { ...E.spec, description: E.spec.description ?? (isDefault ? DEFAULT_ENVIRONMENT_DESCRIPTION : "") }) : undefined;

      if (parent.state === "new") {
        if (isDefault) {
          // Dokploy creates it with the project; a manifest configures it.
          if (E) {
            const step = newStep(identity, key, "create", {
              manifest: E, marker: marker(), markerWrite: true, dependsOn: [parent.stepKey], parentKey: P.key,
              reasons: [`${label}: created by Dokploy with its project; dokploy-gitops configures it`],
            });
            addDiff(step, desiredView!, liveContainerView({ name, description: DEFAULT_ENVIRONMENT_DESCRIPTION, env: "" }));
            steps.push(step);
          }
          planApplications(P.metadata.name, name, { state: "new", key, stepKey: E ? key : parent.stepKey }, undefined);
        } else if (E) {
          const step = newStep(identity, key, "create", { manifest: E, marker: marker(), markerWrite: true, dependsOn: [parent.stepKey], parentKey: P.key });
          addDiff(step, desiredView!, undefined);
          steps.push(step);
          planApplications(P.metadata.name, name, { state: "new", key, stepKey: key }, undefined);
        }
        continue;
      }
      if (parent.state === "blocked") continue; // handled by blocked()
      const envs = live!.environments;
      if (isDefault) {
        const env = envs.find((e) => e.isDefault);
        if (!env) {
          if (E) steps.push(newStep(identity, key, "conflict", { manifest: E, reasons: [`${label}: the project has no default environment in Dokploy`] }));
          for (const a of appsIn(P.metadata.name, name)) blocked(a, { key, reason: `${labelOf(a)}: not planned: ${label} is missing in Dokploy` });
          continue;
        }
        const liveMarker = parseDescription(env.description).marker;
        if (liveMarker && liveMarker.instance !== instance) {
          const reason = `${label}: is managed by another dokploy-gitops instance ("${liveMarker.instance}")`;
          if (E) steps.push(newStep(identity, key, "conflict", { manifest: E, reasons: [reason], dokployId: env.environmentId }));
          for (const a of appsIn(P.metadata.name, name)) blocked(a, { key, reason: `${labelOf(a)}: not planned: ${reason}` });
          continue;
        }
        if (E) {
          // The default environment of a project we own (or adopt) is ours.
          const step = ownedOrAdoptedStep(E, false, env.environmentId, env.description, marker(env.environmentId));
          addDiff(step, desiredView!, liveContainerView(env));
          finishStep(step);
          step.parentKey = P.key;
          step.parentDokployId = parent.id;
          steps.push(step);
        }
        planApplications(P.metadata.name, name, { state: "existing", key, id: env.environmentId, ...(E ? { stepKey: key } : {}) }, env);
        continue;
      }
      if (!E) continue; // referenced but undeclared: validation reports it
      const match = matchLive(envs.filter((e) => !e.isDefault), envRef, { key, name, label, adopt: E.adopt, instance, ownership });
      if (match.kind === "absent") {
        const step = newStep(identity, key, "create", { manifest: E, marker: marker(), markerWrite: true, parentKey: P.key, parentDokployId: parent.id, dependsOn: parent.stepKey && stepIsWrite(parent.stepKey) ? [parent.stepKey] : [] });
        addDiff(step, desiredView!, undefined);
        steps.push(step);
        planApplications(P.metadata.name, name, { state: "new", key, stepKey: key }, undefined);
      } else if (match.kind === "conflict") {
        steps.push(newStep(identity, key, "conflict", { manifest: E, reasons: match.reasons }));
        for (const a of appsIn(P.metadata.name, name)) blocked(a, { key, reason: `${labelOf(a)}: not planned: its environment ${label} is in conflict` });
      } else {
        const env = match.live;
        const step = ownedOrAdoptedStep(E, match.kind === "adopt", env.environmentId, env.description, marker(env.environmentId));
        addDiff(step, desiredView!, liveContainerView(env));
        finishStep(step);
        step.parentKey = P.key;
        step.parentDokployId = parent.id;
        steps.push(step);
        planApplications(P.metadata.name, name, { state: "existing", key, id: env.environmentId, stepKey: key }, env);
      }
    }
  }

  function stepIsWrite(key: string): boolean {
    for (; indexedSteps < steps.length; indexedSteps++) if (!stepByKey.has(steps[indexedSteps]!.key)) stepByKey.set(steps[indexedSteps]!.key, steps[indexedSteps]!);
    const s = stepByKey.get(key);
    return s !== undefined && s.action !== "noop";
  }

  // ---- applications ------------------------------------------------------------
  function planApplications(project: string, environment: string, parent: ParentState, env: ObservedEnvironment | undefined): void {
    for (const A of appsIn(project, environment)) {
      const label = labelOf(A);
      const desiredView = desiredApplicationView(A.metadata.name, A.spec);
      const wantRunning = (A.spec.state ?? "running") === "running";
      const baseMarker = (id?: string, domains?: Record<string, DomainRecord>): Marker => ({
        v: 1, instance, key: A.key, ...(id ? { id } : {}), ...(A.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}),
        ...(domains && Object.keys(domains).length > 0 ? { domains } : {}),
      });
      const dependsOn = parent.state !== "blocked" && parent.stepKey && stepIsWrite(parent.stepKey) ? [parent.stepKey] : [];
      if (parent.state === "new") {
        const step = newStep(A.identity, A.key, "create", { manifest: A, marker: baseMarker(), markerWrite: true, deploy: wantRunning, dependsOn, parentKey: parent.key });
        addDiff(step, desiredView, undefined);
        steps.push(step);
        planDomains(A, { state: "new", key: A.key, stepKey: A.key }, undefined, undefined);
        continue;
      }
      if (parent.state === "blocked") continue;
      const match = matchLive(env!.applications, appRef, { key: A.key, name: A.metadata.name, label, adopt: A.adopt, instance, ownership });
      if (match.kind === "absent") {
        const step = newStep(A.identity, A.key, "create", { manifest: A, marker: baseMarker(), markerWrite: true, deploy: wantRunning, dependsOn, parentKey: parent.key, parentDokployId: parent.id });
        addDiff(step, desiredView, undefined);
        steps.push(step);
        planDomains(A, { state: "new", key: A.key, stepKey: A.key }, undefined, undefined);
        continue;
      }
      if (match.kind === "conflict") {
        steps.push(newStep(A.identity, A.key, "conflict", { manifest: A, reasons: match.reasons }));
        for (const d of domainsOf(A)) blocked(d, { key: A.key, reason: `${labelOf(d)}: not planned: its application ${label} is in conflict` });
        continue;
      }
      const app = match.live;
      const detail = app.detail;
      if (!detail) throw new Error(`${label}: internal error: application ${app.applicationId} was not read in detail`);
      const liveMarker = parseDescription(detail.description).marker;
      const domainStepsFrom = steps.length;
      const records = planDomains(A, { state: "existing", key: A.key, id: app.applicationId, stepKey: A.key }, detail.domains, match.kind === "owned" ? liveMarker?.domains ?? {} : {});
      const domainStepsTo = steps.length;
      const queuedAt = match.kind === "owned" ? liveMarker?.queuedAt : undefined;
      const queueAge = queuedAt === undefined ? Number.POSITIVE_INFINITY : (input.now ?? Date.now()) - Date.parse(queuedAt);
      const newest = newestDeployment(detail.deployments);
      // A deployment that began at or after our queueing and has ended is that deploy: nothing is queued any more.
      const queueEnded = queuedAt !== undefined && newest !== undefined && TERMINAL_DEPLOYMENT.has(newest.status) && Date.parse(newest.createdAt) >= Date.parse(queuedAt);
      const queuePending = !queueEnded && queueAge >= 0 && queueAge < DEPLOY_QUEUE_GRACE_MS;
      // Idle after a build that did not finish (Dokploy cancels running builds and idles their
      // applications when it restarts): starting would run the previous image, or fail with no service.
      const interrupted = detail.applicationStatus === "idle" && (newest?.status === "cancelled" || newest?.status === "error");
      const step = ownedOrAdoptedStep(A, match.kind === "adopt", app.applicationId, detail.description, { ...baseMarker(app.applicationId, records), ...(queuedAt ? { queuedAt } : {}) });
      addDiff(step, desiredView, liveApplicationView(detail));
      step.parentKey = parent.key;
      step.parentDokployId = parent.id;
      const deployRelevant = step.changes.some((c) => DEPLOY_PATHS.some((p) => c.path === p || c.path.startsWith(`${p}/`)));
      const neverDeployed = detail.deployments.length === 0;
      if (wantRunning) {
        if (deployRelevant) step.deploy = true;
        else if (liveMarker?.dirty && match.kind === "owned") {
          step.deploy = true;
          step.reasons.push(`${label}: a previous apply changed its configuration but did not finish deploying it`);
        } else if (queuePending && (neverDeployed || detail.applicationStatus === "idle")) {
          // Queued by us and not started yet: Dokploy shows nothing of it. Don't queue another.
          step.reasons.push(`${label}: a deploy queued at ${queuedAt} has not started yet; waiting for it`);
        } else if (neverDeployed) {
          step.deploy = true;
          step.reasons.push(`${label}: has never been deployed`);
        } else if (interrupted) {
          step.deploy = true;
          step.reasons.push(`${label}: idle after a deployment that ended ${newest!.status} (a build cut short, e.g. by a Dokploy restart); deploying again instead of starting the previous one`);
        } else if (detail.applicationStatus === "idle" && (A.spec.replicas ?? 1) !== 1) {
          // Dokploy's start is `docker service scale <app>=1`, whatever `replicas` says; a deploy applies the whole spec.
          step.deploy = true;
          step.reasons.push(`${label}: stopped, and Dokploy's start runs 1 replica; deploying to run ${A.spec.replicas}`);
        } else if (detail.applicationStatus === "idle") {
          step.lifecycle = "start";
        }
      } else if (detail.applicationStatus !== "idle") {
        step.lifecycle = "stop";
      }
      finishStep(step);
      steps.push(step);
      // A domain step that records itself in this application's marker must run after the
      // application's own step, which rewrites the marker from this plan's snapshot and would
      // otherwise overwrite a record written concurrently (the new domain's id was lost).
      if (step.action !== "noop") {
        for (const d of steps.slice(domainStepsFrom, domainStepsTo)) {
          const recordsItself = d.action === "create" || d.action === "adopt" || (d.action === "update" && d.markerWrite);
          if (d.kind === "Domain" && recordsItself && !d.dependsOn.includes(A.key)) d.dependsOn.push(A.key);
        }
      }
    }
  }

  // ---- domains ----------------------------------------------------------------
  /** Plans the desired domains of one application; returns the domain records its marker should carry. */
  function planDomains(A: Manifest<"Application">, parent: ParentState, liveDomains: DomainRow[] | undefined, recorded: Record<string, DomainRecord> | undefined): Record<string, DomainRecord> {
    const desiredDomains = domainsOf(A);
    const records: Record<string, DomainRecord> = {};
    if (parent.state === "new") {
      for (const D of desiredDomains) {
        const step = newStep(D.identity, D.key, "create", { manifest: D, dependsOn: [parent.stepKey], parentKey: A.key });
        addDiff(step, desiredDomainView(D.metadata.name, D.spec), undefined);
        steps.push(step);
      }
      return records;
    }
    if (parent.state === "blocked") return records;
    const domains = liveDomains ?? [];
    const byId = new Map(domains.map((d) => [d.domainId, d]));
    const owned = new Map<string, DomainRow>();
    const claimed = new Set<string>();
    const ambiguous = new Set<string>();
    const rec = recorded ?? {};
    for (const [name, r] of Object.entries(rec)) {
      if (r.id && byId.has(r.id)) {
        owned.set(name, byId.get(r.id)!);
        claimed.add(r.id);
      }
    }
    for (const [name, r] of Object.entries(rec)) {
      if (r.id) continue;
      const hits = domains.filter((d) => !claimed.has(d.domainId) && d.host === r.host && (d.path ?? "/") === r.path);
      if (hits.length === 1) {
        owned.set(name, hits[0]!);
        claimed.add(hits[0]!.domainId);
      } else if (hits.length > 1) ambiguous.add(name);
    }
    const desiredNames = new Set(desiredDomains.map((d) => d.metadata.name));
    for (const D of desiredDomains) {
      const label = labelOf(D);
      const dView = desiredDomainView(D.metadata.name, D.spec);
      const policy = D.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {};
      if (ambiguous.has(D.metadata.name)) {
        steps.push(newStep(D.identity, D.key, "conflict", { manifest: D, reasons: [`${label}: several domains in Dokploy match its recorded host and path; resolve it by hand`] }));
        continue;
      }
      const mine = owned.get(D.metadata.name);
      if (mine) {
        const step = newStep(D.identity, D.key, "noop", { manifest: D, dokployId: mine.domainId, parentKey: A.key, parentDokployId: parent.id });
        addDiff(step, dView, liveDomainView(D.metadata.name, mine));
        const record: DomainRecord = { host: String(dView.spec.host), path: String(dView.spec.path), id: mine.domainId, ...policy };
        records[D.metadata.name] = record;
        const before = rec[D.metadata.name];
        step.markerWrite = !before || JSON.stringify(before) !== JSON.stringify(record);
        finishStep(step);
        steps.push(step);
        continue;
      }
      const host = String(dView.spec.host);
      const path = String(dView.spec.path);
      const lookalikes = domains.filter((d) => !claimed.has(d.domainId) && d.host.toLowerCase() === host.toLowerCase() && (d.path ?? "/") === path);
      if (lookalikes.length > 0) {
        const ids = lookalikes.map((d) => d.domainId);
        if (D.adopt && lookalikes.length === 1) {
          const step = newStep(D.identity, D.key, "adopt", { manifest: D, dokployId: ids[0]!, markerWrite: true, parentKey: A.key, parentDokployId: parent.id });
          addDiff(step, dView, liveDomainView(D.metadata.name, lookalikes[0]!));
          steps.push(step);
          continue;
        }
        steps.push(newStep(D.identity, D.key, "conflict", {
          manifest: D, dokployId: ids[0]!,
          reasons: D.adopt
            ? [`${label}: cannot adopt: ${ids.length} domains in the application have host ${host} and path ${path}`]
            : [`${label}: a domain with host ${host} and path ${path} exists in the application (id ${ids.join(", ")}) but was not created by dokploy-gitops`, `${label}: add the annotation dokploy-gitops/adopt: "true" to its manifest to take it over`],
        }));
        continue;
      }
      const step = newStep(D.identity, D.key, "create", { manifest: D, parentKey: A.key, parentDokployId: parent.id, dependsOn: parent.stepKey && stepIsWrite(parent.stepKey) ? [parent.stepKey] : [] });
      addDiff(step, dView, undefined);
      steps.push(step);
    }
    // Owned domains whose manifests were removed stay recorded until pruned.
    for (const [name, row] of owned) {
      if (desiredNames.has(name)) continue;
      records[name] = { host: row.host, path: row.path ?? "/", id: row.domainId, ...(rec[name]?.policy ? { policy: rec[name]!.policy } : {}) };
    }
    return records;
  }

  function appEnvNames(project: string): string[] {
    return (byKind.appsByProject.get(project) ?? []).map((a) => a.metadata.environment!);
  }
  function appsIn(project: string, environment: string): Array<Manifest<"Application">> {
    return byKind.appsByEnvironment.get(`${project}/${environment}`) ?? [];
  }
  function domainsOf(A: Manifest<"Application">): Array<Manifest<"Domain">> {
    return byKind.domainsByApplication.get(`${A.metadata.project}/${A.metadata.environment}/${A.metadata.name}`) ?? [];
  }

  // ---- prune -------------------------------------------------------------------
  const pruneCtx: PruneContext = { instance, settings, desiredKeys, steps };
  planPrunes(observed, pruneCtx);
  const refusals = applyGuards(steps, desired, settings);

  for (const s of steps) if (s.action === "conflict") warnings.push(...s.reasons);
  steps.sort(compareSteps);
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const s of steps) counts[s.action]++;
  const changes = steps.filter((s) => s.action !== "noop" && s.action !== "conflict" && s.action !== "would-prune").length;
  return {
    instance,
    ...(input.revision ? { revision: input.revision } : {}),
    steps,
    summary: { counts, changes },
    refusals,
    warnings: [...new Set(warnings)],
    ...(input.apiCalls !== undefined ? { apiCalls: input.apiCalls } : {}),
  };
}

const REMOVALS = new Set<Action>(["delete", "orphan", "would-prune"]);

/** Creates/updates parents first; removals after, children first. */
function compareSteps(a: PlanStep, b: PlanStep): number {
  const ra = REMOVALS.has(a.action) ? 1 : 0;
  const rb = REMOVALS.has(b.action) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ka = kindRank(a.kind);
  const kb = kindRank(b.kind);
  if (ka !== kb) return ra ? kb - ka : ka - kb;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

interface DesiredByKind {
  Project: Array<Manifest<"Project">>;
  Environment: Array<Manifest<"Environment">>;
  Application: Array<Manifest<"Application">>;
  Domain: Array<Manifest<"Domain">>;
  /**
   * Lookups by parent, in key order (filtering the whole list per parent made
   * planning 10,000 resources take ~10 s; bench/planning.ts).
   */
  appsByProject: Map<string, Array<Manifest<"Application">>>;
  appsByEnvironment: Map<string, Array<Manifest<"Application">>>;
  domainsByApplication: Map<string, Array<Manifest<"Domain">>>;
}

function groupDesired(manifests: AnyManifest[]): DesiredByKind {
  const out: DesiredByKind = { Project: [], Environment: [], Application: [], Domain: [], appsByProject: new Map(), appsByEnvironment: new Map(), domainsByApplication: new Map() };
  for (const m of manifests) (out[m.kind] as AnyManifest[]).push(m);
  for (const list of [out.Project, out.Environment, out.Application, out.Domain]) (list as AnyManifest[]).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const add = <T>(map: Map<string, T[]>, key: string, value: T): void => void (map.get(key) ?? map.set(key, []).get(key)!).push(value);
  for (const a of out.Application) {
    add(out.appsByProject, a.metadata.project!, a);
    add(out.appsByEnvironment, `${a.metadata.project}/${a.metadata.environment}`, a);
  }
  for (const d of out.Domain) add(out.domainsByApplication, `${d.metadata.project}/${d.metadata.environment}/${d.metadata.application}`, d);
  return out;
}

function childrenOf(byKind: DesiredByKind, m: AnyManifest): AnyManifest[] {
  const md = m.metadata;
  switch (m.kind) {
    case "Project":
      return [
        ...byKind.Environment.filter((e) => e.metadata.project === md.name),
        ...byKind.Application.filter((a) => a.metadata.project === md.name && !byKind.Environment.some((e) => e.metadata.project === md.name && e.metadata.name === a.metadata.environment)),
      ];
    case "Environment":
      return byKind.Application.filter((a) => a.metadata.project === md.project && a.metadata.environment === md.name);
    case "Application":
      return byKind.Domain.filter((d) => d.metadata.project === md.project && d.metadata.environment === md.environment && d.metadata.application === md.name);
    default:
      return [];
  }
}

