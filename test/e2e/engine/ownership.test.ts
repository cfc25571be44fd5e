/**
 * Engine journeys 5, 6, 7 and 13 (issue 4): the ownership guard over real
 * HTTP. Look-alikes the tool did not create are conflicts and never written
 * (their rows compared byte for byte); adoption takes an object over only
 * when its manifest asks; a copied marker (another object's id) is not
 * trusted; two instances sharing one Dokploy leave each other alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import type { CliResult } from "../../helpers/cli.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import {
  Scratch, application, environment, expectExit, markerOf, project, projectsNamed, runEngine, textOf, writeCalls, writesTo,
  type ManifestTree,
} from "./support.ts";

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const WORKER = `---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: worker
  project: shop
  environment: staging
spec:
  source:
    type: docker
    image: shop/worker:2
`;
const WEB_NEW_DOMAIN = `---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: new
  project: shop
  environment: production
  application: web
spec:
  host: new.shop.example.com
`;
const CACHE = `---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: cache
  project: shop
  environment: production
spec:
  source:
    type: docker
    image: redis:7
`;

/**
 * The rows of the state whose own id is in `ids`, serialised with everything
 * nested in them (for byte-for-byte comparisons before and after a run).
 */
function rowsOf(state: SimulatorState, ids: string[]): string {
  const out: unknown[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== "object" || v === null) return;
    const row = v as Record<string, unknown>;
    if (ids.includes(row[idColumnOf(row)] as string)) out.push(row);
    else Object.values(row).forEach(visit);
  };
  visit(state.projects);
  return JSON.stringify(out);
}

/** The column holding a row's own id (a domain row also carries its applicationId, and so on). */
function idColumnOf(row: Record<string, unknown>): string {
  if ("domainId" in row) return "domainId";
  if ("appName" in row) return "applicationId";
  if ("isDefault" in row) return "environmentId";
  return "projectId";
}

describe("journey 5: unowned look-alikes", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  let seededIds: string[];
  let before: string;
  let applyOut: CliResult;

  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    const blog = tree.read("blog.yaml");
    tree.remove("blog.yaml");
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
    const s = sim.control.state();
    const seeded = sim.control.seed({
      projects: [{ name: "blog", description: "Made by hand", environments: [{ name: "production", applications: [{ name: "site", sourceType: "docker", dockerImage: "ghost:4" }] }] }],
      applications: [{ environmentId: environment(s, "shop", "staging").environmentId, name: "worker", description: "hand-made worker", sourceType: "docker", dockerImage: "shop/worker:1" }],
      domains: [{ applicationId: application(s, "shop", "production", "web").applicationId, host: "new.shop.example.com", port: 9999 }],
    });
    seededIds = [...seeded.projectIds, ...seeded.environmentIds, ...seeded.applicationIds, ...seeded.domainIds];
    before = rowsOf(sim.control.state(), seededIds);
    tree.write("blog.yaml", blog);
    tree.write("more.yaml", `${WORKER}${WEB_NEW_DOMAIN}${CACHE}`);
    tree.edit("shop.yaml", "LOG_LEVEL: info", "LOG_LEVEL: debug");
  }, 60_000);
  afterAll(() => sim?.close());

  it("plan reports each look-alike as a conflict and still plans the rest", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--output", "json"]), 2);
    const steps = (JSON.parse(r.stdout) as { steps: Array<{ key: string; action: string }> }).steps;
    const byKey = Object.fromEntries(steps.map((s) => [s.key, s.action]));
    expect(byKey).toMatchObject({
      "Project/blog": "conflict",
      "Application/blog/production/site": "conflict",
      "Domain/blog/production/site/main": "conflict",
      "Application/shop/staging/worker": "conflict",
      "Domain/shop/production/web/new": "conflict",
      "Application/shop/production/cache": "create",
      "Project/shop": "update",
    });
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });

  it("apply exits 1, applies everything else, and never writes to a look-alike", async () => {
    sim.control.resetCalls();
    applyOut = await runEngine(sim, "apply", tree.dir);
    expectExit(applyOut, 1);
    expect(applyOut.stderr).toContain("ConflictsFound");
    const calls = sim.control.calls();
    for (const id of seededIds) expect(writesTo(calls, id), `writes to seeded ${id}`).toEqual([]);
    expect(rowsOf(sim.control.state(), seededIds)).toBe(before);

    const s = sim.control.state();
    expect(project(s, "shop").env).toContain("LOG_LEVEL=debug");
    const cache = application(s, "shop", "production", "cache");
    expect(markerOf(cache.description, "cache").id).toBe(cache.applicationId);
    // The owned application holding the look-alike domain did not record it.
    const web = application(s, "shop", "production", "web");
    expect(Object.keys(markerOf(web.description, "web").domains ?? {})).toEqual(["public"]);
  });

  it("names each conflict and how to resolve it", () => {
    const out = `${applyOut.stdout}${applyOut.stderr}`;
    const conflict = (label: string, reason: string): RegExp =>
      new RegExp(`! ${label.replace(/\//g, "\\/")} {2}\\(conflict: left untouched\\).*\\n(\\s+· .*\\n)*\\s+· ${reason}`);
    expect(out).toMatch(conflict("project/blog", "exists in Dokploy \\(id [^)]+\\) but was not created by dokploy-gitops"));
    expect(out).toMatch(conflict("application/shop/staging/worker", "exists in Dokploy \\(id [^)]+\\) but was not created by dokploy-gitops"));
    expect(out).toMatch(conflict("domain/shop/production/web/new", "a domain with host new\\.shop\\.example\\.com and path / exists in the application"));
    expect(out).toMatch(conflict("application/blog/production/site", "not planned: its project project/blog is in conflict"));
    expect(out).toContain('dokploy-gitops/adopt: "true"');
  });

  it("apply --prune does not touch them either", async () => {
    sim.control.resetCalls();
    expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 1);
    for (const id of seededIds) expect(writesTo(sim.control.calls(), id)).toEqual([]);
    expect(rowsOf(sim.control.state(), seededIds)).toBe(before);
  });
});

describe("journey 6: adoption", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  let ids: Record<string, string>;

  beforeAll(async () => {
    sim = await startTestSimulator();
    ids = sim.control.seed({
      projects: [{
        name: "legacy", description: "Old stuff",
        environments: [{ name: "production", applications: [{ name: "svc", sourceType: "docker", dockerImage: "legacy/svc:1", domains: [{ host: "svc.legacy.example.com", port: 8080 }] }] }],
      }],
    }).ids;
    tree = scratch.empty();
    tree.write("legacy.yaml", `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: legacy
  annotations:
    dokploy-gitops/adopt: "true"
spec:
  description: Old stuff, now in git
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: svc
  project: legacy
  environment: production
  annotations:
    dokploy-gitops/adopt: "true"
spec:
  source:
    type: docker
    image: legacy/svc:2
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: public
  project: legacy
  environment: production
  application: svc
  annotations:
    dokploy-gitops/adopt: "true"
spec:
  host: svc.legacy.example.com
  port: 8080
`);
  }, 60_000);
  afterAll(() => sim?.close());

  it("plan shows the adoptions", async () => {
    const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 2);
    expect(r.stdout).toContain("project/legacy  (will be adopted)");
    expect(r.stdout).toContain("application/legacy/production/svc  (will be adopted)");
    expect(r.stdout).toContain("domain/legacy/production/svc/public  (will be adopted)");
    expect(r.stdout).toContain("3 to adopt");
  });

  it("apply writes the markers, keeps the ids, converges, and the next plan is clean", async () => {
    const r = expectExit(await runEngine(sim, "apply", tree.dir), 0);
    expect(r.stdout).toContain("3 adopted");
    await sim.control.idle(10_000);
    const s = sim.control.state();
    expect(projectsNamed(s, "legacy")).toHaveLength(1);
    const legacy = project(s, "legacy");
    expect(legacy.projectId).toBe(ids.legacy);
    expect(markerOf(legacy.description, "legacy")).toMatchObject({ key: "Project/legacy", id: ids.legacy });
    expect(textOf(legacy.description)).toBe("Old stuff, now in git");
    const svc = application(s, "legacy", "production", "svc");
    expect(svc.applicationId).toBe(ids["legacy/production/svc"]);
    expect(svc.dockerImage).toBe("legacy/svc:2");
    expect(svc.deployments.map((d) => d.status)).toEqual(["done"]);
    const domainId = ids["legacy/production/svc/svc.legacy.example.com"];
    expect(markerOf(svc.description, "svc")).toMatchObject({ key: "Application/legacy/production/svc", id: svc.applicationId, domains: { public: { host: "svc.legacy.example.com", path: "/", id: domainId } } });
    expect(svc.domains.map((d) => d.domainId)).toEqual([domainId]);
    expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
  });
});

describe("journey 7: a copied marker is not trusted", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;

  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
  }, 60_000);
  afterAll(() => sim?.close());

  it("copies of owned objects (other ids in their markers) are never modified or pruned", async () => {
    const s = sim.control.state();
    const shop = project(s, "shop");
    const web = application(s, "shop", "production", "web");
    const staging = environment(s, "shop", "staging");
    // What Dokploy's duplicate feature leaves behind: same descriptions, new ids.
    const copy = sim.control.seed({ projects: [{ name: "shop", description: "placeholder" }] });
    const copyProjectId = copy.projectIds[0]!;
    sim.control.update("project", copyProjectId, { description: shop.description });
    const copies = sim.control.seed({
      environments: [{ projectId: shop.projectId, name: "staging-copy", description: staging.description }],
      applications: [{ environmentId: staging.environmentId, name: "web", description: web.description, sourceType: "docker", dockerImage: "copy:1" }],
    });
    const copyIds = [copyProjectId, ...copy.environmentIds, ...copies.environmentIds, ...copies.applicationIds];
    expect(markerOf(sim.control.state().projects.find((p) => p.projectId === copyProjectId)!.description, "copy").id).toBe(shop.projectId);
    const before = rowsOf(sim.control.state(), copyIds);

    // Remove everything from the manifests: only the originals may be pruned.
    tree.remove("blog.yaml");
    tree.dropDocuments("shop.yaml", (doc) => /^ {2}name: (web|api|staging)$/m.test(doc) || /^ {2}application: /m.test(doc));
    sim.control.resetCalls();
    const plan = expectExit(await runEngine(sim, "plan", tree.dir, ["--prune", "--output", "json"]), 0);
    const planned = (JSON.parse(plan.stdout) as { steps: Array<{ key: string; dokployId?: string; action: string; reasons: string[] }> }).steps;
    expect(planned.filter((st) => st.dokployId !== undefined && copyIds.includes(st.dokployId))).toEqual([]);
    // The owned staging environment holds the copied application, which is not ours: it cannot go.
    const stagingStep = planned.find((st) => st.key === "Environment/shop/staging")!;
    expect(stagingStep.action).toBe("would-prune");
    expect(stagingStep.reasons.join(" ")).toContain("application web");

    expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 0);
    const calls = sim.control.calls();
    for (const id of copyIds) expect(writesTo(calls, id), `writes to copy ${id}`).toEqual([]);
    expect(rowsOf(sim.control.state(), copyIds)).toBe(before);
    // The originals were pruned (their ids were in their markers).
    const after = sim.control.state();
    expect(after.projects.find((p) => p.projectId === shop.projectId)!.environments.map((e) => e.name).sort()).toEqual(["production", "staging", "staging-copy"]);
    expect(after.projects.flatMap((p) => p.environments.flatMap((e) => e.applications.map((a) => a.applicationId)))).toEqual(copies.applicationIds);
  });
});

describe("journey 13: two instances share one Dokploy", () => {
  let sim: SimulatorHandle;
  let treeA: ManifestTree;
  let treeB: ManifestTree;

  beforeAll(async () => {
    sim = await startTestSimulator();
    treeA = scratch.tree("basic");
    expectExit(await runEngine(sim, "apply", treeA.dir, ["--instance", "a"]), 0);
    treeB = scratch.tree("basic");
    treeB.write("bee.yaml", "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: bee\nspec:\n  description: Instance b's own project\n");
  }, 60_000);
  afterAll(() => sim?.close());

  it("b sees a's objects as conflicts, never modifies or prunes them, and still creates its own", async () => {
    const before = JSON.stringify(sim.control.state().projects);
    const aIds = sim.control.state().projects.map((p) => p.projectId);
    sim.control.resetCalls();
    const r = await runEngine(sim, "apply", treeB.dir, ["--instance", "b", "--prune"]);
    expectExit(r, 1);
    expect(r.stdout).toContain('is managed by another dokploy-gitops instance ("a")');
    const calls = sim.control.calls();
    for (const id of aIds) expect(writesTo(calls, id)).toEqual([]);
    const after = sim.control.state();
    expect(JSON.stringify(after.projects.filter((p) => aIds.includes(p.projectId)))).toBe(before);
    const bee = project(after, "bee");
    expect(writeCalls(calls).map((c) => c.endpoint)).toEqual(["project.create", "project.update"]);
    expect(writeCalls(calls)[1]!.body).toMatchObject({ projectId: bee.projectId });
    expect(markerOf(bee.description, "bee")).toMatchObject({ instance: "b", key: "Project/bee", id: bee.projectId });
  });

  it("b cannot adopt a's objects, even when its manifest asks to", async () => {
    const adopting = scratch.tree("basic");
    adopting.edit("blog.yaml", "  name: blog\n---", "  name: blog\n  annotations:\n    dokploy-gitops/adopt: \"true\"\n---");
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", adopting.dir, ["--instance", "b", "--output", "json"]), 0);
    const steps = (JSON.parse(r.stdout) as { steps: Array<{ key: string; action: string; reasons: string[] }> }).steps;
    const blog = steps.find((st) => st.key === "Project/blog")!;
    expect(blog.action).toBe("conflict");
    expect(blog.reasons.join(" ")).toContain("one instance cannot adopt another's objects");
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });

  it("a's next plan is still clean, and b's objects are out of a's sight", async () => {
    const r = expectExit(await runEngine(sim, "plan", treeA.dir, ["--instance", "a", "--detailed-exitcode", "--prune"]), 0);
    expect(r.stdout).toContain("No changes.");
    expect(r.stdout).not.toContain("bee");
  });
});
