/**
 * Fault injection and the call log: each fault kind does what a real failure
 * would (including "performed but the answer was lost"), rules expire after
 * `count`, and the log records what tests need to prove "no write".
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

let sim: SimulatorHandle;
beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(async () => {
  await sim.close();
});

const projectCount = (): number => sim.control.state().projects.length;
const post = (name: string, timeoutMs = 5_000): Promise<Response> =>
  fetch(`${sim.url}/api/project.create`, {
    method: "POST",
    headers: { "x-api-key": sim.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(timeoutMs),
  });

describe("faults", () => {
  it("errorRate answers 500 in Dokploy's shape without performing the call", async () => {
    sim.control.setFaults([{ route: "project.create", errorRate: 1 }]);
    const res = await callApi(sim, "POST", "project.create", { name: "x" });
    expect(res).toMatchObject({ status: 500, body: { code: "INTERNAL_SERVER_ERROR", data: { httpStatus: 500, path: "project.create" } } });
    expect(projectCount()).toBe(0);
    // Other routes are untouched.
    expect((await callApi(sim, "GET", "project.all")).status).toBe(200);
  });

  it("resetRate destroys the connection without performing the call", async () => {
    sim.control.setFaults([{ route: "project.*", method: "POST", resetRate: 1 }]);
    await expect(post("x")).rejects.toThrow();
    expect(projectCount()).toBe(0);
    expect(sim.control.calls().at(-1)).toMatchObject({ endpoint: "project.create", status: "reset" });
  });

  it("timeoutRate never answers (the client gives up) and performs nothing", async () => {
    sim.control.setFaults([{ timeoutRate: 1 }]);
    await expect(post("x", 300)).rejects.toThrow(/abort|timeout/i);
    expect(projectCount()).toBe(0);
    expect(sim.control.calls().at(-1)).toMatchObject({ status: "timeout" });
  });

  it("lostResponseRate performs the write, then drops the answer", async () => {
    sim.control.setFaults([{ route: "project.create", lostResponseRate: 1 }]);
    await expect(post("created-but-lost")).rejects.toThrow();
    expect(sim.control.state().projects.map((p) => p.name)).toEqual(["created-but-lost"]);
    expect(sim.control.calls().at(-1)).toMatchObject({ status: "lost", body: { name: "created-but-lost" } });
  });

  it("unauthorizedAfter lets N calls through, then answers the bare 401", async () => {
    sim.control.setFaults([{ unauthorizedAfter: 2 }]);
    expect((await callApi(sim, "GET", "project.all")).status).toBe(200);
    expect((await callApi(sim, "GET", "settings.getDokployVersion")).status).toBe(200);
    const third = await callApi(sim, "GET", "project.all");
    expect(third).toMatchObject({ status: 401, text: '{"message":"Unauthorized"}' });
    sim.control.clearFaults();
    expect((await callApi(sim, "GET", "project.all")).status).toBe(200);
  });

  it("count expires a rule after it applied N times", async () => {
    sim.control.setFaults([{ route: "project.all", errorRate: 1, count: 2 }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await callApi(sim, "GET", "project.all")).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
  });

  it("partial rates are reproducible with a seed", async () => {
    const run = async (): Promise<number[]> => {
      const s = await startTestSimulator({ seed: 9 });
      try {
        s.control.setFaults([{ route: "project.all", errorRate: 0.5 }]);
        const out = [];
        for (let i = 0; i < 20; i++) out.push((await callApi(s, "GET", "project.all")).status);
        return out;
      } finally {
        await s.close();
      }
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it("rejects malformed rules with a specific message", () => {
    expect(() => sim.control.setFaults([{ errorRate: 2 }])).toThrow("faults[0].errorRate: expected a number from 0 to 1, got 2");
    expect(() => sim.control.setFaults([{ rout: "x" } as never])).toThrow(/faults\[0\]\.rout: unknown field/);
  });

  it("adds latency per rule and globally (recorded in durationMs)", async () => {
    sim.control.setFaults([{ route: "project.all", latencyMs: 60 }]);
    await callApi(sim, "GET", "project.all");
    sim.control.clearFaults();
    sim.control.setLatency(40);
    await callApi(sim, "GET", "settings.getDokployVersion");
    const [slowRule, slowGlobal] = sim.control.calls();
    expect(slowRule!.durationMs).toBeGreaterThanOrEqual(59);
    expect(slowGlobal!.durationMs).toBeGreaterThanOrEqual(39);
  });
});

describe("call log", () => {
  it("records method, path, endpoint, status and input; resets; never logs control routes", async () => {
    await api(sim, "POST", "project.create", { name: "logged" });
    await callApi(sim, "GET", "PROJECT.ALL");
    await callApi(sim, "GET", "project.one", { projectId: "nope" });
    await fetch(`${sim.url}/__simulator/state`);
    const calls = sim.control.calls();
    expect(calls.map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ["POST", "project.create", 200],
      ["GET", "project.all", 200],
      ["GET", "project.one", 404],
    ]);
    expect(calls[0]).toMatchObject({ seq: 1, path: "/api/project.create", body: { name: "logged" } });
    expect(calls[2]).toMatchObject({ path: "/api/project.one?projectId=nope", body: { projectId: "nope" } });
    expect(new Date(calls[0]!.at).toString()).not.toBe("Invalid Date");
    sim.control.resetCalls();
    expect(sim.control.calls()).toEqual([]);
  });
});
