/**
 * The pull request behind the generated examples (scripts/gen-examples.ts):
 * a small shop on `main`, and a branch that changes it the way real pull
 * requests do (a new image, a changed secret, a new service with a domain, an
 * adoption, a name clash with a hand-made service, a removed manifest).
 */

/** The revisions the examples are labelled with. */
export const MAIN_REVISION = "b41e07c9a2f35d6e8c1f0a7b3d9e2c4f6a8b0d1e";
export const PR_REVISION = "3f9c2a7d5e1b8f4c6a0d2e9b7c3f1a5d8e6b4c2a";

/** The `fromEnv` values each revision's pass sees (never printed: the comment shows only whether they changed). */
export const SCENARIO_SECRETS_MAIN: Record<string, string> = {
  SHOP_DATABASE_URL: "postgres://shop:old-secret-password@db:5432/shop",
  SHOP_QUEUE_PASSWORD: "queue-secret-one",
};
export const SCENARIO_SECRETS_PR: Record<string, string> = {
  SHOP_DATABASE_URL: "postgres://shop:rotated-secret-password@db:5432/shop",
  SHOP_QUEUE_PASSWORD: "queue-secret-one",
};

const header = (kind: string): string => `# yaml-language-server: $schema=../../manifests-schema/${kind}.schema.json\napiVersion: dokploy-gitops/v1\n`;

function project(featureFlags: string): string {
  return `${header("project")}kind: Project
metadata: { name: shop }
spec:
  description: The web shop
  env: { CURRENCY: EUR }
---
${header("environment")}kind: Environment
metadata: { name: production, project: shop }
---
${header("environment")}kind: Environment
metadata: { name: staging, project: shop }
spec:
  env: { FEATURE_FLAGS: "${featureFlags}" }
`;
}

function web(image: string, replicas: number, logLevel: string): string {
  return `${header("application")}kind: Application
metadata: { name: web, project: shop, environment: production }
spec:
  source: { type: docker, image: "${image}" }
  replicas: ${replicas}
  env:
    LOG_LEVEL: ${logLevel}
    DATABASE_URL: { fromEnv: SHOP_DATABASE_URL }
---
${header("domain")}kind: Domain
metadata: { name: www, project: shop, environment: production, application: web }
spec: { host: www.shop.example.com, port: 3000, https: true, certificateType: letsencrypt }
`;
}

/** The manifests on `main`. */
export function mainManifests(): Record<string, string> {
  return {
    "shop/project.yaml": project("checkout"),
    "shop/web.yaml": web("ghcr.io/acme/web:1.4.2", 2, "info"),
    "shop/old-cron.yaml": `${header("application")}kind: Application
metadata: { name: old-cron, project: shop, environment: staging }
spec:
  source: { type: docker, image: "ghcr.io/acme/cron:2.0.0" }
`,
  };
}

/** The manifests on the pull request's branch. */
export function prManifests(): Record<string, string> {
  return {
    "shop/project.yaml": project("checkout,search"),
    "shop/web.yaml": web("ghcr.io/acme/web:1.5.0", 3, "debug"),
    "shop/worker.yaml": `${header("application")}kind: Application
metadata: { name: worker, project: shop, environment: production }
spec:
  source: { type: docker, image: "ghcr.io/acme/worker:1.5.0" }
  command: node dist/worker.js --queue=orders
  env:
    QUEUE_PASSWORD: { fromEnv: SHOP_QUEUE_PASSWORD }
---
${header("domain")}kind: Domain
metadata: { name: api, project: shop, environment: production, application: worker }
spec: { host: api.shop.example.com, port: 8080, https: true, certificateType: letsencrypt }
`,
    "shop/admin.yaml": `${header("application")}kind: Application
metadata:
  name: admin
  project: shop
  environment: production
  annotations:
    dokploy-gitops/adopt: "true"
spec:
  source: { type: docker, image: "ghcr.io/acme/admin:3.1.0" }
`,
    "shop/legacy-api.yaml": `${header("application")}kind: Application
metadata: { name: legacy-api, project: shop, environment: production }
spec:
  source: { type: docker, image: "ghcr.io/acme/legacy-api:0.9.0" }
`,
  };
}
