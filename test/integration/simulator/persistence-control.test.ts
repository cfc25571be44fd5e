/**
 * State across restarts (`--state`), seeding and UI-style edits, and the
 * same controls over HTTP under `/__simulator/` for a simulator in another
 * process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sim-state-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("keeps projects, applications, domains and deployments across a restart", async () => {
    const statePath = join(dir, "state.json");
    const first = await startTestSimulator({ statePath });
    const { environment } = await api<{ environment: { environmentId: string } }>(first, "POST", "project.create", { name: "kept" });
    const app = await api<{ applicationId: string; appName: string }>(first, "POST", "application.create", { name: "web", environmentId: environment.environmentId });
    await api(first, "POST", "domain.create", { host: "kept.example.com", applicationId: app.applicationId });
    await api(first, "POST", "application.deploy", { applicationId: app.applicationId });
    await first.control.idle();
    await first.close();
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({ version: 1 });

    const second = await startTestSimulator({ statePath });
    try {
      const one = await api<{ appName: string; domains: unknown[]; deployments: Array<{ status: string }> }>(
        second, "GET", "application.one", { applicationId: app.applicationId },
      );
      expect(one.appName).toBe(app.appName);
      expect(one.domains).toHaveLength(1);
      expect(one.deployments.map((d) => d.status)).toEqual(["done"]);
      const again = await api<{ uniqueConfigKey: number }>(second, "POST", "domain.create", { host: "b.example.com", applicationId: app.applicationId });
      expect(again.uniqueConfigKey).toBe(2);
    } finally {
      await second.close();
    }
  });

  it("cancels deployments that were running when the simulator stopped and sets their applications idle, like Dokploy at startup", async () => {
    const statePath = join(dir, "state.json");
    const first = await startTestSimulator({ statePath, seed: 5 });
    const seeded = first.control.seed({ projects: [{ name: "p", environments: [{ name: "production", applications: [{ name: "a" }, { name: "b" }] }] }] });
    const [mid, other] = seeded.applicationIds as [string, string];
    first.control.seed({ deployments: [{ applicationId: mid, status: "running", title: "mid-build" }] });
    first.control.update("application", mid, { applicationStatus: "running" });
    first.control.update("application", other, { applicationStatus: "done" });
    await first.close();
    const second = await startTestSimulator({ statePath });
    try {
      const apps = second.control.state().projects[0]!.environments[0]!.applications;
      expect(apps.find((a) => a.applicationId === mid)!.deployments[0]).toMatchObject({ status: "cancelled" });
      // packages/server/src/utils/startup/cancel-deployments.ts: the cancelled rows' applications become idle, no others.
      expect(await api(second, "GET", "application.one", { applicationId: mid })).toMatchObject({ applicationStatus: "idle" });
      expect(await api(second, "GET", "application.one", { applicationId: other })).toMatchObject({ applicationStatus: "done" });
    } finally {
      await second.close();
    }
  });

  it("refuses a corrupt state file with a clear error", async () => {
    const statePath = join(dir, "state.json");
    writeFileSync(statePath, "{not json");
    await expect(startTestSimulator({ statePath })).rejects.toThrow(`simulator: state file ${statePath} is not valid JSON`);
    writeFileSync(statePath, JSON.stringify({ version: 1, projects: {} }));
    await expect(startTestSimulator({ statePath })).rejects.toThrow(`"projects" must be an array of rows`);
  });
});

describe("seed and update", () => {
  let sim: SimulatorHandle;
  beforeEach(async () => {
    sim = await startTestSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it("seeds nested objects with defaults, fills the default environment, and returns ids by path", async () => {
    const result = sim.control.seed({
      projects: [{
        name: "legacy",
        description: "made by hand",
        environments: [
          { name: "production", description: "edited", applications: [{ name: "web", appName: "web-abc123", domains: [{ host: "legacy.example.com" }] }] },
          { name: "staging" },
        ],
      }],
    });
    expect(result.projectIds).toHaveLength(1);
    expect(result.environmentIds).toHaveLength(2);
    const appId = result.ids["legacy/production/web"]!;
    const one = await api<Record<string, unknown>>(sim, "GET", "application.one", { applicationId: appId });
    expect(one).toMatchObject({ appName: "web-abc123", sourceType: "github", environment: { description: "edited", isDefault: true } });
    expect(result.ids["legacy/production/web/legacy.example.com"]).toEqual(expect.any(String));
    expect(() => sim.control.seed({ applications: [{ environmentId: "nope", name: "x" }] })).toThrow(
      "simulator seed: applications[]: environment nope does not exist",
    );
  });

  it("update edits a row behind the tool's back", async () => {
    const { project } = await api<{ project: { projectId: string } }>(sim, "POST", "project.create", { name: "p" });
    sim.control.update("project", project.projectId, { description: "edited in the UI" });
    expect(await api(sim, "GET", "project.one", { projectId: project.projectId })).toMatchObject({ description: "edited in the UI" });
    expect(() => sim.control.update("domain", "nope", {})).toThrow("simulator update: no domain with id nope");
  });
});

describe("HTTP controls", () => {
  let sim: SimulatorHandle;
  beforeEach(async () => {
    sim = await startTestSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });
  const control = async (method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${sim.url}/__simulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json() };
  };

  it("drives the simulator without an API key and stays out of the call log", async () => {
    const seeded = (await control("POST", "seed", { projects: [{ name: "ctl", environments: [{ name: "production", applications: [{ name: "a" }] }] }] })).body as {
      applicationIds: string[];
      projectIds: string[];
    };
    expect((await control("GET", "state")).body).toMatchObject({ projects: [{ name: "ctl" }] });
    expect(await control("POST", "update", { kind: "project", id: seeded.projectIds[0], patch: { name: "renamed" } })).toMatchObject({ status: 200 });
    expect(await control("POST", "faults", [{ route: "project.all", errorRate: 1 }])).toMatchObject({ status: 200 });
    expect((await callApi(sim, "GET", "project.all")).status).toBe(500);
    expect(await control("POST", "faults", [])).toMatchObject({ status: 200 });
    expect(await control("POST", "key", { valid: false })).toMatchObject({ status: 200 });
    expect((await callApi(sim, "GET", "project.all")).status).toBe(401);
    await control("POST", "key", { valid: true });
    await api(sim, "POST", "application.deploy", { applicationId: seeded.applicationIds[0] });
    expect(await control("POST", "idle", { timeoutMs: 5_000 })).toMatchObject({ status: 200 });
    expect(sim.control.state().projects[0]!.environments[0]!.applications[0]!.applicationStatus).toBe("done");
    const calls = (await control("GET", "calls")).body as Array<{ endpoint: string }>;
    expect(calls.map((c) => c.endpoint)).toEqual(["project.all", "project.all", "application.deploy"]);
    await control("POST", "calls/reset");
    expect((await control("GET", "calls")).body).toEqual([]);
  });

  it("answers bad control input with a specific 400 and unknown routes with 404", async () => {
    expect(await control("POST", "faults", [{ errorRate: "often" }])).toEqual({
      status: 400, body: { error: 'POST /faults: faults[0].errorRate: expected a number from 0 to 1, got "often"' },
    });
    expect(await control("POST", "key", {})).toMatchObject({ status: 400 });
    expect((await control("GET", "nothing")).status).toBe(404);
  });
});
