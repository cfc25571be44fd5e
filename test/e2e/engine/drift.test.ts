/**
 * Drift journeys: someone changes owned objects in the Dokploy UI (renames,
 * an env edit, a deleted domain, a deleted application). The marker keeps a
 * renamed object ours, so the next apply puts back exactly what the
 * manifests say, and the plan after that is clean.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, application, envMap, expectExit, markerOf, project, projectsNamed, runEngine, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;

beforeAll(async () => {
  sim = await startTestSimulator();
  tree = scratch.tree("basic");
  expectExit(await runEngine(sim, "apply", tree.dir), 0);
  await sim.control.idle(10_000);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

/** Plans (must show changes), applies, and checks the next plan is clean. */
async function reconcile(): Promise<{ plan: string; apply: string }> {
  const plan = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 2).stdout;
  const apply = expectExit(await runEngine(sim, "apply", tree.dir), 0).stdout;
  await sim.control.idle(10_000);
  const again = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
  expect(again.stdout).toContain("No changes.");
  return { plan, apply };
}

describe("drift made in the Dokploy UI", () => {
  // All four edits at once, reconciled by one apply (each CLI run costs a second or two).
  let before: ReturnType<SimulatorHandle["control"]["state"]>;
  let plan: string;
  beforeAll(async () => {
    before = sim.control.state();
    const shop = project(before, "shop");
    const web = application(before, "shop", "production", "web");
    sim.control.update("project", shop.projectId, { name: "shop-renamed" });
    sim.control.update("application", web.applicationId, { name: "web-renamed", env: "NODE_ENV=development\nDEBUG=1" });
    await api(sim, "POST", "domain.delete", { domainId: web.domains[0]!.domainId });
    await api(sim, "POST", "application.delete", { applicationId: application(before, "blog", "production", "site").applicationId });
    sim.control.resetCalls();
    ({ plan } = await reconcile());
  }, 90_000);

  it("a renamed project and application are found by their markers and renamed back", () => {
    expect(plan).toContain('~ /metadata/name: "shop-renamed" -> "shop"');
    expect(plan).toContain('~ /metadata/name: "web-renamed" -> "web"');
    const after = sim.control.state();
    expect(projectsNamed(after, "shop-renamed")).toEqual([]);
    expect(project(after, "shop").projectId).toBe(project(before, "shop").projectId);
    expect(application(after, "shop", "production", "web").applicationId).toBe(application(before, "shop", "production", "web").applicationId);
  });

  it("an env var edited by hand is put back, with a deploy", () => {
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(envMap(web.env as string)).toEqual({ NODE_ENV: "production" });
    const deploys = sim.control.calls().filter((c) => c.endpoint === "application.deploy").map((c) => (c.body as { applicationId: string }).applicationId);
    expect(deploys).toContain(web.applicationId);
  });

  it("a domain deleted by hand is created again and its new id recorded", () => {
    expect(plan).toContain("+ domain/shop/production/web/public  (will be created)");
    const old = application(before, "shop", "production", "web").domains[0]!.domainId;
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(web.domains).toHaveLength(1);
    expect(web.domains[0]!.domainId).not.toBe(old);
    expect(markerOf(web.description, "web").domains).toEqual({ public: { host: "shop.example.com", path: "/", id: web.domains[0]!.domainId } });
  });

  it("an application deleted by hand is created again with its domain", () => {
    expect(plan).toContain("+ application/blog/production/site  (will be created)");
    const site = application(sim.control.state(), "blog", "production", "site");
    expect(site.applicationId).not.toBe(application(before, "blog", "production", "site").applicationId);
    expect(site.domains.map((d) => d.host)).toEqual(["blog.example.com"]);
    expect(markerOf(site.description, "site")).toMatchObject({ id: site.applicationId, domains: { main: { host: "blog.example.com", path: "/", id: site.domains[0]!.domainId } } });
    expect(site.deployments.map((d) => d.status)).toEqual(["done"]);
  });
});
