/**
 * `compose.*` over real HTTP, as Dokploy v0.30.2 has it: the create input the
 * spec misses (`sourceType`), the defaults and appName forms, `update`
 * returning the row (an empty 200 for an unknown id), deploys that only queue
 * and answer `{success, message, composeId}`, compose domains, the `compose`
 * arrays of `project.one`/`project.all`, and `delete` with `deleteVolumes`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const STACK = "services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: busybox:1\n";

async function setup(): Promise<{ s: SimulatorHandle; projectId: string; environmentId: string }> {
  const s = (sim = await startTestSimulator());
  const { project, environment } = await api<{ project: Row; environment: Row }>(s, "POST", "project.create", { name: "support" });
  return { s, projectId: String(project.projectId), environmentId: String(environment.environmentId) };
}

const createRaw = (s: SimulatorHandle, environmentId: string, extra: Row = {}): Promise<Row> =>
  api<Row>(s, "POST", "compose.create", { name: "chatwoot", environmentId, sourceType: "raw", composeFile: STACK, ...extra });

describe("compose.create", () => {
  it("takes sourceType (missing from the spec), returns the row with Dokploy's defaults", async () => {
    const { s, environmentId } = await setup();
    const row = await createRaw(s, environmentId, { appName: "ChatWoot" });
    expect(row).toMatchObject({
      name: "chatwoot", description: null, env: null, composeFile: STACK, sourceType: "raw", composeType: "docker-compose",
      composePath: "./docker-compose.yml", command: "", createEnvFile: true, composeStatus: "idle", suffix: "",
      randomize: false, isolatedDeployment: false, isolatedDeploymentsVolume: false, triggerType: "push", autoDeploy: true,
      enableSubmodules: false, watchPaths: null, serverId: null, serviceNetworks: [], environmentId,
    });
    expect(row.appName).toMatch(/^chatwoot-[a-z0-9]{6}$/);
    expect(row).not.toHaveProperty("environment");
  });

  it("defaults sourceType to github even with a composeFile, and names the app compose-<words>-<6>", async () => {
    const { s, environmentId } = await setup();
    const row = await api<Row>(s, "POST", "compose.create", { name: "x", environmentId, composeFile: STACK });
    expect(row).toMatchObject({ sourceType: "github", composeFile: STACK });
    expect(row.appName).toMatch(/^compose-[a-z-]+-[a-z1-9]{6}$/);
  });

  it("refuses a bad sourceType and appName in zod 4's shape, and an unknown environment with a 404", async () => {
    const { s, environmentId } = await setup();
    const bad = await callApi(s, "POST", "compose.create", { name: "x", environmentId, sourceType: "docker", appName: "bad name!" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      message: "Input validation failed", code: "BAD_REQUEST",
      data: { httpStatus: 400, path: "compose.create", zodError: { fieldErrors: { sourceType: [expect.any(String)], appName: [expect.any(String)] } } },
    });
    const issues = (bad.body as { issues: Row[] }).issues;
    expect(issues).toContainEqual(expect.objectContaining({ code: "invalid_value", path: ["sourceType"], values: ["git", "github", "gitlab", "bitbucket", "gitea", "raw"] }));
    expect(issues).toContainEqual(expect.objectContaining({ code: "invalid_format", path: ["appName"], message: "App name can only contain letters, numbers, dots, underscores and hyphens" }));
    const missing = await callApi(s, "POST", "compose.create", { name: "x", environmentId: "nope" });
    expect(missing).toMatchObject({ status: 404, body: { message: "Environment not found", code: "NOT_FOUND" } });
  });
});

describe("compose.one, update, saveEnvironment", () => {
  it("one has the relations of findComposeById and the access flags", async () => {
    const { s, environmentId, projectId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    const one = await api<Row>(s, "GET", "compose.one", { composeId });
    expect(one).toMatchObject({
      composeId, deployments: [], mounts: [], domains: [], backups: [], github: null, gitlab: null, bitbucket: null, gitea: null,
      server: null, hasGitProviderAccess: true, unauthorizedProvider: null,
      environment: { environmentId, name: "production", project: { projectId, name: "support" } },
    });
    expect(await callApi(s, "GET", "compose.one", { composeId: "nope" })).toMatchObject({ status: 404, body: { message: "Compose not found" } });
  });

  it("update returns the updated row, drops appName and serverId, and answers an unknown id with an empty 200", async () => {
    const { s, environmentId } = await setup();
    const created = await createRaw(s, environmentId);
    const updated = await api<Row>(s, "POST", "compose.update", {
      composeId: created.composeId, description: "Help desk", composeType: "stack", appName: "renamed", serverId: "x",
      createEnvFile: false, isolatedDeployment: true,
    });
    expect(updated).toMatchObject({ composeId: created.composeId, description: "Help desk", composeType: "stack", appName: created.appName, serverId: null, createEnvFile: false, isolatedDeployment: true });
    expect(await api(s, "POST", "compose.update", { composeId: created.composeId })).toMatchObject({ composeId: created.composeId });
    expect(await callApi(s, "POST", "compose.update", { composeId: "nope", description: "x" })).toMatchObject({ status: 200, text: "" });
    const invalid = await callApi(s, "POST", "compose.update", { composeId: created.composeId, composePath: "" });
    expect(invalid).toMatchObject({ status: 400, body: { issues: [{ code: "too_small", path: ["composePath"] }] } });
  });

  it("saveEnvironment needs env present (null clears it) and 400s an unknown id", async () => {
    const { s, environmentId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    expect(await api(s, "POST", "compose.saveEnvironment", { composeId, env: "A=1", createEnvFile: false })).toBe(true);
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ env: "A=1", createEnvFile: false });
    const missing = await callApi(s, "POST", "compose.saveEnvironment", { composeId });
    expect(missing).toMatchObject({ status: 400, body: { issues: [{ code: "invalid_type", expected: "nonoptional", path: ["env"] }] } });
    expect(await api(s, "POST", "compose.saveEnvironment", { composeId, env: null })).toBe(true);
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ env: null });
    expect(await callApi(s, "POST", "compose.saveEnvironment", { composeId: "nope", env: "" })).toMatchObject({
      status: 400, body: { message: "Error adding environment variables" },
    });
  });
});

describe("compose deploys", () => {
  it("deploy answers {success, message, composeId}; the job then runs the build and writes a deployment", async () => {
    const { s, environmentId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    expect(await api(s, "POST", "compose.deploy", { composeId, title: "v1" })).toEqual({ success: true, message: "Deployment queued", composeId });
    await s.control.idle();
    const [row] = await api<Row[]>(s, "GET", "deployment.allByCompose", { composeId });
    // A raw compose keeps its title (no commit to read).
    expect(row).toMatchObject({ composeId, applicationId: null, status: "done", title: "v1", errorMessage: null });
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "done", deployments: [{ deploymentId: row!.deploymentId }] });
    expect(await api(s, "POST", "compose.redeploy", { composeId })).toEqual({ success: true, message: "Redeployment queued", composeId });
    await s.control.idle();
    expect((await api<Row[]>(s, "GET", "deployment.allByCompose", { composeId })).map((d) => d.title)).toEqual(["Rebuild deployment", "v1"]);
    expect(await callApi(s, "POST", "compose.deploy", { composeId: "nope" })).toMatchObject({ status: 404, body: { message: "Compose not found" } });
  });

  it("a raw file that is not a compose file, or an image matching the fail rule, ends in error", async () => {
    const { s, environmentId } = await setup();
    const broken = await createRaw(s, environmentId, { composeFile: "services: [oops" });
    s.control.setFailDeploys({ imagePattern: "busybox:*" });
    const failing = await createRaw(s, environmentId, { name: "other" });
    for (const c of [broken, failing]) await api(s, "POST", "compose.deploy", { composeId: c.composeId });
    await s.control.idle();
    for (const c of [broken, failing]) {
      expect(await api<Row>(s, "GET", "compose.one", { composeId: c.composeId })).toMatchObject({ composeStatus: "error", deployments: [{ status: "error" }] });
    }
  });

  it("git sources get a commit message as the title of a deploy, and fail on a matching branch", async () => {
    const { s, environmentId } = await setup();
    const c = await api<Row>(s, "POST", "compose.create", { name: "git", environmentId, sourceType: "git" });
    await api(s, "POST", "compose.update", { composeId: c.composeId, customGitUrl: "https://example.com/r.git", customGitBranch: "broken/1" });
    s.control.setFailDeploys({ branchPattern: "broken/*" });
    await api(s, "POST", "compose.deploy", { composeId: c.composeId });
    await s.control.idle();
    const [row] = await api<Row[]>(s, "GET", "deployment.allByCompose", { composeId: c.composeId });
    expect(row).toMatchObject({ status: "error" });
    expect(row!.description).toMatch(/^Commit: [0-9a-f]{40}$/);
  });

  it("start and stop need the project a first deploy wrote; a stack starts without one", async () => {
    const { s, environmentId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    const start = await callApi(s, "POST", "compose.start", { composeId });
    expect(start).toMatchObject({ status: 500, body: { message: expect.stringMatching(/^Command execution failed: /) } });
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "idle" });
    expect(await callApi(s, "POST", "compose.stop", { composeId })).toMatchObject({ status: 500 });
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "error" });
    await api(s, "POST", "compose.deploy", { composeId });
    await s.control.idle();
    expect(await api(s, "POST", "compose.stop", { composeId })).toBe(true);
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "idle" });
    expect(await api(s, "POST", "compose.start", { composeId })).toBe(true);
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "done" });
    const stack = await createRaw(s, environmentId, { name: "stack", composeType: "stack" });
    expect(await api(s, "POST", "compose.start", { composeId: stack.composeId })).toBe(true);
  });

  it("loadServices lists a raw file's services once fetched or deployed, else Dokploy's 404", async () => {
    const { s, environmentId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    expect(await callApi(s, "GET", "compose.loadServices", { composeId })).toMatchObject({ status: 404, body: { message: "Services not found" } });
    expect(await api(s, "GET", "compose.loadServices", { composeId, type: "fetch" })).toEqual(["web", "worker"]);
  });
});

describe("compose domains, lists and delete", () => {
  it("domain.create takes composeId and serviceName; compose.one and domain.byComposeId list them; unknown compose is a 400", async () => {
    const { s, environmentId } = await setup();
    const { composeId, appName } = await createRaw(s, environmentId);
    const d = await api<Row>(s, "POST", "domain.create", { host: "help.example.com", composeId, serviceName: "web", domainType: "compose", port: 3000 });
    expect(d).toMatchObject({ composeId, applicationId: null, serviceName: "web", domainType: "compose", path: "/", https: false });
    const plain = await api<Row>(s, "POST", "domain.create", { host: "b.example.com", composeId });
    expect(plain).toMatchObject({ domainType: "application", serviceName: null, port: 3000 });
    expect((await api<Row>(s, "GET", "compose.one", { composeId })).domains).toHaveLength(2);
    expect(await api(s, "GET", "domain.byComposeId", { composeId })).toEqual([
      { ...d, compose: { composeId, appName, name: "chatwoot" } }, { ...plain, compose: { composeId, appName, name: "chatwoot" } },
    ]);
    expect(await api<Row>(s, "GET", "domain.one", { domainId: d.domainId })).toMatchObject({ application: null });
    const unknown = await callApi(s, "POST", "domain.create", { host: "c.example.com", composeId: "nope" });
    expect(unknown).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^Failed query: insert into "domain"/) } });
  });

  it("project.one and project.all carry the compose arrays Dokploy returns", async () => {
    const { s, environmentId, projectId } = await setup();
    const c = await createRaw(s, environmentId, { description: "Help desk" });
    const one = await api<{ environments: Row[] }>(s, "GET", "project.one", { projectId });
    expect(one.environments[0]!.compose).toEqual([
      { name: "chatwoot", description: "Help desk", appName: c.appName, createdAt: c.createdAt, serverId: null, composeId: c.composeId, composeStatus: "idle", server: null },
    ]);
    const all = await api<Array<{ environments: Row[] }>>(s, "GET", "project.all");
    expect(all[0]!.environments[0]!.compose).toEqual([{ composeId: c.composeId, name: "chatwoot", composeStatus: "idle" }]);
    const env = await api<Row>(s, "GET", "environment.one", { environmentId });
    expect(env.compose).toEqual([expect.objectContaining({ composeId: c.composeId, icon: null, server: null })]);
  });

  it("delete answers the compose as read before and cascades its domains and deployments; deleteVolumes is coerced", async () => {
    const { s, environmentId } = await setup();
    const { composeId } = await createRaw(s, environmentId);
    const d = await api<Row>(s, "POST", "domain.create", { host: "help.example.com", composeId, serviceName: "web", domainType: "compose" });
    await api(s, "POST", "compose.deploy", { composeId });
    await s.control.idle();
    const before = await api<Row>(s, "POST", "compose.delete", { composeId, deleteVolumes: false });
    expect(before).toMatchObject({ composeId, domains: [{ domainId: d.domainId }], deployments: [{ status: "done" }] });
    expect(before).not.toHaveProperty("hasGitProviderAccess");
    expect(await callApi(s, "GET", "domain.one", { domainId: d.domainId })).toMatchObject({ status: 404 });
    expect(await api(s, "GET", "deployment.allByCompose", { composeId })).toEqual([]);
    expect(await callApi(s, "POST", "compose.delete", { composeId, deleteVolumes: true })).toMatchObject({ status: 404, body: { message: "Compose not found" } });
    // A real v0.30.2 deletes with `{composeId}` alone: the REST adapter coerces the missing boolean to false.
    const other = await createRaw(s, environmentId, { name: "other" });
    expect(await callApi(s, "POST", "compose.delete", { composeId: other.composeId })).toMatchObject({ status: 200 });
  });

  it("deleting a compose drops its waiting jobs", async () => {
    const { s, environmentId } = await setup();
    s.control.setBuilds({ buildsConcurrency: 1, deployDurationMs: 60_000 });
    const first = await createRaw(s, environmentId);
    const second = await createRaw(s, environmentId, { name: "second" });
    await api(s, "POST", "compose.deploy", { composeId: first.composeId });
    await api(s, "POST", "compose.deploy", { composeId: second.composeId });
    await eventually(async () =>
      expect((await api<Row[]>(s, "GET", "deployment.queueList")).map((j) => j.state).sort()).toEqual(["active", "waiting"]));
    await api(s, "POST", "compose.delete", { composeId: second.composeId, deleteVolumes: false });
    expect(await api<Row[]>(s, "GET", "deployment.queueList")).toEqual([expect.objectContaining({ state: "active", data: expect.objectContaining({ composeId: first.composeId }) })]);
  });
});
