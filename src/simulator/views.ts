/**
 * Response shapes: which columns and relations each read endpoint returns
 * (the `with` clauses of packages/server/src/services/{project,environment,
 * application,domain,deployment}.ts and the routers in
 * apps/dokploy/server/api/routers/; the compose and database arrays come from `service-views.ts`). These differ per endpoint on purpose — `project.all` has no
 * service descriptions or appName, `environment.one` has no appName and no
 * createdAt, `project.one` has no domains — because a reconciler that relies
 * on a field an endpoint does not return must fail here, not in production.
 */
import { serviceLists } from "./service-views.ts";
import type { Store } from "./store.ts";
import type { ApplicationRecord, DomainRecord, EnvironmentRecord, ProjectRecord, Row } from "./types.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** `project.all` item: the project row, environments with minimal service lists, `projectTags`. */
export function projectListItem(store: Store, p: ProjectRecord): Row {
  return {
    ...copy(p),
    environments: store.environmentsOf(p.projectId).map((e) => ({
      name: e.name,
      environmentId: e.environmentId,
      isDefault: e.isDefault,
      applications: store.applicationsOf(e.environmentId).map((a) => ({
        applicationId: a.applicationId,
        name: a.name,
        applicationStatus: a.applicationStatus,
      })),
      ...serviceLists(store, e, "projectAll"),
    })),
    projectTags: [],
  };
}

/** Service summary nested in `project.one` (with description and appName). */
function applicationSummary(a: ApplicationRecord): Row {
  return {
    applicationId: a.applicationId,
    name: a.name,
    description: a.description,
    appName: a.appName,
    createdAt: a.createdAt,
    serverId: a.serverId ?? null,
    applicationStatus: a.applicationStatus,
    icon: a.icon ?? null,
    server: null,
  };
}

/** `project.one`: project row + `projectTags` + environments (all columns) with service summaries. No domains. */
export function projectDetail(store: Store, p: ProjectRecord): Row {
  return {
    ...copy(p),
    projectTags: [],
    environments: store.environmentsOf(p.projectId).map((e) => ({
      ...copy(e),
      applications: store.applicationsOf(e.environmentId).map(applicationSummary),
      ...serviceLists(store, e, "projectOne"),
    })),
  };
}

/** `environment.one`: selected env columns (no createdAt) + project + services without appName. */
export function environmentDetail(store: Store, e: EnvironmentRecord): Row {
  return {
    name: e.name,
    description: e.description,
    environmentId: e.environmentId,
    isDefault: e.isDefault,
    projectId: e.projectId,
    env: e.env,
    project: copy(store.projects.get(e.projectId) ?? null),
    applications: store.applicationsOf(e.environmentId).map((a) => ({
      applicationId: a.applicationId,
      name: a.name,
      description: a.description,
      createdAt: a.createdAt,
      applicationStatus: a.applicationStatus,
      serverId: a.serverId ?? null,
      icon: a.icon ?? null,
      server: null,
    })),
    ...serviceLists(store, e, "environmentOne"),
  };
}

/** `environment.byProjectId` item: env basics + project + services with appName and description. */
export function environmentListItem(store: Store, e: EnvironmentRecord): Row {
  return {
    name: e.name,
    description: e.description,
    environmentId: e.environmentId,
    isDefault: e.isDefault,
    project: copy(store.projects.get(e.projectId) ?? null),
    applications: store.applicationsOf(e.environmentId).map(applicationSummary),
    ...serviceLists(store, e, "byProjectId"),
  };
}

/**
 * `findApplicationById`: every column + environment.project, domains,
 * deployments (unsorted), the service children (mounts, redirects, security,
 * ports; not schedules or volume backups) and empty relations.
 */
export function applicationWithRelations(store: Store, a: ApplicationRecord): Row {
  const env = store.environments.get(a.environmentId);
  const children = store.children;
  return {
    ...copy(a),
    environment: env ? { ...copy(env), project: copy(store.projects.get(env.projectId) ?? null) } : null,
    domains: store.domainsOf(a.applicationId).map(copy),
    deployments: store.deploymentsOf(a.applicationId).map(copy),
    mounts: store.mountsOf("application", a.applicationId).map(copy),
    redirects: children.redirects.byParent("applicationId", a.applicationId).map(copy),
    security: children.security.byParent("applicationId", a.applicationId).map(copy),
    ports: children.ports.byParent("applicationId", a.applicationId).map(copy),
    previewDeployments: [],
    gitlab: null,
    github: null,
    bitbucket: null,
    gitea: null,
    server: null,
    registry: null,
    buildRegistry: null,
    rollbackRegistry: null,
  };
}

/** `domain.one` / `domain.byApplicationId` item: row + `application{applicationId, appName, name}` or null (a compose domain's). */
export function domainWithApplication(store: Store, d: DomainRecord): Row {
  const app = d.applicationId ? store.applications.get(d.applicationId) : undefined;
  return {
    ...copy(d),
    application: app ? { applicationId: app.applicationId, appName: app.appName, name: app.name } : null,
  };
}
