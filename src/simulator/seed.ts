/**
 * Seeding objects straight into the store, as a person clicking in the UI (or
 * another tool) would have made them: unowned look-alikes, copied markers,
 * history. Seeded rows get the same defaults as API-created ones.
 */
import { applicationRow, deploymentRow, domainRow, environmentRow } from "./rows.ts";
import { createProjectWithDefault } from "./routes/project.ts";
import type { RouteContext } from "./routes/context.ts";
import type { SeedApplication, SeedData, SeedDomain, SeedEnvironment, SeedResult } from "./types.ts";
// ---- service children (issue 15) ----
import { CHILD_SEED_KEYS, emptyChildSeedResult, seedChildData, seedDestinations, seedServiceChildren } from "./seed-children.ts";

function columns<T extends Record<string, unknown>>(row: T, drop: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !drop.includes(k) && v !== undefined));
}

function need(cond: boolean, message: string): void {
  if (!cond) throw new Error(`simulator seed: ${message}`);
}

/** Inserts `data`; throws a specific error (and inserts nothing more) on a bad reference or duplicate id. */
export function seedStore(ctx: RouteContext, data: SeedData): SeedResult {
  const { store } = ctx;
  const result: SeedResult = {
    projectIds: [], environmentIds: [], applicationIds: [], domainIds: [], deploymentIds: [], ids: {}, ...emptyChildSeedResult(),
  };
  seedDestinations(ctx, data, result);

  const addDomain = (applicationId: string, d: SeedDomain, path: string): void => {
    need(typeof d.host === "string", `${path}: a domain needs a "host" string`);
    need(!d.domainId || !store.domains.has(d.domainId), `${path}: domainId ${d.domainId} already exists`);
    const row = store.insertDomain(
      domainRow({
        ...columns(d, ["domainId"]),
        domainId: d.domainId ?? store.random.id(),
        host: d.host,
        applicationId,
        uniqueConfigKey: store.nextUniqueConfigKey(),
        createdAt: store.now(),
      }),
    );
    result.domainIds.push(row.domainId);
    result.ids[`${path}/${row.host}`] = row.domainId;
  };

  const addApplication = (environmentId: string, a: SeedApplication, path: string): void => {
    need(typeof a.name === "string" && a.name.length > 0, `${path}: an application needs a "name"`);
    need(!a.applicationId || !store.applications.has(a.applicationId), `${path}: applicationId ${a.applicationId} already exists`);
    const appName = a.appName ?? `${a.name.trim().replace(/ /g, "-").toLowerCase()}-${store.random.appNameSuffix()}`;
    need(store.appIdByAppName(appName) === undefined, `${path}: appName ${appName} already exists`);
    const row = store.insertApplication(
      applicationRow({
        ...columns(a, ["applicationId", "domains", "appName", ...CHILD_SEED_KEYS]),
        applicationId: a.applicationId ?? store.random.id(),
        name: a.name,
        appName,
        environmentId,
        refreshToken: (a.refreshToken as string | undefined) ?? store.random.id(),
        createdAt: store.now(),
      }),
    );
    const appPath = `${path}/${row.name}`;
    result.applicationIds.push(row.applicationId);
    result.ids[appPath] = row.applicationId;
    for (const d of a.domains ?? []) addDomain(row.applicationId, d, appPath);
    seedServiceChildren(ctx, "application", row.applicationId, a, appPath, result);
  };

  const addEnvironment = (projectId: string, e: SeedEnvironment, path: string): void => {
    need(typeof e.name === "string" && e.name.length > 0, `${path}: an environment needs a "name"`);
    const existingDefault = e.name === "production"
      ? store.environmentsOf(projectId).find((x) => x.isDefault)
      : undefined;
    let environmentId: string;
    if (existingDefault) {
      store.patch("environment", existingDefault.environmentId, columns(e, ["environmentId", "applications", "name", "projectId"]));
      environmentId = existingDefault.environmentId;
    } else {
      need(!e.environmentId || !store.environments.has(e.environmentId), `${path}: environmentId ${e.environmentId} already exists`);
      const row = store.insertEnvironment(
        environmentRow({
          ...columns(e, ["environmentId", "applications", "projectId"]),
          environmentId: e.environmentId ?? store.random.id(),
          name: e.name,
          projectId,
          createdAt: store.now(),
        } as Parameters<typeof environmentRow>[0]),
      );
      environmentId = row.environmentId;
      result.environmentIds.push(environmentId);
    }
    const envPath = `${path}/${e.name}`;
    result.ids[envPath] = environmentId;
    for (const a of e.applications ?? []) addApplication(environmentId, a, envPath);
  };

  for (const p of data.projects ?? []) {
    need(typeof p.name === "string" && p.name.length > 0, `projects[]: a project needs a "name"`);
    need(!p.projectId || !store.projects.has(p.projectId), `project ${p.name}: projectId ${p.projectId} already exists`);
    const { project, environment } = createProjectWithDefault(ctx, {
      name: p.name,
      description: p.description,
      env: p.env,
      projectId: p.projectId,
    });
    const extra = columns(p, ["projectId", "environments", "name", "description", "env"]);
    if (Object.keys(extra).length > 0) store.patch("project", project.projectId, extra);
    result.projectIds.push(project.projectId);
    result.environmentIds.push(environment.environmentId);
    result.ids[p.name] = project.projectId;
    result.ids[`${p.name}/production`] = environment.environmentId;
    for (const e of p.environments ?? []) addEnvironment(project.projectId, e, p.name);
  }
  for (const e of data.environments ?? []) {
    const project = store.projects.get(e.projectId);
    need(project !== undefined, `environments[]: project ${e.projectId} does not exist`);
    addEnvironment(e.projectId, e, project!.name);
  }
  for (const a of data.applications ?? []) {
    const env = store.environments.get(a.environmentId);
    need(env !== undefined, `applications[]: environment ${a.environmentId} does not exist`);
    addApplication(a.environmentId, a, `${store.projects.get(env!.projectId)?.name ?? "?"}/${env!.name}`);
  }
  for (const d of data.domains ?? []) {
    const app = store.applications.get(d.applicationId);
    need(app !== undefined, `domains[]: application ${d.applicationId} does not exist`);
    addDomain(d.applicationId, d, app!.name);
  }
  for (const dep of data.deployments ?? []) {
    need(store.applications.has(dep.applicationId), `deployments[]: application ${dep.applicationId} does not exist`);
    const at = store.now();
    const row = store.insertDeployment(
      deploymentRow({
        ...columns(dep, []),
        deploymentId: (dep.deploymentId as string | undefined) ?? store.random.id(),
        title: dep.title ?? "Manual deployment",
        status: dep.status ?? "done",
        applicationId: dep.applicationId,
        createdAt: (dep.createdAt as string | undefined) ?? at,
        startedAt: (dep.startedAt as string | undefined) ?? at,
        finishedAt: (dep.finishedAt as string | undefined) ?? (dep.status === "running" ? null : at),
      }),
    );
    result.deploymentIds.push(row.deploymentId);
  }
  seedChildData(ctx, data, result);
  return result;
}
