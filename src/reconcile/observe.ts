/**
 * Observing Dokploy: the live state the planner needs, at the cost Dokploy's
 * API forces and no more: `project.all`, one `project.one` per project in
 * scope (ours, or named by a manifest), and one `application.one` per
 * application that is ours or that a manifest adopts. Nothing outside the
 * manifests' projects is read in detail.
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { ProjectDetail } from "../dokploy/types.ts";
import type { DesiredState } from "../model/manifest.ts";
import type { ObservedApplication, ObservedEnvironment, ObservedProject, ObservedState } from "../model/observed.ts";
import { DEFAULT_ENVIRONMENT } from "../model/resource.ts";
import { isClaimed } from "../plan/match.ts";
import { mapConcurrent } from "../util/concurrency.ts";

/** Service arrays of a `project.one` environment that are not applications. */
const OTHER_SERVICES: Array<[string, string]> = [
  ["compose", "composeId"], ["postgres", "postgresId"], ["mysql", "mysqlId"], ["mariadb", "mariadbId"],
  ["mongo", "mongoId"], ["redis", "redisId"], ["libsql", "libsqlId"],
];

export interface ObserveOptions {
  instance: string;
  concurrency: number;
}

/** Reads the live state relevant to `desired` for this instance. */
export async function observeDokploy(api: DokployApi, desired: DesiredState, options: ObserveOptions): Promise<ObservedState> {
  const { instance } = options;
  const desiredProjects = new Set(desired.manifests.filter((m) => m.kind === "Project").map((m) => m.metadata.name));
  // Applications a manifest adopts: read their details too, by (project, environment, name).
  const adopting = new Set(
    desired.manifests
      .filter((m) => m.kind === "Application" && m.adopt)
      .map((m) => `${m.metadata.project}/${m.metadata.environment}/${m.metadata.name}`),
  );

  const all = await api.projectAll();
  const inScope = all.filter((p) => desiredProjects.has(p.name) || isClaimed({ id: p.projectId, name: p.name, description: p.description }, instance));
  const details = await mapConcurrent(inScope, options.concurrency, (p) => api.projectOne({ projectId: p.projectId }));
  const detailById = new Map(details.map((d) => [d.projectId, d]));

  const projects: ObservedProject[] = all.map((p) => {
    const d = detailById.get(p.projectId);
    return {
      projectId: p.projectId,
      name: p.name,
      description: p.description,
      env: p.env ?? "",
      environments: d ? d.environments.map(toEnvironment) : [],
      detailed: d !== undefined,
    };
  });

  const toRead: ObservedApplication[] = [];
  for (const p of projects) {
    if (!p.detailed) continue;
    for (const e of p.environments) {
      const envName = e.isDefault ? DEFAULT_ENVIRONMENT : e.name;
      for (const a of e.applications) {
        const ours = isClaimed({ id: a.applicationId, name: a.name, description: a.description }, instance);
        if (ours || adopting.has(`${p.name}/${envName}/${a.name}`) || adopting.has(`${p.name}/${e.name}/${a.name}`)) toRead.push(a);
      }
    }
  }
  await mapConcurrent(toRead, options.concurrency, async (a) => {
    a.detail = await api.applicationOne({ applicationId: a.applicationId });
  });
  return { projects };
}

function toEnvironment(e: ProjectDetail["environments"][number]): ObservedEnvironment {
  const otherServices: ObservedEnvironment["otherServices"] = [];
  for (const [kind, idField] of OTHER_SERVICES) {
    const list = (e as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    for (const s of list as Array<Record<string, unknown>>) {
      otherServices.push({ kind, id: String(s[idField] ?? ""), name: String(s.name ?? "") });
    }
  }
  return {
    environmentId: e.environmentId,
    name: e.name,
    description: e.description,
    env: e.env ?? "",
    isDefault: e.isDefault,
    applications: (e.applications ?? []).map((a) => ({
      applicationId: a.applicationId,
      name: a.name,
      description: a.description,
      appName: a.appName,
      applicationStatus: a.applicationStatus,
    })),
    otherServices,
  };
}
