/**
 * Builds as on a real server: one queue per server shared by applications and
 * compose stacks, one build at a time by default (Dokploy's `buildsConcurrency`
 * 1), the next job the first waiting one whose service is free, and
 * `deployment.queueList` showing what waits and what runs. Ordering is read
 * from the deployment rows' timestamps (strictly increasing in the
 * simulator), never from a clock in the test.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, callApi, startTestSimulator, TEST_API_KEY } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function services(s: SimulatorHandle): Promise<{ projectId: string; environmentId: string; appId: string; composeId: string }> {
  const { project, environment } = await api<{ project: Row; environment: Row }>(s, "POST", "project.create", { name: "shop" });
  const environmentId = String(environment.environmentId);
  const app = await api<Row>(s, "POST", "application.create", { name: "web", environmentId });
  await api(s, "POST", "application.saveDockerProvider", { applicationId: app.applicationId, dockerImage: "nginx:1", username: null, password: null, registryUrl: null });
  const compose = await api<Row>(s, "POST", "compose.create", { name: "stack", environmentId, sourceType: "raw", composeFile: "services:\n  web:\n    image: nginx:1\n" });
  return { projectId: String(project.projectId), environmentId, appId: String(app.applicationId), composeId: String(compose.composeId) };
}

const queueList = (s: SimulatorHandle): Promise<Row[]> => api<Row[]>(s, "GET", "deployment.queueList");

describe("the build queue", () => {
  it("by default builds one job at a time and for minutes: a second deploy waits", async () => {
    const s = (sim = await startSimulator({ seed: 1, apiKey: TEST_API_KEY, queueDelayMs: 0 }));
    const { appId, composeId } = await services(s);
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "compose.deploy", { composeId });
    const jobs = await eventually(async () => {
      const list = await queueList(s);
      expect(list.map((j) => j.state).sort()).toEqual(["active", "waiting"]);
      return list;
    });
    // Newest first: the compose job waits behind the application's build.
    expect(jobs.map((j) => [j.state, Object.keys(j.data as Row)[0]])).toEqual([["waiting", "composeId"], ["active", "applicationId"]]);
    expect(await api(s, "GET", "deployment.allByCompose", { composeId })).toEqual([]);
    expect(await api<Row[]>(s, "GET", "deployment.all", { applicationId: appId })).toEqual([expect.objectContaining({ status: "running" })]);
  });

  it("serial builds: each starts only after the one before it ended, in enqueue order across services", async () => {
    const s = (sim = await startTestSimulator({ buildsConcurrency: 1, deployDurationMs: 60 }));
    const { appId, composeId } = await services(s);
    await api(s, "POST", "application.deploy", { applicationId: appId, title: "first" });
    await api(s, "POST", "compose.deploy", { composeId, title: "second" });
    await api(s, "POST", "application.redeploy", { applicationId: appId, title: "third" });
    await s.control.idle();
    const app = await api<Row[]>(s, "GET", "deployment.all", { applicationId: appId });
    const [composeRow] = await api<Row[]>(s, "GET", "deployment.allByCompose", { composeId });
    const first = app.find((d) => d.status === "done" && d.title !== "third")!;
    const third = app.find((d) => d.title === "third")!;
    expect(String(composeRow!.startedAt) >= String(first.finishedAt)).toBe(true);
    expect(String(third.startedAt) >= String(composeRow!.finishedAt)).toBe(true);
  });

  it("unlimited concurrency runs every service's build at once (one per service)", async () => {
    const s = (sim = await startTestSimulator({ buildsConcurrency: "unlimited", deployDurationMs: 60_000, queueDelayMs: 0 }));
    const { appId, composeId } = await services(s);
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "compose.deploy", { composeId });
    await eventually(async () => expect((await queueList(s)).map((j) => j.state).sort()).toEqual(["active", "active", "waiting"]));
  });

  it("queueList elements carry Dokploy's job data, times and service path", async () => {
    const s = (sim = await startTestSimulator({ buildsConcurrency: 1, deployDurationMs: 60_000, queueDelayMs: 0 }));
    const { projectId, environmentId, appId, composeId } = await services(s);
    await api(s, "POST", "compose.deploy", { composeId, title: "Release" });
    await api(s, "POST", "application.deploy", { applicationId: appId });
    const [waiting, active] = await eventually(async () => {
      const list = await queueList(s);
      expect(list.map((j) => j.state)).toEqual(["waiting", "active"]);
      return list;
    });
    expect(active).toEqual({
      id: "job-1", name: "deployments", timestamp: expect.any(Number), processedOn: expect.any(Number), state: "active",
      data: { composeId, titleLog: "Release", type: "deploy", applicationType: "compose", descriptionLog: "", server: false },
      servicePath: { href: `/dashboard/project/${projectId}/environment/${environmentId}/services/compose/${composeId}`, label: "Compose" },
    });
    expect(waiting).toEqual({
      id: "job-2", name: "deployments", timestamp: expect.any(Number), state: "waiting",
      data: { applicationId: appId, titleLog: "Manual deployment", descriptionLog: "", type: "deploy", applicationType: "application", server: false },
      servicePath: { href: `/dashboard/project/${projectId}/environment/${environmentId}/services/application/${appId}`, label: "Application" },
    });
    // Deleting a service drops its waiting jobs (Dokploy's cleanQueuesByApplication).
    await api(s, "POST", "application.delete", { applicationId: appId });
    expect(await queueList(s)).toEqual([active]);
  });

  it("the build settings change over the control route, and bad ones are refused", async () => {
    const s = (sim = await startTestSimulator({ buildsConcurrency: 1, deployDurationMs: 60_000, queueDelayMs: 0 }));
    const { appId, composeId } = await services(s);
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "compose.deploy", { composeId });
    await eventually(async () => expect((await queueList(s)).map((j) => j.state).sort()).toEqual(["active", "waiting"]));
    const post = (body: unknown): Promise<Response> =>
      fetch(`${s.url}/__simulator/builds`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    expect((await post({ buildsConcurrency: "unlimited" })).status).toBe(200);
    await eventually(async () => expect((await queueList(s)).map((j) => j.state)).toEqual(["active", "active"]));
    const bad = await post({ buildsConcurrency: 0 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'POST /builds: simulator setBuilds: buildsConcurrency must be an integer >= 1 or "unlimited", got 0' });
    expect((await post({ deployJitter: 2 })).status).toBe(400);
  });

  it("a failing build is reachable from the fail-deploys control route, for applications and compose alike", async () => {
    const s = (sim = await startTestSimulator({ buildsConcurrency: 1 }));
    const { appId, composeId } = await services(s);
    const res = await fetch(`${s.url}/__simulator/fail-deploys`, { method: "POST", body: JSON.stringify({ imagePattern: "nginx:*" }) });
    expect(res.status).toBe(200);
    await api(s, "POST", "application.deploy", { applicationId: appId });
    await api(s, "POST", "compose.deploy", { composeId });
    await s.control.idle();
    expect(await api<Row>(s, "GET", "application.one", { applicationId: appId })).toMatchObject({ applicationStatus: "error" });
    expect(await api<Row>(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "error" });
    expect((await callApi(s, "GET", "deployment.queueList")).body).toEqual([]);
  });
});
