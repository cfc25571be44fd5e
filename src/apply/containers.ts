/**
 * Steps for projects and environments. A create writes a *pending* marker
 * (no id) in the same call, then the id once known; a create whose answer
 * was lost is found again by that pending marker instead of being re-sent.
 */
import { ownershipOf, parseDescription, renderDescription, type Marker } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT, resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import { desiredContainerView, type EnvView } from "../plan/views.ts";
import { DEFAULT_ENVIRONMENT_DESCRIPTION } from "../plan/planner.ts";
import type { StepOutcome } from "./types.ts";
import { envText } from "./payloads.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "./context.ts";

type Result = Partial<StepOutcome>;

function desiredOf(step: PlanStep): { text: string; env: EnvView; name: string } {
  const m = step.manifest;
  if (!m || (m.kind !== "Project" && m.kind !== "Environment")) throw new Error(`${step.key}: internal error: no manifest`);
  const isDefaultEnv = m.kind === "Environment" && m.metadata.name === DEFAULT_ENVIRONMENT;
  const view = desiredContainerView(m.metadata.name, { ...m.spec, description: m.spec.description ?? (isDefaultEnv ? DEFAULT_ENVIRONMENT_DESCRIPTION : "") });
  return { text: String(view.spec.description), env: view.spec.env as EnvView, name: m.metadata.name };
}

const changed = (step: PlanStep, prefix: string): boolean => step.changes.some((c) => c.path === prefix || c.path.startsWith(`${prefix}/`));

function withId(marker: Marker | undefined, id: string): Marker {
  if (!marker) throw new Error("internal error: step without marker");
  return { ...marker, id };
}

export async function applyProject(ctx: ApplyContext, step: PlanStep): Promise<Result> {
  const { api } = ctx;
  switch (step.action) {
    case "create": {
      const d = desiredOf(step);
      const pending = renderDescription(d.text, withoutId(step.marker));
      let projectId: string;
      let defaultEnvId: string | undefined;
      try {
        const res = await api.projectCreate({ name: d.name, description: pending, env: envText(d.env, ctx.secrets, "/spec/env") });
        projectId = res.project.projectId;
        defaultEnvId = res.environment?.environmentId;
      } catch (err) {
        if (!mayHaveApplied(err)) throw err;
        const found = (await api.projectAll()).filter((p) => {
          const o = ownershipOf(p.description, ctx.instance, p.projectId);
          return o.kind === "pending" && o.marker.key === step.key;
        });
        if (found.length !== 1) throw err;
        projectId = found[0]!.projectId;
      }
      await api.projectUpdate({ projectId, description: renderDescription(d.text, withId(step.marker, projectId)) });
      if (!defaultEnvId) {
        const detail = await api.projectOne({ projectId });
        defaultEnvId = detail.environments.find((e) => e.isDefault)?.environmentId;
      }
      ctx.ids.set(step.key, projectId);
      if (defaultEnvId) ctx.ids.set(`Environment/${step.identity.project}/${DEFAULT_ENVIRONMENT}`, defaultEnvId);
      return { dokployId: projectId };
    }
    case "update":
    case "adopt": {
      const d = desiredOf(step);
      const projectId = ctx.idOf(step.key);
      const input: Parameters<typeof api.projectUpdate>[0] = { projectId };
      if (changed(step, "/metadata/name")) input.name = d.name;
      if (step.markerWrite || changed(step, "/spec/description")) input.description = renderDescription(d.text, withId(step.marker, projectId));
      if (changed(step, "/spec/env")) input.env = envText(d.env, ctx.secrets, "/spec/env");
      if (Object.keys(input).length > 1) await api.projectUpdate(input);
      return { dokployId: projectId };
    }
    case "delete":
    case "orphan": {
      const projectId = ctx.idOf(step.key);
      let live;
      try {
        live = await api.projectOne({ projectId });
      } catch (err) {
        if (isNotFound(err)) return { dokployId: projectId };
        throw err;
      }
      ctx.assertStillOurs(step, live.description, projectId);
      if (step.action === "orphan") {
        await api.projectUpdate({ projectId, description: releasedText(live.description) });
        return { dokployId: projectId };
      }
      const leftovers: string[] = [];
      for (const env of live.environments) {
        if (!env.isDefault) leftovers.push(`environment ${env.name}`);
        for (const a of env.applications ?? []) leftovers.push(`application ${a.name}`);
        for (const kind of ["compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql"]) {
          const list = (env as Record<string, unknown>)[kind];
          if (Array.isArray(list)) for (const s of list as Array<{ name?: string }>) leftovers.push(`${kind} ${s.name ?? "?"}`);
        }
      }
      if (leftovers.length > 0) {
        throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: it still holds ${leftovers.join(", ")}, which Dokploy would delete with it; left untouched`);
      }
      try {
        await api.projectRemove({ projectId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return { dokployId: projectId };
    }
    default:
      return {};
  }
}

export async function applyEnvironment(ctx: ApplyContext, step: PlanStep): Promise<Result> {
  const { api } = ctx;
  const isDefault = step.identity.name === DEFAULT_ENVIRONMENT;
  switch (step.action) {
    case "create": {
      const d = desiredOf(step);
      if (isDefault) {
        // Created by Dokploy with the project: configure it (never send `name`).
        const environmentId = ctx.idOf(step.key);
        await api.environmentUpdate({ environmentId, description: renderDescription(d.text, withId(step.marker, environmentId)), env: envText(d.env, ctx.secrets, "/spec/env") });
        return { dokployId: environmentId };
      }
      const projectId = ctx.idOf(step.parentKey!);
      let environmentId: string;
      try {
        const row = await api.environmentCreate({ name: d.name, projectId, description: renderDescription(d.text, withoutId(step.marker)) });
        environmentId = row.environmentId;
      } catch (err) {
        if (!mayHaveApplied(err)) throw err;
        const detail = await api.projectOne({ projectId });
        const found = detail.environments.filter((e) => {
          const o = ownershipOf(e.description, ctx.instance, e.environmentId);
          return o.kind === "pending" && o.marker.key === step.key;
        });
        if (found.length !== 1) throw err;
        environmentId = found[0]!.environmentId;
      }
      await api.environmentUpdate({ environmentId, description: renderDescription(d.text, withId(step.marker, environmentId)), env: envText(d.env, ctx.secrets, "/spec/env") });
      ctx.ids.set(step.key, environmentId);
      return { dokployId: environmentId };
    }
    case "update":
    case "adopt": {
      const d = desiredOf(step);
      const environmentId = ctx.idOf(step.key);
      const input: Parameters<typeof api.environmentUpdate>[0] = { environmentId };
      if (!isDefault && changed(step, "/metadata/name")) input.name = d.name;
      if (step.markerWrite || changed(step, "/spec/description")) input.description = renderDescription(d.text, withId(step.marker, environmentId));
      if (changed(step, "/spec/env")) input.env = envText(d.env, ctx.secrets, "/spec/env");
      if (Object.keys(input).length > 1) await api.environmentUpdate(input);
      return { dokployId: environmentId };
    }
    case "delete":
    case "orphan": {
      const environmentId = ctx.idOf(step.key);
      let live: { description: string | null };
      try {
        live = (await api.environmentOne({ environmentId })) as { description: string | null };
      } catch (err) {
        if (isNotFound(err)) return { dokployId: environmentId };
        throw err;
      }
      ctx.assertStillOurs(step, live.description, environmentId);
      if (step.action === "orphan") {
        await api.environmentUpdate({ environmentId, description: releasedText(live.description) });
        return { dokployId: environmentId };
      }
      try {
        await api.environmentRemove({ environmentId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return { dokployId: environmentId };
    }
    default:
      return {};
  }
}

/** The marker without its id: what a create writes before the id is known. */
export function withoutId(marker: Marker | undefined): Marker {
  if (!marker) throw new Error("internal error: step without marker");
  const { id: _id, ...rest } = marker;
  return rest;
}

/** The user's description with our marker removed (releasing ownership). */
export function releasedText(description: string | null): string {
  return parseDescription(description).text;
}
