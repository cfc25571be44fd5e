/**
 * Engine journeys of the Compose kind and compose domains (issue 12), over
 * real HTTP against the simulator, with the real CLI run in this process:
 * create from empty (a raw stack whose file sits beside its manifest, and a
 * git stack) with a domain, a second plan empty, a change of the compose file
 * deploying once, drift made in Dokploy corrected, a hand-made stack and a
 * hand-made domain on an owned stack left alone, adoption, prune (volumes kept
 * unless the recorded annotation says otherwise) and orphan, and a lost
 * create answer converging with no duplicate.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import type { CallRecord, SimulatorHandle } from "../../../src/simulator/index.ts";
import { callApi, startTestSimulator } from "../../helpers/simulator.ts";
import { FAST_APPLY, Scratch, markerOf, writeCalls, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;

const CHAT_COMPOSE = "services:\n  web:\n    image: chatwoot/chatwoot:v4.1.0\n    ports: [\"3000\"]\n";

const MANIFESTS = `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: support }
---
apiVersion: dokploy-gitops/v1
kind: Compose
metadata: { name: chat, project: support, environment: production }
spec:
  description: Help desk
  source: { type: raw, composeFile: ./chat.compose.yml }
  env: { RAILS_ENV: production }
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: public, project: support, environment: production, compose: chat }
spec: { host: chat.example.com, serviceName: web, port: 3000, https: true, certificateType: letsencrypt }
---
apiVersion: dokploy-gitops/v1
kind: Compose
metadata: { name: docs, project: support, environment: production }
spec:
  source: { type: github, owner: acme, repository: docs-site, branch: main, composePath: ./deploy/compose.yml }
  composeType: stack
`;

async function run(command: "plan" | "apply", args: string[] = []): Promise<{ stdout: string; code: number; calls: CallRecord[] }> {
  sim.control.resetCalls();
  const out = new PassThrough();
  let stdout = "";
  out.on("data", (b: Buffer) => (stdout += b.toString()));
  const err = new PassThrough();
  err.on("data", (b: Buffer) => (stdout += b.toString()));
  const argv = [command, tree.dir, "--url", sim.url, ...(command === "apply" ? FAST_APPLY : []), ...args];
  const code = await runCli(argv, { env: { DOKPLOY_API_KEY: sim.apiKey }, stdout: out, stderr: err });
  return { stdout, code, calls: sim.control.calls() };
}

async function expectInSync(): Promise<void> {
  const r = await run("plan", ["--detailed-exitcode"]);
  expect(r.code, r.stdout).toBe(0);
  expect(writeCalls(r.calls)).toEqual([]);
}

function stacks(name?: string): Array<{ composeId: string; name: string; description: string | null; composeFile: string; sourceType: string; domains: Array<{ domainId: string; host: string; serviceName: string | null }> }> {
  const env = sim.control.state().projects.find((p) => p.name === "support")!.environments.find((e) => e.isDefault)!;
  const all = env.compose as unknown as ReturnType<typeof stacks>;
  return name === undefined ? all : all.filter((c) => c.name === name);
}

const count = (calls: CallRecord[], endpoint: string): number => calls.filter((c) => c.endpoint === endpoint).length;

beforeAll(async () => {
  sim = await startTestSimulator();
  tree = scratch.empty();
  tree.write("support.yaml", MANIFESTS).write("chat.compose.yml", CHAT_COMPOSE);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

describe("Compose", () => {
  it("creates a raw and a git stack with a compose domain from empty, each deployed once; the next plan is empty", async () => {
    const r = await run("apply");
    expect(r.code, r.stdout).toBe(0);
    expect(count(r.calls, "compose.create")).toBe(2);
    expect(count(r.calls, "compose.deploy")).toBe(2);
    const [chat] = stacks("chat");
    expect(chat!.sourceType).toBe("raw");
    expect(chat!.composeFile).toBe(CHAT_COMPOSE);
    expect(chat!.domains.map((d) => [d.host, d.serviceName])).toEqual([["chat.example.com", "web"]]);
    const marker = markerOf(chat!.description, "Compose/support/production/chat")!;
    expect(marker.id).toBe(chat!.composeId);
    expect(marker.domains?.public?.id).toBe(chat!.domains[0]!.domainId);
    expect(stacks("docs")[0]!.sourceType).toBe("github");
    await expectInSync();
  });

  it("a change of the compose file beside the manifest is a change of the stack: one update, one deploy", async () => {
    tree.write("chat.compose.yml", CHAT_COMPOSE.replace("v4.1.0", "v4.2.0"));
    const r = await run("apply");
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("compose/support/production/chat");
    expect(count(r.calls, "compose.deploy")).toBe(1);
    expect(stacks("chat")[0]!.composeFile).toContain("v4.2.0");
    await expectInSync();
  });

  it("corrects drift made in Dokploy", async () => {
    const [chat] = stacks("chat");
    await callApi(sim, "POST", "compose.update", { composeId: chat!.composeId, composeFile: "services: {}\n", env: "RAILS_ENV=staging" });
    const plan = await run("plan", ["--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\/spec\/source\/composeFile/);
    expect((await run("apply")).code).toBe(0);
    expect(stacks("chat")[0]!.composeFile).toContain("v4.2.0");
    await expectInSync();
  });

  it("leaves a hand-made stack and a hand-made domain on an owned stack alone", async () => {
    const envId = sim.control.state().projects.find((p) => p.name === "support")!.environments.find((e) => e.isDefault)!.environmentId;
    sim.control.seed({ compose: [{ name: "handmade", environmentId: envId }] });
    const [chat] = stacks("chat");
    await callApi(sim, "POST", "domain.create", { host: "extra.example.com", composeId: chat!.composeId, serviceName: "web", domainType: "compose" });
    const before = JSON.stringify(stacks("handmade"));
    const r = await run("apply", ["--prune"]);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.stringify(stacks("handmade"))).toBe(before);
    expect(stacks("chat")[0]!.domains.map((d) => d.host).sort()).toEqual(["chat.example.com", "extra.example.com"]);
    expect(writeCalls(r.calls).filter((c) => JSON.stringify(c.body ?? {}).includes("extra.example.com"))).toEqual([]);
  });

  it("adopts a hand-made stack when its manifest asks", async () => {
    tree.write("handmade.yaml", `apiVersion: dokploy-gitops/v1
kind: Compose
metadata: { name: handmade, project: support, environment: production, annotations: { dokploy-gitops/adopt: "true" } }
spec: { source: { type: raw, content: "services: {}\\n" } }
`);
    const plan = await run("plan");
    // The seeded stack has Dokploy's default source (github, empty): adopting it sets the raw file.
    expect(plan.stdout).toMatch(/± compose\/support\/production\/handmade {2}\(will be adopted\)/);
    expect(plan.stdout).toContain('~ /spec/source/type: "github" -> "raw"');
    expect((await run("apply")).code).toBe(0);
    const [h] = stacks("handmade");
    expect(markerOf(h!.description, "Compose/support/production/handmade")?.id).toBe(h!.composeId);
    await expectInSync();
  });

  it("prunes an owned stack without its volumes, and refuses while it holds a domain that is not ours", async () => {
    tree.dropDocuments("support.yaml", (d) => d.includes("name: docs"));
    const r = await run("apply", ["--prune"]);
    expect(r.code, r.stdout).toBe(0);
    const deletes = r.calls.filter((c) => c.endpoint === "compose.delete");
    expect(deletes).toHaveLength(1);
    expect((deletes[0]!.body as { deleteVolumes?: boolean }).deleteVolumes).toBe(false);
    expect(stacks("docs")).toEqual([]);
    // chat holds extra.example.com, made by hand: its delete would take it along, so it is refused.
    // (Its compose file goes with it: left alone it would be read as a manifest.)
    tree.dropDocuments("support.yaml", (d) => d.includes("name: chat") || d.includes("compose: chat")).remove("chat.compose.yml");
    const refused = await run("plan", ["--prune"]);
    expect(refused.stdout).toMatch(/not deleted: it holds 1 domain\(s\) not managed by dokploy-gitops \(extra\.example\.com\)/);
  });

  it("releases (orphans) a stack whose manifest said so, and keeps it", async () => {
    tree.write("handmade.yaml", tree.read("handmade.yaml").replace('dokploy-gitops/adopt: "true"', 'dokploy-gitops/deletion-policy: orphan'));
    expect((await run("apply")).code).toBe(0);
    tree.remove("handmade.yaml");
    const r = await run("apply", ["--prune"]);
    expect(r.code, r.stdout).toBe(0);
    expect(count(r.calls, "compose.delete")).toBe(0);
    const [h] = stacks("handmade");
    expect(h).toBeDefined();
    expect(h!.description ?? "").not.toContain("dokploy-gitops:managed");
  });

  it("a lost compose.create answer converges with no duplicate stack", async () => {
    tree.write("lost.yaml", `apiVersion: dokploy-gitops/v1
kind: Compose
metadata: { name: lost, project: support, environment: production }
spec: { source: { type: raw, content: "services: {}\\n" } }
`);
    sim.control.setFaults([{ route: "compose.create", method: "POST", lostResponseRate: 1, count: 1 }]);
    await run("apply");
    sim.control.clearFaults();
    expect((await run("apply")).code).toBe(0);
    expect(stacks("lost")).toHaveLength(1);
    expect(markerOf(stacks("lost")[0]!.description, "Compose/support/production/lost")?.id).toBe(stacks("lost")[0]!.composeId);
    await expectInSync();
  });
});
