/**
 * Planning projects and environments, the hierarchy every service lives in.
 * Specific on purpose: Dokploy creates `production` with every project, so a
 * manifest for it configures the existing one, and the default environment
 * of a project we own is ours.
 */
import type { ObservedEnvironment, ObservedProject, ObservedState } from "../model/observed.ts";
import type { Manifest } from "../model/manifest.ts";
import { parseDescription } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT, type ResourceIdentity } from "../model/resource.ts";
import { environment as environmentKind, DEFAULT_ENVIRONMENT_DESCRIPTION } from "../kinds/environment.ts";
import { project as projectKind } from "../kinds/project.ts";
import type { PlanBuilder, ParentState } from "./builder.ts";
import { matchLive, type LiveRef } from "./match.ts";
import { planServices } from "./services.ts";
import { labelOf, newStep } from "./steps.ts";
import { liveContainerView } from "./views.ts";

const projectRef = (p: ObservedProject): LiveRef => ({ id: p.projectId, name: p.name, description: p.description });
const envRef = (e: ObservedEnvironment): LiveRef => ({ id: e.environmentId, name: e.name, description: e.description });

/** Plans every desired project and everything under it. */
export function planProjects(b: PlanBuilder, observed: ObservedState): void {
  for (const P of b.of("Project")) {
    const label = labelOf(P);
    const match = matchLive(observed.projects, projectRef, { key: P.key, name: P.metadata.name, label, adopt: P.adopt, instance: b.instance, ownership: b.ownership });
    const desiredView = projectKind.desiredView(P);
    if (match.kind === "absent") {
      const step = b.push(newStep(P.identity, P.key, "create", { manifest: P, marker: b.marker(P, P.key), markerWrite: true }));
      b.addDiff(step, desiredView, undefined);
      planEnvironments(b, P, { state: "new", key: P.key, stepKey: P.key }, undefined);
      continue;
    }
    if (match.kind === "conflict") {
      b.push(newStep(P.identity, P.key, "conflict", { manifest: P, reasons: match.reasons }));
      for (const child of b.blockedChildren(P)) b.blocked(child, { key: P.key, reason: `${labelOf(child)}: not planned: its project ${label} is in conflict` });
      continue;
    }
    const live = match.live;
    if (!live.detailed) throw new Error(`${label}: internal error: project ${live.projectId} was not read in detail`);
    const step = b.ownedOrAdopted(P, match.kind === "adopt", live.projectId, live.description, b.marker(P, P.key, live.projectId));
    b.addDiff(step, desiredView, liveContainerView(live));
    b.finish(step);
    b.push(step);
    planEnvironments(b, P, { state: "existing", key: P.key, id: live.projectId, stepKey: P.key }, live);
  }
}

function blockServices(b: PlanBuilder, project: string, env: string, reasonOf: (label: string) => string, key: string): void {
  for (const s of b.servicesByEnvironment.get(`Environment/${project}/${env}`) ?? []) b.blocked(s, { key, reason: reasonOf(labelOf(s)) });
}

function planEnvironments(b: PlanBuilder, P: Manifest<"Project">, parent: ParentState, live: ObservedProject | undefined): void {
  const project = P.metadata.name;
  const declared = new Map(b.childrenOf(P.key).filter((e): e is Manifest<"Environment"> => e.kind === "Environment").map((e) => [e.metadata.name, e]));
  const envNames = new Set([...declared.keys(), ...b.serviceEnvironments(project)]);
  for (const name of envNames) {
    const E = declared.get(name);
    const identity: ResourceIdentity = { kind: "Environment", project, name };
    const key = `Environment/${project}/${name}`;
    const label = labelOf(identity);
    const isDefault = name === DEFAULT_ENVIRONMENT;
    const desiredView = E ? environmentKind.desiredView(E) : undefined;

    if (parent.state === "new") {
      if (isDefault) {
        // Dokploy creates it with the project; a manifest configures it.
        if (E) {
          const step = b.push(newStep(identity, key, "create", {
            manifest: E, marker: b.marker(E, key), markerWrite: true, dependsOn: [parent.stepKey], parentKey: P.key,
            reasons: [`${label}: created by Dokploy with its project; dokploy-gitops configures it`],
          }));
          b.addDiff(step, desiredView!, liveContainerView({ name, description: DEFAULT_ENVIRONMENT_DESCRIPTION, env: "" }));
        }
        planServices(b, project, name, { state: "new", key, stepKey: E ? key : parent.stepKey }, undefined);
      } else if (E) {
        const step = b.push(newStep(identity, key, "create", { manifest: E, marker: b.marker(E, key), markerWrite: true, dependsOn: [parent.stepKey], parentKey: P.key }));
        b.addDiff(step, desiredView!, undefined);
        planServices(b, project, name, { state: "new", key, stepKey: key }, undefined);
      }
      continue;
    }
    if (parent.state === "blocked") continue; // handled by blocked()
    const envs = live!.environments;
    if (isDefault) {
      const env = envs.find((e) => e.isDefault);
      if (!env) {
        if (E) b.push(newStep(identity, key, "conflict", { manifest: E, reasons: [`${label}: the project has no default environment in Dokploy`] }));
        blockServices(b, project, name, (l) => `${l}: not planned: ${label} is missing in Dokploy`, key);
        continue;
      }
      const liveMarker = parseDescription(env.description).marker;
      if (liveMarker && liveMarker.instance !== b.instance) {
        const reason = `${label}: is managed by another dokploy-gitops instance ("${liveMarker.instance}")`;
        if (E) b.push(newStep(identity, key, "conflict", { manifest: E, reasons: [reason], dokployId: env.environmentId }));
        blockServices(b, project, name, (l) => `${l}: not planned: ${reason}`, key);
        continue;
      }
      if (E) {
        // The default environment of a project we own (or adopt) is ours; its manifest's adopt says so in the plan.
        const o = b.ownership(env.description, b.instance, env.environmentId);
        const adopt = E.adopt && o.kind !== "ours" && o.kind !== "pending";
        const step = b.ownedOrAdopted(E, adopt, env.environmentId, env.description, b.marker(E, key, env.environmentId));
        b.addDiff(step, desiredView!, liveContainerView(env));
        b.finish(step);
        step.parentKey = P.key;
        step.parentDokployId = parent.id;
        b.push(step);
      }
      planServices(b, project, name, { state: "existing", key, id: env.environmentId, ...(E ? { stepKey: key } : {}) }, env);
      continue;
    }
    if (!E) continue; // referenced but undeclared: validation reports it
    const match = matchLive(envs.filter((e) => !e.isDefault), envRef, { key, name, label, adopt: E.adopt, instance: b.instance, ownership: b.ownership });
    if (match.kind === "absent") {
      const step = b.push(newStep(identity, key, "create", { manifest: E, marker: b.marker(E, key), markerWrite: true, parentKey: P.key, parentDokployId: parent.id, dependsOn: b.dependsOnParent(parent) }));
      b.addDiff(step, desiredView!, undefined);
      planServices(b, project, name, { state: "new", key, stepKey: key }, undefined);
    } else if (match.kind === "conflict") {
      b.push(newStep(identity, key, "conflict", { manifest: E, reasons: match.reasons }));
      blockServices(b, project, name, (l) => `${l}: not planned: its environment ${label} is in conflict`, key);
    } else {
      const env = match.live;
      const step = b.ownedOrAdopted(E, match.kind === "adopt", env.environmentId, env.description, b.marker(E, key, env.environmentId));
      b.addDiff(step, desiredView!, liveContainerView(env));
      b.finish(step);
      step.parentKey = P.key;
      step.parentDokployId = parent.id;
      b.push(step);
      planServices(b, project, name, { state: "existing", key, id: env.environmentId, stepKey: key }, env);
    }
  }
}
