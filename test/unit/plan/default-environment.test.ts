/**
 * A new project's `production` environment is made by Dokploy with the
 * project; the plan configures it. Renderers say so instead of "create"
 * (regression: it was shown as "will be created").
 */
import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../../src/plan/render-text.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";

const manifests = `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: production, project: shop }
spec: { description: Customers use this one }
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: staging, project: shop }
`;

describe("a new project's production environment", () => {
  const desired = loadManifestTexts([{ file: "shop.yaml", text: manifests }]).desired!;
  const plan = planReconcile({ desired, observed: { projects: [] }, secrets: new SecretValues(), settings: { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 } });

  it("is 'configured' in text and markdown; staging is created", () => {
    const text = renderPlanText(plan, {});
    expect(text).toMatch(/environment\/shop\/production {2}\(made by Dokploy with the project; will be configured\)/);
    expect(text).toMatch(/environment\/shop\/staging {2}\(will be created\)/);
    const md = renderPlanMarkdown(plan, { directory: "deploy", instance: "default" });
    expect(md).toContain("| `environment/shop/production` | configure |");
    expect(md).toContain("| `environment/shop/staging` | create |");
  });
});
