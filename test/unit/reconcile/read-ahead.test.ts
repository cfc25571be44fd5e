/**
 * Reading live state ahead (the daemon starts a pass's reads while git
 * fetches, with the previous revision's scope): every object is read at most
 * once per pass, the observation is exactly what a cold one returns whatever
 * the read-ahead covered, and a failed read ahead is only an error if the
 * observation needs it.
 */
import { describe, expect, it } from "vitest";
import type { DokployApi } from "../../../src/dokploy/port.ts";
import type { ApplicationDetail, ProjectDetail, ProjectRow } from "../../../src/dokploy/types.ts";
import { LiveReads, observeDokploy, OWN_SCOPE, ReadAhead, scopeOf } from "../../../src/reconcile/observe.ts";
import { appDetail, desiredFrom, marked } from "../../helpers/live-builders.ts";

const OPTIONS = { instance: "default", concurrency: 4 };

/** A read-only Dokploy in memory: two projects of ours ("shop", "blog") with two applications each, and "legacy", not ours, with one. */
function fakeDokploy(failing: Set<string> = new Set()): { api: DokployApi; calls: string[] } {
  const calls: string[] = [];
  const projects: Array<{ row: ProjectRow; apps: ApplicationDetail[] }> = [];
  const add = (name: string, ours: boolean, apps: string[]): void => {
    const projectId = `p-${name}`;
    const description = ours ? marked(`project/${name}`, projectId) : null;
    projects.push({
      row: { projectId, name, description, createdAt: "2026-01-01T00:00:00.000Z", organizationId: "o", env: "" },
      apps: apps.map((a) => {
        const applicationId = `a-${name}-${a}`;
        return appDetail(a, { applicationId, environmentId: `e-${name}`, description: ours ? marked(`application/${name}/production/${a}`, applicationId) : null });
      }),
    });
  };
  add("shop", true, ["web", "api"]);
  add("blog", true, ["site", "worker"]);
  add("legacy", false, ["old"]);
  const answer = async <T>(call: string, value: () => T): Promise<T> => {
    calls.push(call);
    await new Promise((r) => setTimeout(r, 1));
    if (failing.has(call)) throw new Error(`${call} failed`);
    return value();
  };
  const api = {
    projectAll: () => answer("project.all", () => projects.map((p) => ({ ...p.row, environments: [] }))),
    projectOne: ({ projectId }: { projectId: string }) => answer(`project.one ${projectId}`, (): ProjectDetail => {
      const p = projects.find((x) => x.row.projectId === projectId)!;
      return {
        ...p.row,
        environments: [{
          environmentId: `e-${p.row.name}`, name: "production", description: null, env: "", projectId, isDefault: true,
          applications: p.apps.map((a) => ({ applicationId: a.applicationId, name: a.name, description: a.description, appName: a.appName, applicationStatus: a.applicationStatus, createdAt: a.createdAt, serverId: null })),
        }],
      };
    }),
    applicationOne: ({ applicationId }: { applicationId: string }) =>
      answer(`application.one ${applicationId}`, () => projects.flatMap((p) => p.apps).find((a) => a.applicationId === applicationId)!),
  };
  return { api: api as unknown as DokployApi, calls };
}

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

async function cold(desired = SHOP_ONLY): Promise<unknown> {
  return observeDokploy(fakeDokploy().api, desired, OPTIONS);
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

describe("reading live state ahead", () => {
  it("reads each object once when the read-ahead had the same scope, and observes what a cold read does", async () => {
    const { api, calls } = fakeDokploy();
    const reads = new LiveReads(api, OPTIONS);
    reads.readAhead(scopeOf(SHOP_ONLY));
    await settle();
    const observed = await reads.observe(SHOP_ONLY);
    expect(observed).toEqual(await cold());
    expect(calls.toSorted()).toEqual([
      "application.one a-blog-site", "application.one a-blog-worker", "application.one a-shop-api", "application.one a-shop-web",
      "project.all", "project.one p-blog", "project.one p-shop",
    ]);
    expect(reads.reused).toBe(calls.length);
  });

  it("joins reads still in flight instead of issuing them again", async () => {
    const { api, calls } = fakeDokploy();
    const reads = new LiveReads(api, OPTIONS);
    reads.readAhead(scopeOf(SHOP_ONLY));
    const observed = await reads.observe(SHOP_ONLY); // at once: everything the read-ahead started is still in flight
    expect(observed).toEqual(await cold());
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls).toHaveLength(7);
  });

  it("reads what the new revision adds (a project named, an application adopted), once", async () => {
    const { api, calls } = fakeDokploy();
    const reads = new LiveReads(api, OPTIONS);
    reads.readAhead(OWN_SCOPE);
    await settle();
    expect(calls).not.toContain("project.one p-legacy");
    const observed = await reads.observe(WITH_LEGACY);
    expect(observed).toEqual(await cold(WITH_LEGACY));
    expect(calls.filter((c) => c === "project.one p-legacy" || c === "application.one a-legacy-old")).toEqual(["project.one p-legacy", "application.one a-legacy-old"]);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it("leaves out what was read ahead but the new revision no longer names", async () => {
    const { api, calls } = fakeDokploy();
    const reads = new LiveReads(api, OPTIONS);
    reads.readAhead(scopeOf(WITH_LEGACY));
    await settle();
    expect(calls).toContain("application.one a-legacy-old");
    const observed = await reads.observe(SHOP_ONLY);
    expect(observed).toEqual(await cold(SHOP_ONLY));
    expect(observed.projects.find((p) => p.name === "legacy")).toMatchObject({ detailed: false, environments: [] });
  });

  it("a failed read ahead is no error unless the observation needs it, and never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { api } = fakeDokploy(new Set(["application.one a-legacy-old"]));
      const reads = new LiveReads(api, OPTIONS);
      reads.readAhead(scopeOf(WITH_LEGACY));
      await settle();
      await expect(reads.observe(SHOP_ONLY)).resolves.toEqual(await cold(SHOP_ONLY));

      const again = new LiveReads(api, OPTIONS);
      again.readAhead(scopeOf(WITH_LEGACY));
      await settle();
      await expect(again.observe(WITH_LEGACY)).rejects.toThrow("application.one a-legacy-old failed");
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("stops starting reads once stopped (a revision that fails validation)", async () => {
    const { api, calls } = fakeDokploy();
    const reads = new LiveReads(api, { ...OPTIONS, concurrency: 1 });
    reads.readAhead(scopeOf(SHOP_ONLY));
    await new Promise((r) => setTimeout(r, 0));
    reads.stopReadingAhead();
    await settle();
    const made = calls.length;
    expect(made).toBeLessThan(7);
    await settle();
    expect(calls).toHaveLength(made);
  });

  it("the daemon's ReadAhead reads the next pass with the scope the last observation needed", async () => {
    const ahead = new ReadAhead();
    const first = fakeDokploy();
    await ahead.begin(first.api, OPTIONS).observe(WITH_LEGACY);
    const second = fakeDokploy();
    ahead.begin(second.api, OPTIONS); // read ahead only: no observation
    await settle();
    expect(second.calls).toContain("project.one p-legacy");
    expect(second.calls).toContain("application.one a-legacy-old");
  });
});
