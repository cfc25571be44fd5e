/**
 * Contract tests: one scenario through the real client against the simulator,
 * checking every shape and status of Dokploy v0.30.2 (apps/dokploy/server/api/routers/*.ts) that the reconciler relies on.
 * If Dokploy's behaviour (as the simulator reproduces it) and the client's
 * reading of it ever drift apart, this is the test that says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDokployClient, UNAUTHORIZED_MESSAGE } from "../../../src/dokploy/client.ts";
import type { DokployClient } from "../../../src/dokploy/client.ts";
import type { DokployError } from "../../../src/dokploy/errors.ts";
import type { ProjectCreateResult } from "../../../src/dokploy/types.ts";
import { startSimulator } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { dokployRejection, expectNoKeyIn } from "./leak-check.ts";
import { FAST_BUILDS } from "../../helpers/simulator.ts";

type Sim = Awaited<ReturnType<typeof startSimulator>>;

let sim: Sim;
let api: DokployClient;

beforeAll(async () => {
  // queueDelayMs 0: with a positive delay the simulator's queue (as of this commit) can miss its
  // start timer when setTimeout fires a millisecond before Date.now() reaches readyAt.
  sim = await startSimulator({ seed: 3, deployDurationMs: 30, queueDelayMs: 0, ...FAST_BUILDS });
  api = createDokployClient({ url: `${sim.url}/`, apiKey: sim.apiKey, requestTimeoutMs: 5_000 });
});

afterAll(async () => {
  await api?.close();
  await sim?.close();
});

/** Expects a DokployError and checks it for the key. */
const fails = (promise: Promise<unknown>): Promise<DokployError> => dokployRejection(promise, sim.apiKey);

describe("Dokploy contract (client against simulator)", () => {
  // One scenario, in order: later steps use what earlier ones created.
  let created: ProjectCreateResult;
  let prodId: string;
  let stagingId: string;
  let appId: string;
  let appName: string;
  let domainId: string;

  it("health and version (§1.7)", async () => {
    await expect(api.health()).resolves.toEqual({ ok: true });
    await expect(api.settingsGetDokployVersion()).resolves.toMatch(/^v\d+\.\d+\.\d+/);
    await expect(api.projectAll()).resolves.toEqual([]);
  });

  it("project.create wraps {project, environment} and creates production (§2)", async () => {
    created = await api.projectCreate({ name: "shop", description: "the shop" });
    expect(created.project).toMatchObject({ name: "shop", description: "the shop", env: "" });
    expect(created.project.projectId).toEqual(expect.any(String));
    expect(created.project.createdAt).toEqual(expect.any(String));
    expect(created.project.organizationId).toEqual(expect.any(String));
    expect(created.environment).toMatchObject({
      name: "production",
      isDefault: true,
      description: "Production environment",
      projectId: created.project.projectId,
    });
    prodId = created.environment.environmentId;
  });

  it("refuses to create or rename the production environment; allows its description (§3)", async () => {
    const createErr = await fails(api.environmentCreate({ name: "production", projectId: created.project.projectId }));
    expect(createErr).toMatchObject({ status: 400, kind: "rejected", retriable: false });
    expect(createErr.dokployMessage).toContain("You cannot create a environment with the name 'production'");

    const renameErr = await fails(api.environmentUpdate({ environmentId: prodId, name: "production" }));
    expect(renameErr).toMatchObject({ status: 400, kind: "rejected" });
    expect(renameErr.dokployMessage).toContain("You cannot rename the default environment");

    const updated = await api.environmentUpdate({ environmentId: prodId, description: "prod\nmarker" });
    expect(updated).toMatchObject({ environmentId: prodId, name: "production", description: "prod\nmarker", isDefault: true });

    const staging = await api.environmentCreate({ name: "staging", projectId: created.project.projectId, description: "s" });
    expect(staging).toMatchObject({ name: "staging", isDefault: false, projectId: created.project.projectId, description: "s" });
    stagingId = staging.environmentId;
  });

  it("application.create returns the row with a suffixed appName and defaults (§4.1, §10)", async () => {
    const row = await api.applicationCreate({ name: "web", appName: "web", environmentId: prodId, description: "web app" });
    expect(row).toMatchObject({
      name: "web",
      description: "web app",
      environmentId: prodId,
      applicationStatus: "idle",
      sourceType: "github",
      buildType: "nixpacks",
      replicas: 1,
      env: null,
    });
    expect(row.appName).toMatch(/^web-[a-z0-9]{6}$/);
    appId = row.applicationId;
    appName = row.appName;
    // Without an appName Dokploy invents one; with the same one twice, the suffixes differ.
    const anonymous = await api.applicationCreate({ name: "tmp", environmentId: stagingId });
    expect(anonymous.appName).toMatch(/^app-[a-z]+-[a-z]+-[a-z]+-[a-z0-9]{6}$/);
    const twin = await api.applicationCreate({ name: "web", appName: "web", environmentId: stagingId });
    expect(twin.appName).not.toBe(appName);
    await api.applicationDelete({ applicationId: anonymous.applicationId });
    await api.applicationDelete({ applicationId: twin.applicationId });
  });

  it("save*Provider, saveBuildType, saveEnvironment and update return true (§4.3)", async () => {
    await expect(
      api.applicationSaveGithubProvider({ applicationId: appId, repository: "shop", owner: "acme", buildPath: "/", githubId: null, branch: "main" }),
    ).resolves.toBe(true);
    await expect(
      api.applicationSaveGitProvider({ applicationId: appId, customGitUrl: "https://git.example.com/a.git", customGitBuildPath: "/", watchPaths: null, customGitBranch: "main" }),
    ).resolves.toBe(true);
    await expect(
      api.applicationSaveDockerProvider({ applicationId: appId, dockerImage: "nginx:1.27", username: null, password: null, registryUrl: null }),
    ).resolves.toBe(true);
    await expect(
      api.applicationSaveBuildType({
        applicationId: appId, buildType: "dockerfile", dockerfile: "Dockerfile", dockerContextPath: null,
        dockerBuildStage: null, herokuVersion: null, railpackVersion: null,
      }),
    ).resolves.toBe(true);
    await expect(
      api.applicationSaveEnvironment({ applicationId: appId, env: "A=1\nB=2", buildArgs: null, buildSecrets: null, createEnvFile: true }),
    ).resolves.toBe(true);
    await expect(api.applicationUpdate({ applicationId: appId, replicas: 2, description: "web app v2" })).resolves.toBe(true);
  });

  it("validation errors name the missing key; update cannot change appName (§1.2, §4.1)", async () => {
    const input = { applicationId: appId, owner: "acme", buildPath: "/", githubId: null, branch: "main" };
    const err = await fails(api.applicationSaveGithubProvider(input as unknown as Parameters<DokployClient["applicationSaveGithubProvider"]>[0]));
    expect(err).toMatchObject({ status: 400, code: "BAD_REQUEST", kind: "rejected" });
    expect(err.message).toContain("Input validation failed");
    expect(err.message).toContain("/repository");

    const renamed = { applicationId: appId, appName: "renamed", description: "web app v2" };
    await expect(api.applicationUpdate(renamed as unknown as Parameters<DokployClient["applicationUpdate"]>[0])).resolves.toBe(true);
    expect((await api.applicationOne({ applicationId: appId })).appName).toBe(appName);
  });

  it("domain CRUD (§5)", async () => {
    const domain = await api.domainCreate({
      host: "shop.example.com", path: "/", port: 8080, https: true, certificateType: "letsencrypt",
      applicationId: appId, domainType: "application",
    });
    expect(domain).toMatchObject({ host: "shop.example.com", path: "/", port: 8080, https: true, certificateType: "letsencrypt", applicationId: appId });
    domainId = domain.domainId;
    expect(typeof domain.uniqueConfigKey).toBe("number");
    await expect(api.domainOne({ domainId })).resolves.toMatchObject({ domainId, host: "shop.example.com" });
    const list = await api.domainByApplicationId({ applicationId: appId });
    expect(list.map((d) => d.domainId)).toEqual([domainId]);
    const updated = await api.domainUpdate({ domainId, host: "shop.example.com", port: 3000, https: false, certificateType: "none" });
    expect(updated).toMatchObject({ domainId, port: 3000, https: false, certificateType: "none" });
    // No host uniqueness (§5): a second domain on the same host is accepted.
    const twin = await api.domainCreate({ host: "shop.example.com", path: "/api", applicationId: appId, domainType: "application" });
    expect(twin.domainId).not.toBe(domainId);
    await expect(api.domainDelete({ domainId: twin.domainId })).resolves.toMatchObject({ domainId: twin.domainId });
    const gone = await fails(api.domainOne({ domainId: twin.domainId }));
    expect(gone.isNotFound).toBe(true);
  });

  it("application.one has every managed column, domains, deployments and environment.project (§4.1)", async () => {
    const app = await api.applicationOne({ applicationId: appId });
    expect(app).toMatchObject({
      applicationId: appId,
      appName,
      description: "web app v2",
      replicas: 2,
      sourceType: "docker",
      dockerImage: "nginx:1.27",
      buildType: "dockerfile",
      env: "A=1\nB=2",
      createEnvFile: true,
      // the save* calls leave other providers' fields in place (§4.3)
      owner: "acme",
      customGitUrl: "https://git.example.com/a.git",
    });
    expect(app.domains.map((d) => d.domainId)).toEqual([domainId]);
    expect(app.deployments).toEqual([]);
    expect(app.environment).toMatchObject({ environmentId: prodId, project: { projectId: created.project.projectId } });
  });

  it("project.all: rows with environments and minimal service lists, no descriptions (§2)", async () => {
    const all = await api.projectAll();
    expect(all).toHaveLength(1);
    const [p] = all;
    expect(p).toMatchObject({ projectId: created.project.projectId, name: "shop", description: "the shop" });
    const names = p?.environments.map((e) => e.name).sort();
    expect(names).toEqual(["production", "staging"]);
    const prod = p?.environments.find((e) => e.isDefault);
    expect(prod).not.toHaveProperty("description");
    expect(prod?.applications).toEqual([{ applicationId: appId, name: "web", applicationStatus: "idle" }]);
    expect(prod?.compose).toEqual([]);
  });

  it("project.one and environment.byProjectId carry descriptions and appName (§2, §3)", async () => {
    const one = await api.projectOne({ projectId: created.project.projectId });
    const prod = one.environments.find((e) => e.environmentId === prodId);
    expect(prod).toMatchObject({ name: "production", description: "prod\nmarker", isDefault: true });
    expect(prod?.applications[0]).toMatchObject({ applicationId: appId, name: "web", appName, description: "web app v2" });
    expect(prod?.applications[0]).not.toHaveProperty("domains");

    const envs = (await api.environmentByProjectId({ projectId: created.project.projectId })) as Array<Record<string, unknown>>;
    expect(envs.map((e) => e.name)).toEqual(["production", "staging"]); // createdAt ascending
    expect(envs[0]).toMatchObject({ environmentId: prodId, description: "prod\nmarker", project: { projectId: created.project.projectId } });
    await expect(api.environmentByProjectId({ projectId: "no-such-project" })).resolves.toEqual([]);
  });

  it("deploy answers an empty body; the deployment row appears later (§6)", async () => {
    const before = new Set((await api.deploymentAll({ applicationId: appId })).map((d) => d.deploymentId));
    await expect(api.applicationDeploy({ applicationId: appId, title: "gitops" })).resolves.toBeUndefined();
    const row = await eventually(async () => {
      const rows = await api.deploymentAll({ applicationId: appId });
      const fresh = rows.find((d) => !before.has(d.deploymentId));
      if (!fresh || fresh.status === "running") return false;
      return fresh;
    });
    expect(row.status).toBe("done");
    const app = await api.applicationOne({ applicationId: appId });
    expect(app.applicationStatus).toBe("done");
    expect(app.deployments.map((d) => d.deploymentId)).toContain(row.deploymentId);
    await expect(api.applicationRedeploy({ applicationId: appId })).resolves.toBeUndefined();
    await sim.control.idle(5_000);
  });

  it("start and stop return the row read before the change (§6)", async () => {
    await expect(api.applicationStop({ applicationId: appId })).resolves.toMatchObject({ applicationId: appId, applicationStatus: "done" });
    expect((await api.applicationOne({ applicationId: appId })).applicationStatus).toBe("idle");
    await expect(api.applicationStart({ applicationId: appId })).resolves.toMatchObject({ applicationId: appId });
    expect((await api.applicationOne({ applicationId: appId })).applicationStatus).toBe("done");
  });

  it("not found, direct and re-wrapped as 400, is recognised by isNotFound (§1.5, §3)", async () => {
    const cases: Array<[string, Promise<unknown>, number]> = [
      ["project.one", api.projectOne({ projectId: "missing" }), 404],
      ["application.one", api.applicationOne({ applicationId: "missing" }), 404],
      ["domain.one", api.domainOne({ domainId: "missing" }), 404],
      ["domain.delete", api.domainDelete({ domainId: "missing" }), 404],
      ["application.delete", api.applicationDelete({ applicationId: "missing" }), 404],
      ["environment.update", api.environmentUpdate({ environmentId: "missing", description: "x" }), 400],
    ];
    for (const [endpoint, promise, status] of cases) {
      const err = await fails(promise);
      expect(err.endpoint, endpoint).toBe(endpoint);
      expect(err.status, endpoint).toBe(status);
      expect(err.isNotFound, `${endpoint}: ${err.message}`).toBe(true);
      expect(err.retriable, endpoint).toBe(false);
    }
  });

  it("a bad key gets the bare 401 with the key-or-rate-limit message (§1.3, §1.6)", async () => {
    const badKey = "definitely-not-the-key-1234";
    const bad = createDokployClient({ url: sim.url, apiKey: badKey });
    try {
      const err = await fails(bad.projectAll());
      expectNoKeyIn(err, badKey);
      expect(err).toMatchObject({ status: 401, kind: "unauthorized", dokployMessage: "Unauthorized", retriable: false });
      expect(err.message).toBe(`project.all: ${UNAUTHORIZED_MESSAGE}`);
      expect(bad.stats().total).toBe(1);
      await expect(bad.health()).resolves.toEqual({ ok: true }); // health needs no key
    } finally {
      await bad.close();
    }
  });

  it("deletes: environment guards, application.delete, project.remove cascades (§2, §3, §4.1)", async () => {
    const guard = await fails(api.environmentRemove({ environmentId: prodId }));
    expect(guard.dokployMessage).toContain("You cannot delete the default environment");
    await expect(api.environmentRemove({ environmentId: stagingId })).resolves.toMatchObject({ environmentId: stagingId });

    const second = await api.applicationCreate({ name: "worker", environmentId: prodId });
    await expect(api.applicationDelete({ applicationId: second.applicationId })).resolves.toMatchObject({ applicationId: second.applicationId });
    expect((await fails(api.applicationOne({ applicationId: second.applicationId }))).isNotFound).toBe(true);

    await expect(api.projectRemove({ projectId: created.project.projectId })).resolves.toMatchObject({ projectId: created.project.projectId });
    await expect(api.projectAll()).resolves.toEqual([]);
    expect((await fails(api.applicationOne({ applicationId: appId }))).isNotFound).toBe(true);
    expect((await fails(api.domainOne({ domainId }))).isNotFound).toBe(true);
  });

  it("counted every attempt, none retried", () => {
    const stats = api.stats();
    const seen = sim.control.calls().filter((c) => c.endpoint === "application.one").length;
    expect(stats.byEndpoint["application.one"]?.calls).toBe(seen);
    expect(stats.byEndpoint["project.create"]).toMatchObject({ calls: 1, errors: 0 });
    expect(stats.total).toBe(Object.values(stats.byEndpoint).reduce((n, e) => n + e.calls, 0));
    expect(api.breakerState()).toBe("closed");
  });
});
