/**
 * Fault tests through the simulator: the client must finish a sequence of
 * reads through injected 500s, resets and timeouts; a create whose answer is
 * lost must not lead to a duplicate when the caller follows the re-read rule;
 * the breaker must open under sustained failure and recover after cool-down.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDokployClient } from "../../../src/dokploy/client.ts";
import type { BreakerState, DokployClient, DokployClientOptions } from "../../../src/dokploy/client.ts";
import type { DokployApi } from "../../../src/dokploy/port.ts";
import type { DokployError } from "../../../src/dokploy/errors.ts";
import { startSimulator } from "../../../src/simulator/index.ts";
import { rejection } from "./leak-check.ts";
import { FAST_BUILDS } from "../../helpers/simulator.ts";

type Sim = Awaited<ReturnType<typeof startSimulator>>;

let sim: Sim;
let api: DokployClient | undefined;

function client(extra: Partial<DokployClientOptions> = {}): DokployClient {
  api = createDokployClient({
    url: sim.url,
    apiKey: sim.apiKey,
    requestTimeoutMs: 300,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
  return api;
}

beforeEach(async () => {
  sim = await startSimulator({ seed: 42, deployDurationMs: 20, ...FAST_BUILDS });
});

afterEach(async () => {
  await api?.close();
  api = undefined;
  await sim.close();
});

/**
 * The re-read rule the apply layer follows: after a create whose outcome is
 * unknown, look for the object by its name and marker before sending the
 * create again.
 */
async function createProjectOnce(c: DokployApi, name: string, marker: string): Promise<string> {
  const find = async () => (await c.projectAll()).filter((p) => p.name === name && (p.description ?? "").includes(marker));
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await find();
    if (existing[0]) return existing[0].projectId;
    try {
      return (await c.projectCreate({ name, description: `${marker}` })).project.projectId;
    } catch (err) {
      if (!(err as DokployError).mayHaveApplied) throw err;
    }
  }
  throw new Error(`could not create ${name}`);
}

describe("client through simulator faults", () => {
  it("completes a sequence of reads with 30% injected 500s, resets and timeouts", async () => {
    const c = client({ retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 }, breaker: { failureThreshold: 50 } });
    const { project } = await c.projectCreate({ name: "shop" });
    const app = await c.applicationCreate({ name: "web", environmentId: (await c.projectOne({ projectId: project.projectId })).environments[0]!.environmentId });
    sim.control.setFaults([{ method: "GET", errorRate: 0.1, resetRate: 0.1, timeoutRate: 0.1 }]);
    for (let i = 0; i < 15; i++) {
      expect((await c.projectAll()).map((p) => p.projectId)).toEqual([project.projectId]);
      expect((await c.projectOne({ projectId: project.projectId })).name).toBe("shop");
      expect((await c.applicationOne({ applicationId: app.applicationId })).name).toBe("web");
    }
    const stats = c.stats();
    const failedAttempts = Object.values(stats.byEndpoint).reduce((n, e) => n + e.errors, 0);
    expect(failedAttempts).toBeGreaterThan(0); // the faults did fire
    const log = sim.control.calls();
    expect(new Set(log.map((l) => l.status))).toEqual(new Set([200, 500, "reset", "timeout"]));
  });

  it("a create whose response is lost yields mayHaveApplied, and the re-read rule leaves no duplicate", async () => {
    const c = client();
    sim.control.setFaults([{ route: "project.create", lostResponseRate: 1, count: 1 }]);
    const err = await rejection(c.projectCreate({ name: "shop", description: "marker-1" }), sim.apiKey);
    expect(err).toMatchObject({ mayHaveApplied: true, retriable: true });
    expect(sim.control.calls().filter((l) => l.endpoint === "project.create")).toHaveLength(1); // not re-sent

    sim.control.setFaults([{ route: "project.create", lostResponseRate: 1, count: 1 }]);
    const id = await createProjectOnce(c, "cart", "marker-2");
    const id2 = await createProjectOnce(c, "shop", "marker-1");
    const state = sim.control.state();
    expect(state.projects.filter((p) => p.name === "shop")).toHaveLength(1);
    expect(state.projects.filter((p) => p.name === "cart")).toHaveLength(1);
    expect(state.projects.map((p) => p.projectId).sort()).toEqual([id, id2].sort());
  });

  it("a create that times out is not re-sent", async () => {
    const c = client();
    sim.control.setFaults([{ route: "application.create", timeoutRate: 1, count: 1 }]);
    const { environment } = await c.projectCreate({ name: "shop" });
    const err = await rejection(c.applicationCreate({ name: "web", environmentId: environment.environmentId }), sim.apiKey);
    expect(err).toMatchObject({ kind: "timeout", mayHaveApplied: true });
    expect(sim.control.calls().filter((l) => l.endpoint === "application.create")).toHaveLength(1);
  });

  it("a delete whose answer is lost reports not found on the retry", async () => {
    const c = client();
    const { project } = await c.projectCreate({ name: "shop" });
    sim.control.setFaults([{ route: "project.remove", lostResponseRate: 1, count: 1 }]);
    const err = (await rejection(c.projectRemove({ projectId: project.projectId }), sim.apiKey)) as unknown as DokployError;
    expect(err.isNotFound).toBe(true);
    expect(err.mayHaveApplied).toBe(true);
    expect(sim.control.state().projects).toEqual([]);
  });

  it("an idempotent update is retried through a lost response", async () => {
    const c = client();
    const { project } = await c.projectCreate({ name: "shop" });
    sim.control.setFaults([{ route: "project.update", lostResponseRate: 1, count: 1 }]);
    await expect(c.projectUpdate({ projectId: project.projectId, description: "v2" })).resolves.toMatchObject({ description: "v2" });
  });

  it("a key exhausted after N calls gets the 401 message at once", async () => {
    const c = client();
    sim.control.setFaults([{ unauthorizedAfter: 2 }]);
    await c.projectAll();
    await c.projectAll();
    const err = await rejection(c.projectAll(), sim.apiKey);
    expect(err).toMatchObject({ kind: "unauthorized", status: 401, retriable: false });
    expect(err.message).toContain("rate limit is exhausted");
  });

  it("the breaker opens under sustained failure and recovers after the cool-down", async () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const c = client({
      now: () => now,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      breaker: { failureThreshold: 5, coolDownMs: 10_000 },
      onBreakerChange: (s) => changes.push(s),
    });
    sim.control.setFaults([{ errorRate: 1 }]);
    await rejection(c.projectAll(), sim.apiKey);
    await rejection(c.projectAll(), sim.apiKey);
    expect(c.breakerState()).toBe("open");
    const sent = sim.control.calls().length;
    expect(sent).toBe(5);
    const fast = await rejection(c.projectAll(), sim.apiKey);
    expect(fast).toMatchObject({ kind: "circuit-open", retriable: true });
    expect(sim.control.calls().length).toBe(sent); // nothing sent while open

    now += 10_000;
    sim.control.clearFaults();
    await expect(c.projectAll()).resolves.toEqual([]);
    expect(c.breakerState()).toBe("closed");
    expect(changes).toEqual(["open", "half-open", "closed"]);
  });

  it("a failed probe re-opens the breaker", async () => {
    let now = 0;
    const c = client({ now: () => now, retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1, coolDownMs: 1_000 } });
    sim.control.setFaults([{ errorRate: 1 }]);
    await rejection(c.projectAll(), sim.apiKey);
    now += 1_000;
    await rejection(c.projectAll(), sim.apiKey); // the probe
    expect(c.breakerState()).toBe("open");
  });
});
