/**
 * Regression tests from the fidelity audit against Dokploy v0.30.2's source
 * (tag v0.30.2 = 8c2d4d5c19a4). Each test names the Dokploy file whose
 * behaviour the simulator got wrong before, so a failure here means the
 * simulator drifted from the real server again.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle;
beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(async () => {
  await sim.close();
});

async function newApp(name = "web"): Promise<{ environmentId: string; applicationId: string }> {
  const { environment } = await api<{ environment: { environmentId: string } }>(sim, "POST", "project.create", { name: `p-${name}` });
  const app = await api<{ applicationId: string }>(sim, "POST", "application.create", { name, environmentId: environment.environmentId });
  return { environmentId: environment.environmentId, applicationId: app.applicationId };
}

describe("application.stop (apps/dokploy/server/api/routers/application.ts, stop)", () => {
  it("returns the application as read before the status change, like start", async () => {
    const { applicationId } = await newApp();
    await api(sim, "POST", "application.saveDockerProvider", { applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    await api(sim, "POST", "application.deploy", { applicationId });
    await sim.control.idle();
    const stopped = await callApi(sim, "POST", "application.stop", { applicationId });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ applicationId, applicationStatus: "done", domains: [] });
    expect(stopped.body).not.toHaveProperty("hasGitProviderAccess");
    expect(await api(sim, "GET", "application.one", { applicationId })).toMatchObject({ applicationStatus: "idle" });
  });
});

describe("deploy jobs (packages/server/src/services/application.ts, services/deployment.ts)", () => {
  async function gitApp(branch: string): Promise<string> {
    const { applicationId } = await newApp("git");
    await api(sim, "POST", "application.saveGitProvider", {
      applicationId, customGitUrl: "https://example.com/r.git", customGitBuildPath: "/", watchPaths: null, customGitBranch: branch,
    });
    return applicationId;
  }
  const rows = (applicationId: string): Promise<Row[]> => api<Row[]>(sim, "GET", "deployment.all", { applicationId });

  it("a redeploy keeps its title: rebuildApplication has no commit-info step, only deployApplication does", async () => {
    const applicationId = await gitApp("main");
    await api(sim, "POST", "application.redeploy", { applicationId });
    await sim.control.idle();
    expect((await rows(applicationId))[0]).toMatchObject({ status: "done", title: "Rebuild deployment", description: "" });
    await api(sim, "POST", "application.deploy", { applicationId, title: "Release" });
    await sim.control.idle();
    const [latest] = await rows(applicationId);
    expect(latest!.title).not.toBe("Release");
    expect(latest!.description).toMatch(/^Commit: [0-9a-f]{40}$/);
  });

  it("a failed build sets only status error and finishedAt; errorMessage stays null (updateDeploymentStatus)", async () => {
    sim.control.setFailDeploys({ branchPattern: "broken" });
    const applicationId = await gitApp("broken");
    await api(sim, "POST", "application.deploy", { applicationId });
    await sim.control.idle();
    const [row] = await rows(applicationId);
    expect(row).toMatchObject({ status: "error", errorMessage: null });
    expect(row!.finishedAt).toEqual(expect.any(String));
  });

  it("keeps ten old rows before inserting the new one (removeLastTenDeployments runs before the insert): eleven", async () => {
    const { applicationId } = await newApp("many");
    await api(sim, "POST", "application.saveDockerProvider", { applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    for (let i = 1; i <= 13; i++) await api(sim, "POST", "application.deploy", { applicationId, title: `d${i}` });
    await sim.control.idle(10_000);
    expect((await rows(applicationId)).map((r) => r.title)).toEqual(["d13", "d12", "d11", "d10", "d9", "d8", "d7", "d6", "d5", "d4", "d3"]);
  });
});

describe("appName and Docker Swarm (services/application.ts createApplication, moby/swarmkit validateAnnotations)", () => {
  it("accepts a 63-character appName but every deploy fails: the generated name has 70 characters", async () => {
    const { environmentId } = await newApp("long");
    const input = "a".repeat(63);
    const app = await api<{ applicationId: string; appName: string }>(sim, "POST", "application.create", { name: "long", environmentId, appName: input });
    expect(app.appName).toMatch(new RegExp(`^${input}-[a-z0-9]{6}$`));
    await api(sim, "POST", "application.saveDockerProvider", { applicationId: app.applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    await api(sim, "POST", "application.deploy", { applicationId: app.applicationId });
    await sim.control.idle();
    const [row] = await api<Row[]>(sim, "GET", "deployment.all", { applicationId: app.applicationId });
    expect(row).toMatchObject({ status: "error" });
    expect(await api(sim, "GET", "application.one", { applicationId: app.applicationId })).toMatchObject({ applicationStatus: "error" });
  });

  it("a 56-character input (63 with the suffix) deploys", async () => {
    const { environmentId } = await newApp("edge");
    const app = await api<{ applicationId: string }>(sim, "POST", "application.create", { name: "edge", environmentId, appName: "b".repeat(56) });
    await api(sim, "POST", "application.saveDockerProvider", { applicationId: app.applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    await api(sim, "POST", "application.deploy", { applicationId: app.applicationId });
    await sim.control.idle();
    expect((await api<Row[]>(sim, "GET", "deployment.all", { applicationId: app.applicationId }))[0]).toMatchObject({ status: "done" });
  });
});

describe("environment.update with nothing to set (routers/environment.ts update, drizzle mapUpdateSet)", () => {
  it("is drizzle's No values to set, wrapped as a 400 like every environment.update error", async () => {
    const { environmentId } = await newApp("envs");
    const res = await callApi(sim, "POST", "environment.update", { environmentId });
    expect(res).toMatchObject({ status: 400, body: { code: "BAD_REQUEST", message: "Error updating the environment: No values to set" } });
  });
});

describe("database errors echo the request (drizzle-orm 0.45 DrizzleQueryError: `Failed query: <sql>\\nparams: <values>`)", () => {
  it("environment.create under an unknown project: 400, Dokploy's prefix, then the insert and its values", async () => {
    const res = await callApi(sim, "POST", "environment.create", { name: "staging", projectId: "gone", description: "marker-text" });
    expect(res.status).toBe(400);
    const message = (res.body as { message: string }).message;
    expect(message).toMatch(/^Error creating the environment: Failed query: insert into "environment" /);
    expect(message).toMatch(/\nparams: .*staging.*marker-text.*gone/s);
    expect(message).not.toMatch(/foreign key/);
  });

  it("application.update moving to an unknown environment: a 500 whose message carries every value sent", async () => {
    const { applicationId } = await newApp("mover");
    const res = await callApi(sim, "POST", "application.update", { applicationId, environmentId: "gone", description: "sent-value" });
    expect(res.status).toBe(500);
    const message = (res.body as { message: string }).message;
    expect(message).toMatch(/^Failed query: update "application" set /);
    expect(message).toContain("sent-value");
    expect(message).toContain(applicationId);
  });
});

describe("application.start (routers/application.ts start, utils/docker/utils.ts startService)", () => {
  it("fails with a 500 and leaves the status alone when no deploy ever created the Swarm service", async () => {
    const { applicationId } = await newApp("cold");
    const res = await callApi(sim, "POST", "application.start", { applicationId });
    expect(res.status).toBe(500);
    expect((res.body as { message: string }).message).toMatch(/^Command execution failed: .*docker service scale /s);
    expect(await api(sim, "GET", "application.one", { applicationId })).toMatchObject({ applicationStatus: "idle" });
    // stop swallows the same docker failure (stopService returns the error instead of throwing).
    expect((await callApi(sim, "POST", "application.stop", { applicationId })).status).toBe(200);
  });

  it("works once a deploy has succeeded, also after a stop", async () => {
    const { applicationId } = await newApp("warm");
    await api(sim, "POST", "application.saveDockerProvider", { applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
    await api(sim, "POST", "application.deploy", { applicationId });
    await sim.control.idle();
    await api(sim, "POST", "application.stop", { applicationId });
    expect((await callApi(sim, "POST", "application.start", { applicationId })).status).toBe(200);
    expect(await api(sim, "GET", "application.one", { applicationId })).toMatchObject({ applicationStatus: "done" });
  });
});
