/**
 * The adoption journey: README's "Adopting an existing Dokploy" commands, as
 * written, run by the real CLI against a simulator seeded with a hand-made setup (two
 * projects, several environments, applications of every source type,
 * compose stacks once the simulator serves compose, the six databases (one
 * with a backup), domains, every child list (ports, mounts of each type,
 * redirects, basic-auth users, schedules on applications and compose),
 * another instance's project): `export --adopt` -> `validate` ->
 * `plan` (adoptions only, no field change) -> `apply` -> `plan` (no
 * changes) -> a change made in the UI -> `plan` (and the daemon, in detect
 * mode) shows exactly that drift. A canary secret in the live state never
 * reaches a file, an output or a log line.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDescription } from "../../../src/model/marker.ts";
import { SERVED_ENDPOINTS } from "../../../src/simulator/endpoints.ts";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { REPO_ROOT, runCliProcess, startCli, type CliResult } from "../../helpers/cli.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, startTestSimulator } from "../../helpers/simulator.ts";

const CANARY = "canary-adopt-9Hq2Lw";
/** Compose stacks join the setup once the simulator serves compose. */
const COMPOSE = "compose.one" in SERVED_ENDPOINTS;
/** Projects, environments, applications, compose stacks, the six databases, domains. */
const MANIFESTS = COMPOSE ? 27 : 24;
/** Child list entries made in the UI: each is one more adoption step in the plan. */
const ENTRIES = COMPOSE ? 11 : 9;
const ADOPTIONS = MANIFESTS + ENTRIES;
const root = mkdtempSync(join(tmpdir(), "dg-export-journey-"));
const dir = join(root, "deploy");

/** The `npx dokploy-gitops ...` commands of README's adoption section, by step (code block), as argv. */
function readmeSteps(): string[][][] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Adopting an existing Dokploy$/m)[1]!.split(/^## /m)[0]!;
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.trim().split("\n").map((l) => l.trim()).map((line) => {
      expect(line).toMatch(/^npx dokploy-gitops /);
      return line.replace(/^npx dokploy-gitops /, "").split(/\s+/).map((a) => a.replace(/^'(.*)'$/, "$1"));
    }),
  );
}
let sim: SimulatorHandle;
const outputs: string[] = [];

/** The values a person copies from the Dokploy UI into the variables `.env.example` names. */
const LIVE: Record<string, string> = {
  "project/shop /spec/env/SENTRY_DSN": `https://${CANARY}@sentry.io/42`,
  "environment/shop/production /spec/env/DATABASE_URL": `postgres://shop:${CANARY}@db:5432/shop`,
  "environment/shop/staging /spec/env/DATABASE_URL": "postgres://shop@db-staging:5432/shop",
  "application/shop/production/storefront /spec/env/STRIPE_SECRET_KEY": `sk_live_${CANARY}`,
  "application/shop/production/storefront /spec/env/API_URL": "http://shop-api:8080",
  "application/shop/production/api /spec/buildArgs/GO_VERSION": "1.24",
  "application/shop/production/api /spec/buildSecrets/GOPRIVATE_TOKEN": `ghp_${CANARY}`,
  "application/shop/production/worker /spec/env/SMTP_PASSWORD": `smtp-${CANARY}`,
  "application/shop/staging/storefront /spec/env/STRIPE_SECRET_KEY": `sk_test_${CANARY}`,
  "application/support/production/chatwoot /spec/source/password": `registry-${CANARY}`,
  "application/support/production/chatwoot /spec/env/SECRET_KEY_BASE": `skb-${CANARY}`,
  "compose/support/production/helpdesk /spec/env/SECRET_KEY": `desk-${CANARY}`,
  "application/shop/production/storefront /spec/security/0/password": `basic-${CANARY}`,
  "postgres/shop/production/db /spec/databasePassword": `pg-${CANARY}`,
  "redis/shop/production/cache /spec/databasePassword": `redis-${CANARY}`,
  "mariadb/shop/staging/db /spec/databasePassword": `maria-${CANARY}`,
  "mariadb/shop/staging/db /spec/databaseRootPassword": `maria-root-${CANARY}`,
  "mysql/support/production/chatwoot-db /spec/databasePassword": `mysql-${CANARY}`,
  "mysql/support/production/chatwoot-db /spec/databaseRootPassword": `mysql-root-${CANARY}`,
  "mongo/support/staging/sessions /spec/databasePassword": `mongo-${CANARY}`,
  "libsql/support/staging/edge /spec/databasePassword": `libsql-${CANARY}`,
  "libsql/support/staging/edge /spec/env/SQLD_AUTH_JWT_KEY": `jwt-${CANARY}`,
};

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCliProcess(args, { env: { DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: sim.apiKey, ...env }, timeoutMs: 60_000, cwd: root });
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** The variables of `.env.example`, set to the live values their comments point at. */
function secretsEnv(): Record<string, string> {
  const lines = readFileSync(join(dir, ".env.example"), "utf8").split("\n");
  const env: Record<string, string> = {};
  lines.forEach((line, i) => {
    const m = /^([A-Z0-9_]+)=$/.exec(line);
    if (!m) return;
    const where = /^# (\S+): (\S+)$/.exec(lines[i - 1] ?? "")!;
    const value = LIVE[`${where[1]} ${where[2]}`];
    if (value === undefined) throw new Error(`.env.example names ${m[1]} for ${where[1]} ${where[2]}, which the test does not know`);
    env[m[1]!] = value;
  });
  return env;
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? filesUnder(join(d, name)) : [join(d, name)]));
}

beforeAll(async () => {
  sim = await startTestSimulator();
  const seeded = sim.control.seed({
    destinations: [{ destinationId: "dest-s3", name: "s3-backups" }],
    projects: [
      {
        name: "shop", description: "Online shop (storefront, API, docs, worker)",
        env: `SENTRY_DSN=https://${CANARY}@sentry.io/42\nLOG_LEVEL=info`,
        environments: [
          {
            name: "production", description: "Customers use this one", env: `DATABASE_URL=postgres://shop:${CANARY}@db:5432/shop`,
            applications: [
              {
                name: "storefront", description: "Next.js storefront", sourceType: "github", owner: "example-shop", repository: "storefront", branch: "release",
                githubId: "gh-app-example-shop", watchPaths: ["apps/storefront/**", "packages/**"], buildType: "nixpacks", replicas: 3,
                memoryLimit: "1073741824", cpuLimit: "1500000000", env: `NEXT_PUBLIC_URL=\${{environment.PUBLIC_URL}}\nAPI_URL=http://shop-api:8080\nSTRIPE_SECRET_KEY=sk_live_${CANARY}`,
                applicationStatus: "done",
                domains: [{ host: "shop.example.com", https: true, certificateType: "letsencrypt" }, { host: "www.shop.example.com", https: true, certificateType: "letsencrypt" }],
                ports: [{ publishedPort: 9464, targetPort: 9464 }],
                mounts: [
                  { type: "volume", mountPath: "/app/.next/cache", volumeName: "storefront-cache" },
                  { type: "file", mountPath: "/app/config/features.json", filePath: "features.json", content: "{\n  \"checkout-v2\": true\n}\n" },
                ],
                redirects: [{ regex: "^https?://www\\.shop\\.example\\.com/(.*)", replacement: "https://shop.example.com/${1}", permanent: true }],
                security: [{ username: "preview", password: `basic-${CANARY}` }],
                schedules: [{ name: "sitemap", cronExpression: "0 4 * * *", command: "npm run sitemap", timezone: "Europe/Berlin" }],
              },
              {
                name: "api", description: "Orders and catalogue API", sourceType: "git", customGitUrl: "git@git.example.com:shop/api.git", customGitBranch: "main",
                customGitBuildPath: "/", customGitSSHKeyId: "ssh-key-deploy-shop", buildType: "dockerfile", dockerfile: "deploy/Dockerfile", dockerContextPath: ".",
                dockerBuildStage: "runtime", buildArgs: "GO_VERSION=1.24", buildSecrets: `GOPRIVATE_TOKEN=ghp_${CANARY}`, replicas: 2, applicationStatus: "done",
                domains: [{ host: "shop.example.com", path: "/api", stripPath: true, port: 8080, https: true, certificateType: "letsencrypt" }],
                ports: [{ publishedPort: 50051, targetPort: 50051, protocol: "tcp", publishMode: "host" }],
              },
              {
                name: "docs", sourceType: "gitea", giteaOwner: "example-shop", giteaRepository: "help-centre", giteaBranch: "main", giteaBuildPath: "/site",
                buildType: "static", publishDirectory: "dist", isStaticSpa: true, applicationStatus: "done",
                domains: [{ host: "help.shop.example.com", port: 80, https: true, certificateType: "letsencrypt" }],
              },
              {
                name: "worker", description: "Order e-mails", sourceType: "gitlab", gitlabOwner: "example-shop", gitlabRepository: "worker", gitlabBranch: "main",
                gitlabProjectId: 42, buildType: "railpack", command: "python", args: ["-m", "worker"], env: `SMTP_PASSWORD=smtp-${CANARY}`, applicationStatus: "idle",
                mounts: [{ type: "bind", mountPath: "/var/spool/mail", hostPath: "/srv/shop/mail" }],
              },
            ],
            databases: [
              {
                kind: "postgres", name: "db", databaseName: "shop", databaseUser: "shop", databasePassword: `pg-${CANARY}`, dockerImage: "postgres:16",
                memoryLimit: "2147483648", applicationStatus: "done",
                backups: [{ destinationId: "dest-s3", schedule: "0 2 * * *", prefix: "shop/", database: "shop", keepLatestCount: 14, enabled: true }],
              },
              { kind: "redis", name: "cache", databasePassword: `redis-${CANARY}`, dockerImage: "redis:7-alpine", applicationStatus: "done" },
            ],
          },
          {
            name: "staging", description: "Every merge to main lands here first", env: "DATABASE_URL=postgres://shop@db-staging:5432/shop",
            applications: [{
              name: "storefront", sourceType: "bitbucket", bitbucketOwner: "example-shop", bitbucketRepository: "storefront", bitbucketBranch: "main",
              env: `STRIPE_SECRET_KEY=sk_test_${CANARY}`, applicationStatus: "done", domains: [{ host: "staging.shop.example.com", https: true }],
            }],
            databases: [{
              kind: "mariadb", name: "db", databaseName: "shop", databaseUser: "shop", databasePassword: `maria-${CANARY}`,
              databaseRootPassword: `maria-root-${CANARY}`, dockerImage: "mariadb:11", applicationStatus: "idle",
            }],
            ...(COMPOSE ? { compose: [{ name: "search", sourceType: "github", owner: "example-shop", repository: "search", branch: "main", composePath: "./deploy/compose.yml", composeType: "stack" }] } : {}),
          },
        ],
      },
      {
        name: "support", description: "Chatwoot help desk",
        environments: [
          {
            name: "production",
            applications: [
              {
                name: "chatwoot", sourceType: "docker", dockerImage: "chatwoot/chatwoot:v4.1.0", registryUrl: "registry.example.com", username: "deploy",
                password: `registry-${CANARY}`, command: "bundle", args: ["exec", "rails", "s"], env: `NODE_ENV=production\nSECRET_KEY_BASE=skb-${CANARY}`,
                applicationStatus: "done", domains: [{ host: "support.example.com", https: true, certificateType: "letsencrypt" }],
                schedules: [{ name: "purge-old-conversations", cronExpression: "30 1 * * 0", command: "bundle exec rails runner Purge.run", shellType: "sh" }],
              },
            ],
            databases: [{
              kind: "mysql", name: "chatwoot-db", databaseName: "chatwoot", databaseUser: "chatwoot", databasePassword: `mysql-${CANARY}`,
              databaseRootPassword: `mysql-root-${CANARY}`, dockerImage: "mysql:8", externalPort: 33060, applicationStatus: "done",
            }],
            ...(COMPOSE ? {
              compose: [{
                name: "helpdesk", composeId: "cmp-helpdesk", sourceType: "raw", composeFile: "services:\n  web:\n    image: helpdesk:2\n    env_file: .env\n",
                env: `SECRET_KEY=desk-${CANARY}`, domains: [{ host: "desk.example.com", serviceName: "web", port: 80, https: true, certificateType: "letsencrypt" }],
              }],
            } : {}),
          },
          {
            name: "staging",
            databases: [
              { kind: "mongo", name: "sessions", databaseUser: "support", databasePassword: `mongo-${CANARY}`, dockerImage: "mongo:7", replicaSets: true, applicationStatus: "done" },
              {
                kind: "libsql", name: "edge", databaseUser: "edge", databasePassword: `libsql-${CANARY}`, env: `SQLD_AUTH_JWT_KEY=jwt-${CANARY}`,
                enableNamespaces: true, externalGRPCPort: 5001, applicationStatus: "done",
              },
            ],
          },
        ],
      },
      { name: "legacy", description: renderDescription("Old stack", { v: 1, instance: "ops", key: "Project/legacy", id: "elsewhere" }) },
    ],
    // The help desk's children (the seed nests children under applications only).
    ...(COMPOSE ? {
      mounts: [{ serviceId: "cmp-helpdesk", serviceType: "compose" as const, type: "file" as const, mountPath: "/etc/helpdesk/branding.yml", filePath: "branding.yml", content: "title: Help desk\n" }],
      schedules: [{ composeId: "cmp-helpdesk", serviceName: "web", name: "digest", cronExpression: "0 7 * * 1-5", command: "helpdesk digest --send" }],
    } : {}),
  });
  for (const id of seeded.applicationIds) {
    const app = sim.control.state().projects.flatMap((p) => p.environments).flatMap((e) => e.applications).find((a) => a.applicationId === id)!;
    if (app.applicationStatus !== "idle") sim.control.seed({ deployments: [{ applicationId: id, title: "Deployed from the UI", status: "done" }] });
  }
  if (COMPOSE) {
    // Deployed from the UI once; the git stack was never deployed (idle: exported as stopped).
    await api(sim, "POST", "compose.deploy", { composeId: "cmp-helpdesk" });
    await sim.control.idle(10_000);
  }
}, 60_000);

afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("adopting an existing Dokploy, as README says", () => {
  let env: Record<string, string>;
  const steps = readmeSteps();

  it("README: four steps with commands, on the directory deploy", () => {
    expect(steps.map((s) => s.map((argv) => argv[0]))).toEqual([["export"], ["export"], ["validate", "plan"], ["apply", "plan"]]);
    expect(steps.flat().every((argv) => argv.includes("deploy"))).toBe(true);
  });

  it("step 1: export --adopt writes the manifests and says what it left out", async () => {
    const r = await cli(steps[0]![0]!);
    expect(r.code, r.stderr).toBe(0);
    const databases = "1 Postgres, 1 MySQL, 1 MariaDB, 1 Mongo, 1 Redis, 1 LibSQL";
    expect(r.stdout).toContain(COMPOSE ? `: 2 Project, 4 Environment, 6 Application, 2 Compose, ${databases}, 7 Domain (` : `: 2 Project, 4 Environment, 6 Application, ${databases}, 6 Domain (`);
    expect(r.stdout).toContain(`In their services' lists: 2 Port, ${COMPOSE ? 4 : 3} Mount, 1 Redirect, 1 Security, ${COMPOSE ? 3 : 2} Schedule.`);
    expect(r.stdout).toContain('project/legacy: managed by another dokploy-gitops instance ("ops")');
    expect(r.stdout).toMatch(/postgres\/shop\/production\/db\/backup:\S+: a backup made by hand \(0 2 \* \* \* to s3-backups\): not written; dokploy-gitops leaves it alone/);
    expect(r.stdout).not.toContain("warning:");
    const storefront = readFileSync(join(dir, "shop/production/storefront.yaml"), "utf8");
    expect(storefront).toContain("replicas: 3");
    expect(storefront).toContain("memoryLimit: 1Gi");
    expect(storefront).toContain('dokploy-gitops/adopt: "true"');
    expect(storefront).toContain("NEXT_PUBLIC_URL: ${{environment.PUBLIC_URL}}");
    // Every child list, the entries made in the UI taken over with the service.
    expect(storefront).toContain('dokploy-gitops/adopt-children: "true"');
    for (const line of ["ports:", "- publishedPort: 9464", "mounts:", "volumeName: storefront-cache", "mountPath: /app/config/features.json", "\"checkout-v2\": true", "redirects:", "permanent: true", "security:", "- username: preview", "fromEnv: SHOP_PRODUCTION_STOREFRONT_SECURITY_PREVIEW_PASSWORD", "schedules:", "- name: sitemap", "timezone: Europe/Berlin"]) {
      expect(storefront).toContain(line);
    }
    const postgres = readFileSync(join(dir, "shop/production/db.yaml"), "utf8");
    for (const line of ["kind: Postgres", "dockerImage: postgres:16", "databaseName: shop", "fromEnv: SHOP_PRODUCTION_DB_DATABASE_PASSWORD", "memoryLimit: 2Gi"]) expect(postgres).toContain(line);
    expect(readFileSync(join(dir, "shop/staging/db.yaml"), "utf8")).toContain("state: stopped");
    expect(readFileSync(join(dir, "support/staging/sessions.yaml"), "utf8")).toContain("replicaSets: true");
    expect(readFileSync(join(dir, "support/production/chatwoot.yaml"), "utf8")).toContain("shellType: sh");
    expect(readFileSync(join(dir, "shop/production/worker.yaml"), "utf8")).toContain("state: stopped");
    expect(readFileSync(join(dir, "support/production/chatwoot.yaml"), "utf8")).not.toContain("NODE_ENV: production");
    if (COMPOSE) {
      expect(readFileSync(join(dir, "support/production/helpdesk.yaml"), "utf8")).toContain("composeFile: ./helpdesk.compose.yml");
      expect(readFileSync(join(dir, "support/production/helpdesk.compose.yml"), "utf8")).toBe("services:\n  web:\n    image: helpdesk:2\n    env_file: .env\n");
      expect(readFileSync(join(dir, "shop/staging/search.yaml"), "utf8")).toContain("state: stopped");
      const helpdesk = readFileSync(join(dir, "support/production/helpdesk.yaml"), "utf8");
      for (const line of ["mountPath: /etc/helpdesk/branding.yml", "- name: digest", "serviceName: web"]) expect(helpdesk).toContain(line);
    }
  }, 60_000);

  it("step 2: again with --force and --plain-env, the variables that are not secret stay literal", async () => {
    const r = await cli(steps[1]![0]!);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "support/production/chatwoot.yaml"), "utf8")).toContain("NODE_ENV: production");
    expect(readFileSync(join(dir, "shop/project.yaml"), "utf8")).toContain("LOG_LEVEL: info");
    env = secretsEnv();
  }, 60_000);

  it("step 3: validates, and plans adoptions only: no field change, no deploy", async () => {
    const [validate, plan] = steps[2]!;
    const v = await cli(validate!, env);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain(`OK: ${MANIFESTS} manifests in ${COMPOSE ? 16 : 14} files`);
    const text = await cli([...plan!, "--detailed-exitcode"], env);
    expect(text.code, text.stdout + text.stderr).toBe(2);
    expect(text.stdout).toContain(`Plan: 0 to create, 0 to update, ${ADOPTIONS} to adopt, 0 to delete`);
    const json = await cli([...plan!, "--output", "json"], env);
    const planned = (JSON.parse(json.stdout) as { steps: Array<{ key: string; action: string; changes: unknown[]; deploy: boolean; lifecycle?: string }> }).steps;
    expect(planned.filter((s) => s.action !== "adopt" || s.changes.length > 0 || s.deploy || s.lifecycle)).toEqual([]);
    expect(planned).toHaveLength(ADOPTIONS);
  }, 60_000);

  it("step 4: applies, and then plans no changes", async () => {
    const [apply, plan] = steps[3]!;
    sim.control.resetCalls();
    const applied = await cli([...apply!, "--deploy-timeout", "20s"], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    // Taking over writes the ownership markers and nothing else: no field, no deploy.
    const writes = sim.control.calls().filter((c) => c.method === "POST");
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((c) => !/^(project|environment|application|compose|postgres|mysql|mariadb|mongo|redis|libsql)\.update$/.test(c.endpoint) || !Object.keys(c.body as object).every((k) => k === "description" || k.endsWith("Id")))).toEqual([]);
    expect(applied.stdout).toContain(`Apply complete: 0 created, 0 updated, ${ADOPTIONS} adopted`);
    const again = await cli([...plan!, "--detailed-exitcode"], env);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain("No changes.");
    const legacy = sim.control.state().projects.find((p) => p.name === "legacy")!;
    expect(legacy.description).toContain('"instance":"ops"');
  }, 60_000);

  it("shows exactly the changes made in the UI afterwards (a field, a child entry)", async () => {
    const storefront = sim.control.state().projects.find((p) => p.name === "shop")!.environments.find((e) => e.isDefault)!.applications.find((a) => a.name === "storefront")!;
    sim.control.update("application", storefront.applicationId, { replicas: 5 });
    const [sitemap] = await api<Array<{ scheduleId: string; name: string }>>(sim, "GET", "schedule.list", { id: storefront.applicationId, scheduleType: "application" });
    await api(sim, "POST", "schedule.update", { scheduleId: sitemap!.scheduleId, name: "sitemap", cronExpression: "0 5 * * *", command: "npm run sitemap", timezone: "Europe/Berlin" });
    const r = await cli(["plan", "deploy", "--output", "json"], env);
    const plan = JSON.parse(r.stdout) as { steps: Array<{ key: string; action: string; changes: Array<{ path: string; before?: unknown; after?: unknown }> }> };
    expect(plan.steps.filter((s) => s.action !== "noop").map((s) => ({ key: s.key, action: s.action, changes: s.changes }))).toEqual([
      { key: "Application/shop/production/storefront", action: "update", changes: [{ path: "/spec/replicas", op: "replace", before: 5, after: 3 }] },
      { key: "Schedule/shop/production/storefront/sitemap", action: "update", changes: [{ path: "/spec/cronExpression", op: "replace", before: "0 5 * * *", after: "0 4 * * *" }] },
    ]);
  }, 60_000);

  it("the daemon, run on the exported tree, reports the same drift, and logs no secret", async () => {
    const daemon = startCli(["run", "--source", "deploy", "--mode", "detect", "--listen", "127.0.0.1:0", "--interval", "1h", "--log-level", "debug"], {
      env: { DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: sim.apiKey, ...env }, cwd: root, timeoutMs: 60_000,
    });
    let log = "";
    daemon.child.stdout!.on("data", (b: Buffer) => (log += b.toString()));
    daemon.child.stderr!.on("data", (b: Buffer) => (log += b.toString()));
    try {
      const base = await eventually(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1] ?? false, { timeoutMs: 20_000 });
      const status = await eventually(async () => {
        const text = await (await fetch(`${base}/status?format=text`)).text();
        if (!text.includes("OutOfSync")) throw new Error(`no drift yet:\n${text}`);
        return text;
      }, { timeoutMs: 20_000 });
      expect(status).toContain("/spec/replicas");
      outputs.push(status);
    } finally {
      daemon.child.kill("SIGTERM");
      const done = await daemon.done;
      outputs.push(done.stdout, done.stderr, log);
    }
  }, 60_000);

  it("never wrote or printed a secret value", () => {
    const leaks = [...filesUnder(dir).map((f) => `${f}\n${readFileSync(f, "utf8")}`), ...outputs].filter((t) => t.includes(CANARY));
    expect(outputs.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });
});
