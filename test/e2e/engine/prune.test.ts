/**
 * Engine journeys 4, 9 and 10 (issue 4): removing manifests. Without
 * `--prune` nothing is deleted ("would prune"); with it, children go before
 * parents and `deletion-policy: orphan` releases instead of deleting; the
 * empty-revision and max-deletions guards stop a revision that looks like a
 * mistake, and say why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord, SimulatorHandle } from "../../../src/simulator/index.ts";
import { parseDescription } from "../../../src/model/marker.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import {
  Scratch, application, expectExit, markerOf, project, projectsNamed, runEngine, writeCalls, type ManifestTree,
} from "./support.ts";

const DELETES = new Set(["project.remove", "environment.remove", "application.delete", "domain.delete"]);
const deletesIn = (calls: CallRecord[]): CallRecord[] => calls.filter((c) => DELETES.has(c.endpoint));

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** A simulator holding the applied `basic` tree, and that tree. */
async function applied(): Promise<{ sim: SimulatorHandle; tree: ManifestTree }> {
  const sim = await startTestSimulator();
  const tree = scratch.tree("basic");
  expectExit(await runEngine(sim, "apply", tree.dir, ["--revision", "r1"]), 0);
  await sim.control.idle(10_000);
  return { sim, tree };
}

describe("journey 4: a removed manifest", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    ({ sim, tree } = await applied());
    tree.remove("blog.yaml");
  }, 60_000);
  afterAll(() => sim?.close());

  it("plan lists it as would-prune and exits 0 (a would-prune is not a change)", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
    expect(r.stdout).toContain("project/blog  (would prune: pass --prune to delete it)");
    expect(r.stdout).toContain("application/blog/production/site  (would prune");
    expect(r.stdout).toContain("domain/blog/production/site/main  (would prune");
    expect(r.stdout).toContain("3 would prune");
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });

  it("apply without --prune deletes nothing", async () => {
    sim.control.resetCalls();
    const before = JSON.stringify(project(sim.control.state(), "blog"));
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
    expect(writeCalls(sim.control.calls())).toEqual([]);
    expect(JSON.stringify(project(sim.control.state(), "blog"))).toBe(before);
  });

  it("apply --prune deletes it, the domain before its application before its project", async () => {
    sim.control.resetCalls();
    const blog = project(sim.control.state(), "blog");
    const site = application(sim.control.state(), "blog", "production", "site");
    const r = expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 0);
    expect(r.stdout).toContain("3 deleted");
    expect(projectsNamed(sim.control.state(), "blog")).toEqual([]);
    const deletes = deletesIn(sim.control.calls());
    expect(deletes.map((c) => c.endpoint)).toEqual(["domain.delete", "application.delete", "project.remove"]);
    expect(deletes.map((c) => c.body)).toEqual([{ domainId: site.domains[0]!.domainId }, { applicationId: site.applicationId }, { projectId: blog.projectId }]);
    // Nothing of shop was touched.
    expect(deletes.every((c) => c.status === 200)).toBe(true);
    expect(project(sim.control.state(), "shop").environments).toHaveLength(2);
  });

  it("deletion-policy orphan releases the application and its domain: marker gone, objects kept", async () => {
    tree.edit("shop.yaml", "  name: api\n  project: shop\n  environment: staging\n", "  name: api\n  project: shop\n  environment: staging\n  annotations:\n    dokploy-gitops/deletion-policy: orphan\n");
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
    const api = application(sim.control.state(), "shop", "staging", "api");
    expect(markerOf(api.description, "api").policy).toBe("orphan");

    tree.dropDocuments("shop.yaml", (doc) => /^ {2}name: api$/m.test(doc) || /^ {2}application: api$/m.test(doc));
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 0);
    expect(r.stdout).toContain("1 released");
    expect(deletesIn(sim.control.calls())).toEqual([]);
    const kept = application(sim.control.state(), "shop", "staging", "api");
    expect(kept.applicationId).toBe(api.applicationId);
    expect(parseDescription(kept.description).marker).toBeUndefined();
    expect(kept.domains.map((d) => d.domainId)).toEqual(api.domains.map((d) => d.domainId));

    // Released means forgotten: the next plan neither prunes nor claims it.
    const again = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--prune"]), 0);
    expect(again.stdout).toContain("No changes.");
  });
});

describe("journey 4, cascade guard: a removed project that holds something not ours", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    ({ sim, tree } = await applied());
    const blogProduction = project(sim.control.state(), "blog").environments[0]!;
    sim.control.seed({ applications: [{ environmentId: blogProduction.environmentId, name: "hand-made", sourceType: "docker", dockerImage: "busybox" }] });
    tree.remove("blog.yaml");
  }, 60_000);
  afterAll(() => sim?.close());

  it("apply --prune deletes what is ours inside it but not the project, which Dokploy would delete with the stranger, and says so", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 0);
    expect(r.stdout).toMatch(/project\/blog {2}\(would prune[^\n]*\n(\s+· .*\n)*\s+· not deleted: it still holds application hand-made \(in production\)/);
    expect(deletesIn(sim.control.calls()).map((c) => c.endpoint)).toEqual(["domain.delete", "application.delete"]);
    const blog = project(sim.control.state(), "blog");
    expect(blog.environments[0]!.applications.map((a) => a.name)).toEqual(["hand-made"]);
  });
});

describe("journey 9: empty-revision guard", () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    ({ sim } = await applied());
  }, 60_000);
  afterAll(() => sim?.close());

  it("a revision with no manifests plus --prune deletes nothing and says why", async () => {
    const empty = scratch.empty();
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "apply", empty.dir, ["--prune"]), 1);
    expect(`${r.stdout}${r.stderr}`).toContain("the revision has no manifests: refusing to prune");
    expect(`${r.stdout}${r.stderr}`).toContain("--allow-empty");
    expect(writeCalls(sim.control.calls())).toEqual([]);
    expect(sim.control.state().projects).toHaveLength(2);
  });

  it("--allow-empty lets it prune everything the tool owns", async () => {
    const empty = scratch.empty();
    const r = expectExit(await runEngine(sim, "apply", empty.dir, ["--prune", "--allow-empty"]), 0);
    expect(r.stdout).toContain("9 deleted");
    expect(sim.control.state().projects).toEqual([]);
  });
});

describe("journey 10: max-deletions guard", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    ({ sim, tree } = await applied());
    tree.remove("blog.yaml");
  }, 60_000);
  afterAll(() => sim?.close());

  it("removing more than N owned objects with --max-deletions N deletes nothing and says why", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "apply", tree.dir, ["--prune", "--max-deletions", "2"]), 1);
    expect(`${r.stdout}${r.stderr}`).toContain("the plan deletes 3 objects, more than --max-deletions 2: no deletion is applied");
    expect(writeCalls(sim.control.calls())).toEqual([]);
    expect(projectsNamed(sim.control.state(), "blog")).toHaveLength(1);
  });

  it("the same removal within the limit goes ahead", async () => {
    expectExit(await runEngine(sim, "apply", tree.dir, ["--prune", "--max-deletions", "3"]), 0);
    expect(projectsNamed(sim.control.state(), "blog")).toEqual([]);
  });
});
