/**
 * Deploys are queued like Dokploy's (apps/dokploy/server/queues/*.ts): an empty body at once, the
 * deployment row only when the job starts, running -> done/error, commit-message
 * titles for git deploys (not redeploys), FIFO per application, and ten old rows kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SimulatorHandle, SimulatorOptions } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: SimulatorOptions, docker: { image: string } | { branch: string }): Promise<{ s: SimulatorHandle; appId: string }> {
  const s = (sim = await startTestSimulator(options));
  const { environment } = await api<{ environment: { environmentId: string } }>(s, "POST", "project.create", { name: "deploys" });
  const app = await api<{ applicationId: string }>(s, "POST", "application.create", { name: "web", environmentId: environment.environmentId });
  if ("image" in docker) {
    await api(s, "POST", "application.saveDockerProvider", {
      applicationId: app.applicationId, dockerImage: docker.image, username: null, password: null, registryUrl: null,
    });
  } else {
    await api(s, "POST", "application.saveGitProvider", {
      applicationId: app.applicationId, customGitUrl: "https://example.com/r.git", customGitBuildPath: "/", watchPaths: null,
      customGitBranch: docker.branch,
    });
  }
  return { s, appId: app.applicationId };
}

const status = async (s: SimulatorHandle, appId: string): Promise<string> =>
  (await api<{ applicationStatus: string }>(s, "GET", "application.one", { applicationId: appId })).applicationStatus;
const deployments = (s: SimulatorHandle, appId: string): Promise<Row[]> => api<Row[]>(s, "GET", "deployment.all", { applicationId: appId });

describe("deploy lifecycle", () => {
  it("returns an empty body at once; the row appears only when the job starts; then done", async () => {
    const { s, appId } = await setup({ queueDelayMs: 1_000, deployDurationMs: 1_500 }, { image: "nginx:1" });
    const res = await callApi(s, "POST", "application.deploy", { applicationId: appId, title: "Release 1" });
    expect(res).toMatchObject({ status: 200, text: "" });
    // Still queued (a generous 1 s queue delay): no row, status untouched.
    expect(await deployments(s, appId)).toEqual([]);
    expect(await status(s, appId)).toBe("idle");
    await eventually(async () => expect(await status(s, appId)).toBe("running"));
    const [row] = await deployments(s, appId);
    expect(row).toMatchObject({ status: "running", title: "Release 1", finishedAt: null, applicationId: appId });
    expect(row!.startedAt).toEqual(expect.any(String));
    await s.control.idle();
    expect(await status(s, appId)).toBe("done");
    const [done] = await deployments(s, appId);
    expect(done).toMatchObject({ deploymentId: row!.deploymentId, status: "done", title: "Release 1" });
    expect(done!.finishedAt).toEqual(expect.any(String));
  });

  it("ends in error when the image matches the fail rule", async () => {
    const { s, appId } = await setup({ failDeploys: { imagePattern: "*:broken" } }, { image: "nginx:broken" });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await s.control.idle();
    expect(await status(s, appId)).toBe("error");
    expect((await deployments(s, appId))[0]).toMatchObject({ status: "error", title: "Manual deployment" });
    s.control.setFailDeploys(undefined);
    await api(s, "POST", "application.redeploy", { applicationId: appId });
    await s.control.idle();
    expect(await status(s, appId)).toBe("done");
    expect((await deployments(s, appId)).map((d) => d.status)).toEqual(["done", "error"]);
  });

  it("fails on a matching branch and rewrites git deploy titles to a commit message", async () => {
    const { s, appId } = await setup({ failDeploys: { branchPattern: "broken/*" } }, { branch: "broken/one" });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await s.control.idle();
    const [row] = await deployments(s, appId);
    expect(row).toMatchObject({ status: "error" });
    expect(row!.title).not.toBe("Manual deployment");
    expect(row!.description).toMatch(/^Commit: [0-9a-f]{40}$/);
  });

  it("runs one job at a time per application, FIFO, and keeps ten old rows plus the new one", async () => {
    const { s, appId } = await setup({ deployDurationMs: 5, queueDelayMs: 1 }, { image: "nginx:1" });
    for (let i = 1; i <= 12; i++) await api(s, "POST", "application.deploy", { applicationId: appId, title: `d${i}` });
    const seen = new Set<number>();
    await eventually(async () => {
      const rows = await deployments(s, appId);
      seen.add(rows.filter((r) => r.status === "running").length);
      return rows.length > 0 && rows.every((r) => r.status !== "running") && rows[0]!.title === "d12";
    }, { timeoutMs: 10_000, intervalMs: 2 });
    await s.control.idle();
    expect([...seen].every((n) => n <= 1)).toBe(true);
    const rows = await deployments(s, appId);
    expect(rows.map((r) => r.title)).toEqual(["d12", "d11", "d10", "d9", "d8", "d7", "d6", "d5", "d4", "d3", "d2"]);
    const one = await api<{ deployments: Row[] }>(s, "GET", "application.one", { applicationId: appId });
    expect(one.deployments).toHaveLength(11);
  });

  it("deploy of an unknown application is 404; a deleted application's queued job is dropped", async () => {
    const { s, appId } = await setup({ queueDelayMs: 200 }, { image: "nginx:1" });
    expect(await callApi(s, "POST", "application.deploy", { applicationId: "nope" })).toMatchObject({ status: 404, body: { message: "Application not found" } });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "application.delete", { applicationId: appId });
    await s.control.idle();
    expect(s.control.state().projects[0]!.environments[0]!.applications).toEqual([]);
  });

  it("idle() rejects with a clear message when the bound is hit", async () => {
    const { s, appId } = await setup({ deployDurationMs: 2_000 }, { image: "nginx:1" });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await expect(s.control.idle(50)).rejects.toThrow(/deploy queue still busy after 50 ms/);
  });
});
