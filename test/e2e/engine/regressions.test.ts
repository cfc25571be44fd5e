/**
 * Regression journeys for engine bugs the journeys found, each named after
 * what broke.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, application, expectExit, markerOf, runEngine, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const NEW_DOMAIN = `apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: new
  project: shop
  environment: production
  application: web
spec:
  host: new.shop.example.com
`;

describe("a domain record written while its application's own step also writes the marker", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
  }, 60_000);
  afterAll(() => sim?.close());

  // Broke: the application step rewrote the marker from the plan's snapshot
  // (dirty flag, then clean after the deploy was queued) while the domain step
  // recorded the new domain's id, so the id was lost and the next plan showed
  // a marker update instead of "no changes".
  it("keeps the new domain's id when the application is redeployed in the same apply", async () => {
    tree.edit("shop.yaml", "NODE_ENV: production", "NODE_ENV: staging");
    tree.write("new-domain.yaml", NEW_DOMAIN);
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
    const web = application(sim.control.state(), "shop", "production", "web");
    const created = web.domains.find((d) => d.host === "new.shop.example.com")!;
    expect(markerOf(web.description, "web").domains?.new).toEqual({ host: "new.shop.example.com", path: "/", id: created.domainId });
    const again = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
    expect(again.stdout).toContain("No changes.");
  });
});

describe("a pruned domain whose application's own step also writes the marker", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
  }, 60_000);
  afterAll(() => sim?.close());

  // Broke: the domain delete dropped its record while the application step,
  // running at the same time, rewrote the marker from the plan's snapshot
  // (which still recorded the domain), so a record of a deleted domain stayed
  // and the next plan showed a marker update instead of "no changes".
  it("drops the deleted domain's record when the application is redeployed in the same apply", async () => {
    tree.edit("shop.yaml", "NODE_ENV: production", "NODE_ENV: staging");
    tree.dropDocuments("shop.yaml", (doc) => /^ {2}application: web$/m.test(doc));
    expectExit(await runEngine(sim, "apply", tree.dir, ["--prune"]), 0);
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(web.domains).toEqual([]);
    expect(markerOf(web.description, "web").domains).toBeUndefined();
    const again = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--prune"]), 0);
    expect(again.stdout).toContain("No changes.");
  });
});
