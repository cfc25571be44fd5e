/**
 * Two planner rules `export`'s round trip needs: the manifest of a project's
 * default environment that adopts it plans as `adopt` (it is ours once its
 * project is, but not yet), and a description reads back without trailing
 * newlines on both sides (a YAML `|` block ends with one; Dokploy can never
 * hold one under the marker line).
 */
import { describe, expect, it } from "vitest";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { parseDescription } from "../../../src/model/marker.ts";
import { desiredFrom, liveEnvironment, liveProject, marked } from "../../helpers/live-builders.ts";

const SETTINGS = { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 };

const manifests = (adopt: boolean, description: string) => `
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop${adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : ""} }
spec:
  description: |
    ${description}
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: production, project: shop${adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : ""} }
spec: {}
`;

const plan = (yaml: string, projectDescription: string | null, envDescription: string | null) =>
  planReconcile({
    desired: desiredFrom(yaml),
    observed: { projects: [liveProject("shop", { description: projectDescription, environments: [liveEnvironment("production", { isDefault: true, id: "e-prod", description: envDescription })] })] },
    secrets: new SecretValues(),
    settings: SETTINGS,
  });

describe("planning what export wrote", () => {
  it("adopts the default environment when its manifest says so and it is not ours yet", () => {
    const p = plan(manifests(true, "Online shop"), "Online shop\n", "Production environment");
    expect(p.steps.map((s) => `${s.action} ${s.key} ${s.changes.length}`)).toEqual(["adopt Project/shop 0", "adopt Environment/shop/production 0"]);
  });

  it("keeps the default environment a no-op once it is ours, adopt annotation or not", () => {
    const env = marked("Environment/shop/production", "e-prod", {}, "Production environment");
    const p = plan(manifests(true, "Online shop"), marked("Project/shop", "p-shop", {}, "Online shop"), env);
    expect(p.steps.map((s) => `${s.action} ${s.key}`)).toEqual(["noop Project/shop", "noop Environment/shop/production"]);
  });

  it("reads descriptions without trailing newlines, with or without a marker", () => {
    expect(parseDescription("Online shop\n\n").text).toBe("Online shop");
    expect(parseDescription(marked("Project/shop", "p", {}, "Online shop")).text).toBe("Online shop");
    const p = plan(manifests(false, "Online shop"), marked("Project/shop", "p-shop", {}, "Online shop\n"), null);
    expect(p.steps.find((s) => s.key === "Project/shop")!.changes).toEqual([]);
  });
});
