/**
 * Projects, environments, applications and domains behave like Dokploy's
 * (apps/dokploy/server/api/routers/*.ts, packages/server/src/db/schema/*.ts): shapes, defaults, guards, cascades and re-wraps.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
interface Created { project: Row & { projectId: string }; environment: Row & { environmentId: string } }

let sim: SimulatorHandle;
beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(async () => {
  await sim.close();
});

const createProject = (name: string, extra: Row = {}): Promise<Created> => api<Created>(sim, "POST", "project.create", { name, ...extra });
const createApp = (environmentId: string, name: string, extra: Row = {}): Promise<Row & { applicationId: string; appName: string }> =>
  api(sim, "POST", "application.create", { name, environmentId, ...extra });

describe("project", () => {
  it("create returns {project, environment} with the auto-created production environment", async () => {
    const res = await createProject("shop", { description: "Shop" });
    expect(Object.keys(res)).toEqual(["project", "environment"]);
    expect(res.project).toMatchObject({ name: "shop", description: "Shop", env: "" });
    expect(Object.keys(res.project).sort()).toEqual(["createdAt", "description", "env", "name", "organizationId", "projectId"]);
    expect(res.environment).toMatchObject({
      name: "production", description: "Production environment", isDefault: true, env: "", projectId: res.project.projectId,
    });
  });

  it("allows duplicate names", async () => {
    const a = await createProject("same");
    const b = await createProject("same");
    expect(a.project.projectId).not.toBe(b.project.projectId);
  });

  it("all lists createdAt descending without env/service descriptions, appName or domains", async () => {
    const first = await createProject("first");
    const second = await createProject("second");
    const app = await createApp(first.environment.environmentId, "web", { description: "secret-ish" });
    await api(sim, "POST", "domain.create", { host: "x.example.com", applicationId: app.applicationId });
    const all = await api<Array<Row & { environments: Row[] }>>(sim, "GET", "project.all");
    expect(all.map((p) => p.projectId)).toEqual([second.project.projectId, first.project.projectId]);
    const env = all[1]!.environments[0]!;
    expect(Object.keys(env).sort()).toEqual(
      ["applications", "compose", "environmentId", "isDefault", "libsql", "mariadb", "mongo", "mysql", "name", "postgres", "redis"],
    );
    expect(env.applications).toEqual([{ applicationId: app.applicationId, name: "web", applicationStatus: "idle" }]);
    expect(JSON.stringify(all)).not.toContain("x.example.com");
  });

  it("one nests environments (all columns) with service summaries, without domains", async () => {
    const p = await createProject("detail");
    const app = await createApp(p.environment.environmentId, "api", { description: "d1" });
    await api(sim, "POST", "domain.create", { host: "api.example.com", applicationId: app.applicationId });
    const one = await api<Row & { environments: Array<Row & { applications: Row[] }> }>(sim, "GET", "project.one", { projectId: p.project.projectId });
    expect(one.environments[0]).toMatchObject({ ...p.environment, applications: [expect.any(Object)] });
    expect(one.environments[0]!.applications[0]).toEqual({
      applicationId: app.applicationId, name: "api", description: "d1", appName: app.appName, createdAt: app.createdAt,
      serverId: null, applicationStatus: "idle", icon: null, server: null,
    });
    expect(JSON.stringify(one)).not.toContain("api.example.com");
  });

  it("one/update/remove of an unknown id give 404 Project not found", async () => {
    for (const [method, endpoint, input] of [
      ["GET", "project.one", { projectId: "nope" }],
      ["POST", "project.update", { projectId: "nope", name: "x" }],
      ["POST", "project.remove", { projectId: "nope" }],
    ] as const) {
      const res = await callApi(sim, method, endpoint, input);
      expect(res).toMatchObject({ status: 404, body: { message: "Project not found", code: "NOT_FOUND", data: { path: endpoint } } });
    }
  });

  it("update returns the updated row", async () => {
    const p = await createProject("old");
    const updated = await api<Row>(sim, "POST", "project.update", { projectId: p.project.projectId, name: "new", description: null });
    expect(updated).toMatchObject({ projectId: p.project.projectId, name: "new", description: null });
  });

  it("remove cascades to environments, applications, domains and deployments", async () => {
    const p = await createProject("doomed");
    const app = await createApp(p.environment.environmentId, "web");
    const domain = await api<{ domainId: string }>(sim, "POST", "domain.create", { host: "d.example.com", applicationId: app.applicationId });
    await api(sim, "POST", "application.deploy", { applicationId: app.applicationId });
    await sim.control.idle();
    const removed = await api<Row>(sim, "POST", "project.remove", { projectId: p.project.projectId });
    expect(removed.projectId).toBe(p.project.projectId);
    expect(sim.control.state().projects).toEqual([]);
    expect((await callApi(sim, "GET", "application.one", { applicationId: app.applicationId })).status).toBe(404);
    expect((await callApi(sim, "GET", "domain.one", { domainId: domain.domainId })).status).toBe(404);
    expect(await api(sim, "GET", "deployment.all", { applicationId: app.applicationId })).toEqual([]);
  });
});

describe("environment", () => {
  it("cannot be created with the name production", async () => {
    const p = await createProject("envs");
    const res = await callApi(sim, "POST", "environment.create", { name: "production", projectId: p.project.projectId });
    expect(res).toMatchObject({ status: 400, body: { message: "You cannot create a environment with the name 'production'" } });
  });

  it("the default environment cannot be renamed, even to its own name, but its description can change", async () => {
    const p = await createProject("envs");
    const id = p.environment.environmentId;
    const rename = await callApi(sim, "POST", "environment.update", { environmentId: id, name: "production" });
    expect(rename).toMatchObject({
      status: 400, body: { code: "BAD_REQUEST", message: "Error updating the environment: You cannot rename the default environment" },
    });
    const ok = await api<Row>(sim, "POST", "environment.update", { environmentId: id, description: "marker" });
    expect(ok).toMatchObject({ environmentId: id, name: "production", description: "marker", isDefault: true });
  });

  it("update re-wraps not found as 400", async () => {
    const res = await callApi(sim, "POST", "environment.update", { environmentId: "nope", description: "x" });
    expect(res).toMatchObject({ status: 400, body: { message: "Error updating the environment: Environment not found" } });
  });

  it("remove refuses the default environment and environments with services", async () => {
    const p = await createProject("envs");
    const staging = await api<Row & { environmentId: string }>(sim, "POST", "environment.create", { name: "staging", projectId: p.project.projectId });
    expect(staging).toMatchObject({ name: "staging", description: null, isDefault: false, env: "" });
    const app = await createApp(staging.environmentId, "web");
    expect(await callApi(sim, "POST", "environment.remove", { environmentId: p.environment.environmentId })).toMatchObject({
      status: 400, body: { message: "You cannot delete the default environment" },
    });
    expect(await callApi(sim, "POST", "environment.remove", { environmentId: staging.environmentId })).toMatchObject({
      status: 400, body: { message: "Cannot delete environment: it has active services. Delete all services first." },
    });
    await api(sim, "POST", "application.delete", { applicationId: app.applicationId });
    expect(await api<Row>(sim, "POST", "environment.remove", { environmentId: staging.environmentId })).toMatchObject({ name: "staging" });
    expect((await callApi(sim, "POST", "environment.remove", { environmentId: staging.environmentId })).status).toBe(404);
  });

  it("one has no createdAt and no appName; byProjectId is createdAt ascending with appName; unknown project gives []", async () => {
    const p = await createProject("envs");
    const staging = await api<Row & { environmentId: string }>(sim, "POST", "environment.create", { name: "staging", projectId: p.project.projectId, description: "s" });
    const app = await createApp(staging.environmentId, "web");
    const one = await api<Row & { applications: Row[]; project: Row }>(sim, "GET", "environment.one", { environmentId: staging.environmentId });
    expect(one).not.toHaveProperty("createdAt");
    expect(one.project).toMatchObject({ projectId: p.project.projectId });
    expect(one.applications[0]).not.toHaveProperty("appName");
    const list = await api<Array<Row & { applications: Row[] }>>(sim, "GET", "environment.byProjectId", { projectId: p.project.projectId });
    expect(list.map((e) => e.name)).toEqual(["production", "staging"]);
    expect(list[1]!.applications[0]).toMatchObject({ appName: app.appName, description: null });
    expect(await api(sim, "GET", "environment.byProjectId", { projectId: "nope" })).toEqual([]);
  });
});

describe("application", () => {
  it("appName is the cleaned given name plus 6 random characters, or a faker-style default", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web", { appName: "Shop-Web" });
    expect(a.appName).toMatch(/^shop-web-[a-z0-9]{6}$/);
    const b = await createApp(p.environment.environmentId, "web");
    expect(b.appName).toMatch(/^app-[a-z-]+-[a-z1-9]{6}$/);
  });

  it("appName is immutable: update accepts and drops it", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web", { appName: "web" });
    expect(await api(sim, "POST", "application.update", { applicationId: a.applicationId, appName: "other", name: "renamed" })).toBe(true);
    const one = await api<Row>(sim, "GET", "application.one", { applicationId: a.applicationId });
    expect(one).toMatchObject({ appName: a.appName, name: "renamed" });
  });

  it("an appName clash gives 409 (same seed, same calls, a look-alike seeded without using the random source)", async () => {
    const twin = await startTestSimulator({ seed: 77 });
    const other = await startTestSimulator({ seed: 77 });
    try {
      const p1 = await api<Created>(twin, "POST", "project.create", { name: "apps" });
      const predicted = await api<{ appName: string }>(twin, "POST", "application.create", { name: "web", environmentId: p1.environment.environmentId, appName: "web" });
      const p2 = await api<Created>(other, "POST", "project.create", { name: "apps" });
      other.control.seed({
        applications: [{ environmentId: p2.environment.environmentId, name: "squatter", appName: predicted.appName, applicationId: "squat", refreshToken: "t" }],
      });
      const res = await callApi(other, "POST", "application.create", { name: "web", environmentId: p2.environment.environmentId, appName: "web" });
      expect(res).toMatchObject({ status: 409, body: { code: "CONFLICT", message: "Application with this 'AppName' already exists" } });
    } finally {
      await twin.close();
      await other.close();
    }
  });

  it("update of an unknown id gives 400 Error updating application; create in an unknown env gives 404", async () => {
    expect(await callApi(sim, "POST", "application.update", { applicationId: "nope", name: "x" })).toMatchObject({
      status: 400, body: { message: "Error updating application" },
    });
    expect(await callApi(sim, "POST", "application.create", { name: "x", environmentId: "nope" })).toMatchObject({
      status: 404, body: { message: "Environment not found" },
    });
  });

  it("one returns every column with Dokploy's defaults plus relations", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web");
    const one = await api<Row & { environment: Row & { project: Row } }>(sim, "GET", "application.one", { applicationId: a.applicationId });
    expect(one).toMatchObject({
      sourceType: "github", buildType: "nixpacks", applicationStatus: "idle", replicas: 1, autoDeploy: true,
      triggerType: "push", cleanCache: false, dockerfile: "Dockerfile", buildPath: "/", gitlabBuildPath: "/",
      giteaBuildPath: "/", bitbucketBuildPath: "/", railpackVersion: "0.15.4", herokuVersion: "24", createEnvFile: true,
      enableSubmodules: false, networkIds: [], detachDokployNetwork: false, rollbackActive: false, previewPort: 3000,
      previewPath: "/", previewLimit: 3, previewCertificateType: "none", isPreviewDeploymentsActive: false,
      env: null, watchPaths: null, args: null, description: null, dockerImage: null,
      domains: [], deployments: [], mounts: [], redirects: [], security: [], ports: [],
      hasGitProviderAccess: true, unauthorizedProvider: null,
    });
    expect(one.environment).toMatchObject({ environmentId: p.environment.environmentId, isDefault: true });
    expect(one.environment.project).toMatchObject({ projectId: p.project.projectId });
  });

  it("save*Provider sets the fields, sourceType and applicationStatus idle, and returns true", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web");
    await api(sim, "POST", "application.update", { applicationId: a.applicationId, applicationStatus: "done" });
    expect(await api(sim, "POST", "application.saveGitProvider", {
      applicationId: a.applicationId, customGitUrl: "https://git.example.com/x.git", customGitBuildPath: "/",
      watchPaths: null, customGitBranch: "main",
    })).toBe(true);
    let one = await api<Row>(sim, "GET", "application.one", { applicationId: a.applicationId });
    expect(one).toMatchObject({ sourceType: "git", applicationStatus: "idle", customGitUrl: "https://git.example.com/x.git", customGitBranch: "main" });
    await api(sim, "POST", "application.saveDockerProvider", {
      applicationId: a.applicationId, dockerImage: "nginx:1.27", username: null, password: null, registryUrl: null,
    });
    await api(sim, "POST", "application.saveBuildType", {
      applicationId: a.applicationId, buildType: "dockerfile", dockerfile: null, dockerContextPath: null,
      dockerBuildStage: null, herokuVersion: null, railpackVersion: null,
    });
    await api(sim, "POST", "application.saveEnvironment", {
      applicationId: a.applicationId, env: "A=1", buildArgs: null, buildSecrets: null, createEnvFile: false,
    });
    one = await api<Row>(sim, "GET", "application.one", { applicationId: a.applicationId });
    expect(one).toMatchObject({
      sourceType: "docker", dockerImage: "nginx:1.27", customGitUrl: "https://git.example.com/x.git",
      buildType: "dockerfile", dockerfile: null, env: "A=1", createEnvFile: false,
    });
  });

  it("start and stop return the row read before and set done / idle", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web");
    await api(sim, "POST", "application.saveDockerProvider", { applicationId: a.applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    await api(sim, "POST", "application.deploy", { applicationId: a.applicationId });
    await sim.control.idle();
    await api(sim, "POST", "application.stop", { applicationId: a.applicationId });
    const started = await callApi(sim, "POST", "application.start", { applicationId: a.applicationId });
    expect(started).toMatchObject({ status: 200, body: { applicationId: a.applicationId, applicationStatus: "idle" } });
    expect(await api(sim, "GET", "application.one", { applicationId: a.applicationId })).toMatchObject({ applicationStatus: "done" });
    const stopped = await callApi(sim, "POST", "application.stop", { applicationId: a.applicationId });
    expect(stopped).toMatchObject({ status: 200, body: { applicationId: a.applicationId, applicationStatus: "done" } });
    expect(await api(sim, "GET", "application.one", { applicationId: a.applicationId })).toMatchObject({ applicationStatus: "idle" });
  });

  it("delete returns the application with relations and removes its domains", async () => {
    const p = await createProject("apps");
    const a = await createApp(p.environment.environmentId, "web");
    await api(sim, "POST", "domain.create", { host: "w.example.com", applicationId: a.applicationId });
    const deleted = await api<Row & { domains: Row[] }>(sim, "POST", "application.delete", { applicationId: a.applicationId });
    expect(deleted.domains).toHaveLength(1);
    expect(await api(sim, "GET", "domain.byApplicationId", { applicationId: a.applicationId })).toEqual([]);
  });
});

describe("domain", () => {
  it("create applies defaults, keeps explicit nulls, allows duplicate hosts", async () => {
    const p = await createProject("doms");
    const a = await createApp(p.environment.environmentId, "web");
    const d1 = await api<Row>(sim, "POST", "domain.create", { host: "  same.example.com", applicationId: a.applicationId }).catch((e: Error) => e);
    expect(d1).toBeInstanceOf(Error); // leading spaces are refused
    const first = await api<Row>(sim, "POST", "domain.create", { host: "same.example.com", applicationId: a.applicationId, domainType: "application" });
    expect(first).toMatchObject({
      host: "same.example.com", https: false, port: 3000, path: "/", internalPath: "/", stripPath: false,
      certificateType: "none", domainType: "application", middlewares: [], forwardAuthEnabled: false, enabled: true,
      applicationId: a.applicationId, uniqueConfigKey: expect.any(Number),
    });
    const second = await api<Row>(sim, "POST", "domain.create", { host: "same.example.com", applicationId: a.applicationId, port: null, path: null });
    expect(second).toMatchObject({ port: null, path: null });
    const list = await api<Array<Row & { application: Row }>>(sim, "GET", "domain.byApplicationId", { applicationId: a.applicationId });
    expect(list).toHaveLength(2);
    expect(list[0]!.application).toEqual({ applicationId: a.applicationId, appName: a.appName, name: "web" });
  });

  it("create with an unknown application is a 400 with drizzle's message (the SQL and the bound values)", async () => {
    const res = await callApi(sim, "POST", "domain.create", { host: "x.example.com", applicationId: "nope" });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/^Failed query: insert into "domain" .*\nparams: .*x\.example\.com/s);
  });

  it("update requires host and returns the row without relation; one/delete of unknown ids are 404", async () => {
    const p = await createProject("doms");
    const a = await createApp(p.environment.environmentId, "web");
    const d = await api<Row & { domainId: string }>(sim, "POST", "domain.create", { host: "u.example.com", applicationId: a.applicationId });
    expect((await callApi(sim, "POST", "domain.update", { domainId: d.domainId })).status).toBe(400);
    const updated = await api<Row>(sim, "POST", "domain.update", { domainId: d.domainId, host: "v.example.com", https: true, certificateType: "letsencrypt" });
    expect(updated).toMatchObject({ host: "v.example.com", https: true, certificateType: "letsencrypt" });
    expect(updated).not.toHaveProperty("application");
    const one = await api<Row>(sim, "GET", "domain.one", { domainId: d.domainId });
    expect(one).toMatchObject({ host: "v.example.com", application: { applicationId: a.applicationId } });
    expect(await api<Row>(sim, "POST", "domain.delete", { domainId: d.domainId })).toMatchObject({ domainId: d.domainId });
    expect(await callApi(sim, "GET", "domain.one", { domainId: d.domainId })).toMatchObject({ status: 404, body: { message: "Domain not found" } });
    expect((await callApi(sim, "POST", "domain.delete", { domainId: d.domainId })).status).toBe(404);
  });
});
