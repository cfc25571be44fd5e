/**
 * References in the planner (pure): a value read from a live object, a value
 * "known after apply" when this apply creates the object (the referrer is
 * ordered after it and deploys), a reference that cannot be resolved (its
 * target is in conflict), secrets reached through a reference compared by
 * value and never shown, and how the renderings show all of it.
 */
import { describe, expect, it } from "vitest";
import { planReconcile } from "../../../src/plan/planner.ts";
import { diffViews } from "../../../src/plan/diff.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { renderPlanJson } from "../../../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../../src/plan/render-text.ts";
import type { ObservedProject } from "../../../src/model/observed.ts";
import type { PlanStep } from "../../../src/plan/types.ts";
import type { ResolvedValue } from "../../../src/plan/references.ts";
import { appDetail, desiredFrom, liveApp, liveEnvironment, liveProject, marked } from "../../helpers/live-builders.ts";

const SETTINGS = { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 };

const YAML = (webEnv = "{ API_HOST: { ref: Application/api, field: host } }") => `
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
spec: {}
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: api, project: shop, environment: production }
spec: { source: { type: docker, image: "nginx:1" } }
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: web, project: shop, environment: production }
spec:
  source: { type: docker, image: "nginx:1" }
  env: ${webEnv}
`;

/** A live shop whose applications are the given ones (owned by us unless `foreign`). */
function live(apps: Array<{ name: string; env?: string; foreign?: boolean }>): ObservedProject[] {
  return [liveProject("shop", {
    id: "p-shop", description: marked("Project/shop", "p-shop"),
    environments: [liveEnvironment("production", {
      id: "e-prod", isDefault: true, description: "Production environment",
      applications: apps.map((a) => liveApp(appDetail(a.name, {
        env: a.env ?? null,
        description: a.foreign ? null : marked(`Application/shop/production/${a.name}`, `a-${a.name}`),
      }))),
    })],
  })];
}

function plan(yaml: string, projects: ObservedProject[], secrets = new SecretValues()) {
  return planReconcile({ desired: desiredFrom(yaml), observed: { projects }, secrets, settings: SETTINGS, now: Date.parse("2026-06-01T00:00:00Z") });
}

const step = (steps: PlanStep[], name: string): PlanStep => steps.find((s) => s.key === `Application/shop/production/${name}`)!;

describe("references in the plan", () => {
  it("reads a live object's host (its appName) and is in sync when the env holds it", () => {
    const p = plan(YAML(), live([{ name: "api" }, { name: "web", env: "API_HOST=api-abc123" }]));
    const web = step(p.steps, "web");
    expect(web.action).toBe("noop");
    expect(web.references).toEqual([{ target: "Application/shop/production/api", field: "host", secret: false, value: "api-abc123" }]);
    expect(web.dependsOn).toEqual([]);
  });

  it("writes the live host into a new referrer", () => {
    const web = step(plan(YAML(), live([{ name: "api" }])).steps, "web");
    expect(web.action).toBe("create");
    expect(web.changes).toContainEqual({ path: "/spec/env/API_HOST", op: "add", after: "api-abc123" });
  });

  it("shows (known after apply) when this apply creates the target, orders the referrer after it and deploys it", () => {
    const p = plan(YAML(), live([{ name: "web", env: "API_HOST=api-old111" }]));
    const web = step(p.steps, "web");
    expect(step(p.steps, "api").action).toBe("create");
    expect(web).toMatchObject({ action: "update", deploy: true, dependsOn: ["Application/shop/production/api"] });
    expect(web.changes).toEqual([{ path: "/spec/env/API_HOST", op: "replace", before: "(hidden)", after: "(known after apply)", pending: "after-apply" }]);
    expect(renderPlanText(p)).toContain('~ /spec/env/API_HOST: "(hidden)" -> (known after apply)');
    expect(renderPlanMarkdown(p)).toContain("+ /spec/env/API_HOST: (known after apply)");
    const json = JSON.parse(renderPlanJson(p)) as { steps: Array<{ key: string; changes: unknown[] }> };
    expect(json.steps.find((s) => s.key === web.key)!.changes).toEqual([{ path: "/spec/env/API_HOST", op: "replace", before: "(hidden)", after: "(known after apply)", pending: "after-apply" }]);
  });

  it("composes a value from references and secrets; the secret makes it a secret", () => {
    const secrets = new SecretValues();
    secrets.set({ fromEnv: "PW" }, "s3cret-canary");
    const env = '{ URL: { format: "pg://app:{pw}@{host}/db", args: { pw: { fromEnv: PW }, host: { ref: Application/api, field: host } } } }';
    const inSync = plan(YAML(env), live([{ name: "api" }, { name: "web", env: "URL=pg://app:s3cret-canary@api-abc123/db" }]), secrets);
    expect(step(inSync.steps, "web").action).toBe("noop");
    const changed = plan(YAML(env), live([{ name: "api" }, { name: "web", env: "URL=pg://app:old@api-abc123/db" }]), secrets);
    expect(step(changed.steps, "web").changes).toEqual([{ path: "/spec/env/URL", op: "replace", secret: "changed" }]);
    for (const text of [renderPlanText(changed), renderPlanMarkdown(changed), renderPlanJson(changed)]) expect(text).not.toContain("s3cret-canary");
  });

  it("warns that a reference to a resource in conflict cannot be resolved", () => {
    const p = plan(YAML(), live([{ name: "api", foreign: true }]));
    expect(step(p.steps, "api").action).toBe("conflict");
    const web = step(p.steps, "web");
    expect(web.changes).toContainEqual({ path: "/spec/env/API_HOST", op: "add", after: "(unresolved reference)", pending: "unresolved" });
    expect(p.warnings).toContainEqual(expect.stringMatching(/^application\/shop\/production\/web: \/spec\/env\/API_HOST: reference cannot be resolved: application\/shop\/production\/api is in conflict .*; applying it would fail$/));
  });
});

describe("diff of a secret reached through a reference", () => {
  const view = (v: unknown) => ({ metadata: { name: "web" }, spec: { env: { DB_PASSWORD: v } } });
  const live = { metadata: { name: "web" }, spec: { env: { DB_PASSWORD: "old-password" } } };
  const ref = { ref: "Postgres/db", field: "databasePassword" };
  const fields = { secretMaps: [], hiddenLiveMaps: ["/spec/env"] };
  const diff = (r: ResolvedValue) => diffViews(view(ref), live, new SecretValues(), fields, () => r);

  it.each<[string, ResolvedValue, unknown[]]>([
    ["unchanged", { state: "known", value: "old-password", secret: true }, []],
    ["changed", { state: "known", value: "new-password", secret: true }, [{ path: "/spec/env/DB_PASSWORD", op: "replace", secret: "changed" }]],
    ["known after apply", { state: "after-apply", secret: true }, [{ path: "/spec/env/DB_PASSWORD", op: "replace", secret: "changed", pending: "after-apply" }]],
  ])("%s: compared by value, never shown", (_name, resolved, changes) => {
    const d = diff(resolved);
    expect(d.changes).toEqual(changes);
    expect(JSON.stringify(d)).not.toContain("new-password");
    expect(JSON.stringify(d)).not.toContain("old-password");
  });

  it("unresolved: the live value stands, and the reason is reported", () => {
    const d = diff({ state: "unresolved", secret: true, reason: "environment variable PW could not be resolved" });
    expect(d.changes).toEqual([]);
    expect(d.unresolvedRefs).toEqual([{ pointer: "/spec/env/DB_PASSWORD", reason: "environment variable PW could not be resolved" }]);
  });
});
