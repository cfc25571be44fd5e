/**
 * Reading live state ahead (the daemon starts a pass's reads while git
 * fetches, with the previous revision's scope): every object is read at most
 * once per pass, the observation is exactly what a cold one returns whatever
 * the read-ahead covered, and a failed read ahead is only an error if the
 * observation needs it. Against the simulator over real HTTP; "read" means a
 * call the simulator logged, and waits are bounded (`eventually`) on what it
 * or the client saw.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDokployClient, type CallEvent, type DokployClient } from "../../../src/dokploy/client.ts";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { LiveReads, observeDokploy, OWN_SCOPE, ReadAhead, scopeOf } from "../../../src/reconcile/observe.ts";
import { eventually } from "../../helpers/eventually.ts";
import { desiredFrom, marked } from "../../helpers/live-builders.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";

const OPTIONS = { instance: "default", concurrency: 4 };

let sim: SimulatorHandle;
const clients: DokployClient[] = [];

/** Two projects of ours ("shop", "blog") with two applications each, and "legacy", not ours, with one (the newest). */
beforeAll(async () => {
  sim = await startTestSimulator();
  const project = (name: string, ours: boolean, apps: string[], day: number) => ({
    name, projectId: `p-${name}`, createdAt: `2026-01-0${day}T00:00:00.000Z`, description: ours ? marked(`Project/${name}`, `p-${name}`) : null,
    environments: [{
      name: "production", environmentId: `e-${name}`,
      applications: apps.map((a) => ({
        name: a, applicationId: `a-${name}-${a}`, appName: `${name}-${a}`,
        description: ours ? marked(`Application/${name}/production/${a}`, `a-${name}-${a}`) : null,
      })),
    }],
  });
  sim.control.seed({ projects: [project("shop", true, ["web", "api"], 1), project("blog", true, ["site", "worker"], 2), project("legacy", false, ["old"], 3)] });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.control.clearFaults();
  sim.control.resetCalls();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A fresh client of the simulator; `events` hears every attempt it finished. */
function client(): { api: DokployClient; events: CallEvent[] } {
  const events: CallEvent[] = [];
  const api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, onCall: (e) => events.push(e) });
  clients.push(api);
  return { api, events };
}

/** The reads the simulator answered so far, as `endpoint id`. */
function reads(): string[] {
  return sim.control.calls().map((c) => {
    const body = (c.body ?? {}) as Record<string, unknown>;
    const id = body.projectId ?? body.applicationId;
    return id === undefined ? c.endpoint : `${c.endpoint} ${String(id)}`;
  });
}

/** Waits until the simulator has answered `n` reads (a read-ahead that ran to its end). */
async function answered(n: number): Promise<void> {
  await eventually(() => expect(reads()).toHaveLength(n));
}

/** The reads of a whole observation of SHOP_ONLY or of OWN_SCOPE: everything of ours. */
const OURS = [
  "application.one a-blog-site", "application.one a-blog-worker", "application.one a-shop-api", "application.one a-shop-web",
  "project.all", "project.one p-blog", "project.one p-shop",
];

const SHOP_ONLY = desiredFrom(`
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
`);

const WITH_LEGACY = desiredFrom(`
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
---
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: legacy }
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: old, project: legacy, environment: production, annotations: { dokploy-gitops/adopt: "true" } }
spec:
  source: { type: docker, image: "nginx:1" }
`);

/** What an observation without read-ahead returns (its reads are not counted). */
async function cold(desired = SHOP_ONLY): Promise<unknown> {
  const seen = sim.control.calls().length;
  const observed = await observeDokploy(client().api, desired, OPTIONS);
  expect(sim.control.calls().length).toBeGreaterThan(seen);
  return observed;
}

describe("reading live state ahead", () => {
  it("reads each object once when the read-ahead had the same scope, and observes what a cold read does", async () => {
    const live = new LiveReads(client().api, OPTIONS);
    live.readAhead(scopeOf(SHOP_ONLY));
    await answered(OURS.length);
    const observed = await live.observe(SHOP_ONLY);
    expect(reads().toSorted()).toEqual(OURS);
    expect(live.reused).toBe(OURS.length);
    expect(observed).toEqual(await cold());
  });

  it("joins reads still in flight instead of issuing them again", async () => {
    const live = new LiveReads(client().api, OPTIONS);
    live.readAhead(scopeOf(SHOP_ONLY));
    const observed = await live.observe(SHOP_ONLY); // at once: everything the read-ahead started is still in flight
    expect(reads().toSorted()).toEqual(OURS);
    expect(live.reused).toBeGreaterThan(0);
    expect(observed).toEqual(await cold());
  });

  it("reads what the new revision adds (a project named, an application adopted), once", async () => {
    const live = new LiveReads(client().api, OPTIONS);
    live.readAhead(OWN_SCOPE);
    await answered(OURS.length);
    expect(reads().toSorted()).toEqual(OURS);
    const observed = await live.observe(WITH_LEGACY);
    const all = reads();
    expect(all.toSorted()).toEqual([...OURS, "application.one a-legacy-old", "project.one p-legacy"].toSorted());
    expect(observed).toEqual(await cold(WITH_LEGACY));
  });

  it("leaves out what was read ahead but the new revision no longer names", async () => {
    const live = new LiveReads(client().api, OPTIONS);
    live.readAhead(scopeOf(WITH_LEGACY));
    await answered(OURS.length + 2);
    expect(reads()).toContain("application.one a-legacy-old");
    const observed = await live.observe(SHOP_ONLY);
    expect(reads()).toHaveLength(OURS.length + 2);
    expect(observed.projects.find((p) => p.name === "legacy")).toMatchObject({ detailed: false, environments: [] });
    expect(observed).toEqual(await cold(SHOP_ONLY));
  });

  it("a failed read ahead is no error unless the observation needs it, and never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      // One read at a time, newest project first (project.all's order): the first application.one, legacy's, is refused.
      const serial = { ...OPTIONS, concurrency: 1 };
      const failLegacyOld = (): void => sim.control.setFaults([{ route: "application.one", unauthorizedAfter: 0, count: 1 }]);
      const refused = async (events: CallEvent[]): Promise<void> => {
        await eventually(() => events.some((e) => e.endpoint === "application.one" && e.status === 401));
        expect(sim.control.calls().filter((c) => c.status === 401).map((c) => (c.body as { applicationId: string }).applicationId)).toEqual(["a-legacy-old"]);
        await new Promise((r) => setImmediate(r)); // one turn of the event loop: Node reports unhandled rejections at its end
      };

      failLegacyOld();
      const first = client();
      const live = new LiveReads(first.api, serial);
      live.readAhead(scopeOf(WITH_LEGACY));
      await refused(first.events);
      sim.control.clearFaults();
      await expect(live.observe(SHOP_ONLY)).resolves.toEqual(await cold(SHOP_ONLY));

      sim.control.resetCalls();
      failLegacyOld();
      const second = client();
      const again = new LiveReads(second.api, serial);
      again.readAhead(scopeOf(WITH_LEGACY));
      await refused(second.events);
      sim.control.clearFaults();
      await expect(again.observe(WITH_LEGACY)).rejects.toThrow("401");
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("stops starting reads once stopped (a revision that fails validation); reads in flight stay usable", async () => {
    const live = new LiveReads(client().api, { ...OPTIONS, concurrency: 1 });
    live.readAhead(scopeOf(SHOP_ONLY)); // starts project.all at once
    live.stopReadingAhead();
    await live.projectAll(); // the read-ahead's own continuation on this answer ran first: it has decided what to read next
    expect(live.reused).toBe(1);
    await live.observe(SHOP_ONLY);
    expect(live.reused).toBe(2); // our join and the observation's project.all: nothing else had been started ahead
    expect(reads().toSorted()).toEqual(OURS);
  });

  it("the daemon's ReadAhead reads the next pass with the scope the last observation needed", async () => {
    const ahead = new ReadAhead();
    await ahead.begin(client().api, OPTIONS).observe(WITH_LEGACY);
    sim.control.resetCalls();
    ahead.begin(client().api, OPTIONS); // read ahead only: no observation
    await answered(OURS.length + 2);
    expect(reads()).toContain("project.one p-legacy");
    expect(reads()).toContain("application.one a-legacy-old");
  });
});
