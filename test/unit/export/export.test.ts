/**
 * `exportLive`, pure: live state in, files out. What a person reads (names,
 * defaults left out, secrets as references, layout), what is left out and
 * why, and, for every kind including compose (planned here without a
 * simulator), that the files plan to adoptions only against the same state.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exportLive } from "../../../src/export/export.ts";
import type { ExportOptions, ExportResult } from "../../../src/export/model.ts";
import type { ComposeDetail } from "../../../src/dokploy/routers/compose.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import type { ObservedProject, ObservedService } from "../../../src/model/observed.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { appDetail, liveApp, liveDomain, liveEnvironment, liveProject, marked } from "../../helpers/live-builders.ts";

const OPTIONS: ExportOptions = { instance: "default", projects: [], environments: [], adopt: true, plainEnv: [] };

function run(projects: ObservedProject[], options: Partial<ExportOptions> = {}): ExportResult {
  return exportLive({ projects }, { ...OPTIONS, ...options });
}

const file = (r: ExportResult, path: string): string => {
  const f = r.files.find((x) => x.path === path);
  if (!f) throw new Error(`no file ${path}; have ${r.files.map((x) => x.path).join(", ")}`);
  return f.content;
};
/** A parsed document, loosely typed for assertions. */
interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; [k: string]: unknown };
  spec: Record<string, unknown> & { source: Record<string, unknown> };
}
const docs = (r: ExportResult, path: string): Doc[] => file(r, path).split(/^---\n/m).map((d) => parse(d) as Doc);

function composeService(name: string, c: Partial<ComposeDetail> = {}): ObservedService {
  // The fields the engine reads (compose.one answers more).
  const raw = {
    composeId: `c-${name}`, name, appName: `${name}-x1`, description: null, env: null, composeFile: "services:\n  web:\n    image: nginx\n",
    sourceType: "raw", composeType: "docker-compose", composePath: "./docker-compose.yml", command: "", composeStatus: "done",
    autoDeploy: true, isolatedDeployment: false, environmentId: "e-prod", createdAt: "2026-01-01T00:00:00.000Z", triggerType: "push",
    watchPaths: null, enableSubmodules: false, repository: null, owner: null, branch: null, githubId: null,
    gitlabId: null, gitlabProjectId: null, gitlabOwner: null, gitlabRepository: null, gitlabPathNamespace: null, gitlabBranch: null,
    bitbucketId: null, bitbucketOwner: null, bitbucketRepository: null, bitbucketRepositorySlug: null, bitbucketBranch: null,
    giteaId: null, giteaOwner: null, giteaRepository: null, giteaBranch: null, customGitUrl: null, customGitBranch: null, customGitSSHKeyId: null,
    deployments: [{ deploymentId: `dep-${name}`, title: "x", description: null, status: "done", logPath: "", applicationId: null, composeId: `c-${name}`, createdAt: "2026-01-01T00:00:00.000Z", startedAt: null, finishedAt: null, errorMessage: null }],
    domains: [],
    ...c,
  } as ComposeDetail;
  return {
    kind: "Compose", id: raw.composeId, name, description: raw.description, appName: raw.appName, status: raw.composeStatus,
    detail: { id: raw.composeId, name, description: raw.description, appName: raw.appName, status: raw.composeStatus, deployments: raw.deployments, domains: raw.domains, raw },
  };
}

/** The files loaded, planned against the same live state with the secrets set to `values`. */
function planExported(r: ExportResult, projects: ObservedProject[], values: Record<string, string>) {
  // As the loader reads a directory: hidden files (.env.example) are not manifests.
  const report = loadManifestTexts(r.files.filter((f) => !f.path.startsWith(".")).map((f) => ({ file: f.path, text: f.content })));
  expect(report.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const secrets = new SecretValues();
  for (const v of r.variables) secrets.set({ fromEnv: v.name }, values[v.name]!);
  return planReconcile({ desired: report.desired!, observed: { projects }, secrets, settings: { instance: "default", prune: true, allowEmpty: false, maxDeletions: 10 } });
}

describe("exportLive: what it writes", () => {
  it("leaves out Dokploy's defaults, so the files are as short as a person writes them", () => {
    const web = appDetail("web", { sourceType: "github", owner: "acme", repository: "web", branch: "main", dockerImage: null });
    const r = run([liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, description: "Production environment", applications: [liveApp(web)] })] })]);
    const [app] = docs(r, "shop/production/web.yaml");
    expect(app!.spec).toEqual({ source: { type: "github", owner: "acme", repository: "web", branch: "main" } });
    expect(docs(r, "shop/project.yaml").map((d) => d.spec)).toEqual([{}, {}]);
    expect(file(r, "shop/production/web.yaml")).toMatch(/^# yaml-language-server: \$schema=https:\/\/\S+\/application\.schema\.json\n/);
  });

  it("writes secrets as fromEnv with readable names and lists them in .env.example, never their values", () => {
    const img = appDetail("img", { password: "hunter2-registry", username: "bot", env: "API_KEY=sk_live_123\nREF=${{project.DB}}\nEMPTY=\nNODE_ENV=production", buildSecrets: "NPM_TOKEN=npm_abc" });
    const project = liveProject("shop", { env: "SENTRY_DSN=https://key@sentry.io/1", environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(img)] })] });
    const r = run([project], { plainEnv: ["NODE_*", "NPM_TOKEN"] });
    const [app] = docs(r, "shop/production/img.yaml");
    expect(app!.spec.source.password).toEqual({ fromEnv: "SHOP_PRODUCTION_IMG_SOURCE_PASSWORD" });
    expect(app!.spec.env).toEqual({ API_KEY: { fromEnv: "SHOP_PRODUCTION_IMG_API_KEY" }, REF: "${{project.DB}}", EMPTY: "", NODE_ENV: "production" });
    expect(app!.spec.buildSecrets, "build secrets stay secret whatever --plain-env says").toEqual({ NPM_TOKEN: { fromEnv: "SHOP_PRODUCTION_IMG_BUILD_SECRETS_NPM_TOKEN" } });
    expect(file(r, ".env.example")).toContain("# application/shop/production/img: /spec/source/password\nSHOP_PRODUCTION_IMG_SOURCE_PASSWORD=\n");
    expect(file(r, ".env.example")).toContain("# project/shop: /spec/env/SENTRY_DSN\nSHOP_SENTRY_DSN=\n");
    const all = r.files.map((f) => f.content).join("\n");
    for (const secret of ["hunter2-registry", "sk_live_123", "npm_abc", "key@sentry"]) expect(all).not.toContain(secret);
    expect(r.problems).toEqual([]);
  });

  it("writes every child list in its service, each entry in key order without its defaults; adopts hand-made entries only with --adopt", () => {
    const web = appDetail("web", {
      applicationId: "a1",
      description: marked("Application/shop/production/web", "a1", { ports: { "80/tcp": { id: "p1" } } }),
      ports: [
        { portId: "p2", publishedPort: 9000, targetPort: 9000, protocol: "udp", publishMode: "host", applicationId: "a1" },
        { portId: "p1", publishedPort: 80, targetPort: 3000, protocol: "tcp", publishMode: "ingress", applicationId: "a1" },
      ],
      mounts: [{ mountId: "m1", type: "file", mountPath: "/etc/app/config.json", filePath: "config.json", content: "{}\n", hostPath: null, volumeName: null, serviceType: "application" }],
      redirects: [{ redirectId: "r1", regex: "^/old/(.*)", replacement: "/new/$1", permanent: false, applicationId: "a1", uniqueConfigKey: 1, createdAt: "" }],
      security: [{ securityId: "s1", username: "admin", password: "basic-secret-Q", applicationId: "a1", createdAt: "" }],
    } as never);
    const live = [liveProject("shop", { description: marked("Project/shop", "p-shop"), environments: [liveEnvironment("production", { isDefault: true, applications: [{
      ...liveApp(web),
      children: { schedules: [{ scheduleId: "sc1", name: "nightly", cronExpression: "0 3 * * *", command: "npm run job", shellType: "bash", enabled: true, timezone: null, description: null, serviceName: null, applicationId: "a1", composeId: null }] },
    }] })] })];
    const r = run(live);
    const [app] = docs(r, "shop/production/web.yaml");
    expect(app!.metadata.annotations).toEqual({ "dokploy-gitops/adopt-children": "true" });
    expect({ ports: app!.spec.ports, mounts: app!.spec.mounts, redirects: app!.spec.redirects, schedules: app!.spec.schedules }).toEqual({
      ports: [{ publishedPort: 80, targetPort: 3000 }, { publishedPort: 9000, targetPort: 9000, protocol: "udp", publishMode: "host" }],
      mounts: [{ type: "file", mountPath: "/etc/app/config.json", content: "{}\n" }],
      redirects: [{ regex: "^/old/(.*)", replacement: "/new/$1" }],
      schedules: [{ name: "nightly", cronExpression: "0 3 * * *", command: "npm run job" }],
    });
    expect(app!.spec.security).toEqual([{ username: "admin", password: { fromEnv: "SHOP_PRODUCTION_WEB_SECURITY_ADMIN_PASSWORD" } }]);
    expect(r.files.map((f) => f.content).join("\n")).not.toContain("basic-secret-Q");
    const plan = planExported(r, live, { SHOP_PRODUCTION_WEB_SECURITY_ADMIN_PASSWORD: "basic-secret-Q" });
    expect(plan.steps.filter((s) => s.action !== "noop" && s.action !== "adopt")).toEqual([]);
    expect(plan.steps.filter((s) => s.action === "adopt").map((s) => s.kind).sort()).toEqual(["Environment", "Mount", "Port", "Redirect", "Schedule", "Security"]);
    expect(plan.steps.filter((s) => s.changes.length > 0 || s.deploy)).toEqual([]);
    // Without --adopt: the entries are written, the service does not take them over.
    expect(docs(run(live, { adopt: false }), "shop/production/web.yaml")[0]!.metadata.annotations).toBeUndefined();
  });

  it("gives two fields that make the same variable name distinct names", () => {
    const a = appDetail("a", { env: "X_Y=1\nx_y=2" });
    const r = run([liveProject("p", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(a)] })] })]);
    expect(r.variables.map((v) => v.name)).toEqual(["P_PRODUCTION_A_X_Y", "P_PRODUCTION_A_X_Y_2"]);
  });

  it("keeps what is ours as it is: no adopt, the name its marker records, its deletion policy", () => {
    const web = appDetail("web-renamed", { description: marked("Application/shop/production/web", "a-web-renamed", { policy: "orphan" }, "Front end"), applicationId: "a-web-renamed" });
    const r = run([liveProject("shop", { description: marked("Project/shop", "p-shop"), environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(web)] })] })]);
    const [app] = docs(r, "shop/production/web.yaml");
    expect(app!.metadata).toEqual({ name: "web", project: "shop", environment: "production", annotations: { "dokploy-gitops/deletion-policy": "orphan" } });
    expect(app!.spec.description, "the marker is never part of the description").toBe("Front end");
    expect(docs(r, "shop/project.yaml")[0]!.metadata).toEqual({ name: "shop" });
    expect(r.problems).toEqual(['application/shop/production/web: renamed in Dokploy to "web-renamed" after dokploy-gitops applied it; exported under the name its marker records, so the plan will rename it back']);
  });

  it("leaves out another instance's objects with everything in them, and says so", () => {
    const other = (key: string) => marked(key, "x", {}, "", "other");
    const r = run([
      liveProject("theirs", { description: other("Project/theirs") }),
      liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(appDetail("web", { description: other("Application/shop/production/web"), domains: [liveDomain("a.test")] }))] })] }),
    ]);
    expect(r.skipped).toEqual([
      { label: "project/theirs", reason: 'managed by another dokploy-gitops instance ("other"); left out with everything in it' },
      { label: "application/shop/production/web", reason: 'managed by another dokploy-gitops instance ("other"); left out with everything in it' },
    ]);
    expect(r.files.map((f) => f.path).sort()).toEqual([".env.example", "shop/project.yaml"]);
  });

  it("leaves out an object the manifest format cannot express, with the reason, and everything in it", () => {
    const bad = appDetail("My App", { domains: [liveDomain("a.test", { applicationId: "a-My App" })] });
    const r = run([liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(bad)], otherServices: [{ kind: "postgres", id: "pg1", name: "db" }] })] })]);
    expect(r.skipped.map((s) => s.label)).toEqual(["postgres/shop/production/db", "application/shop/production/My App", "domain/shop/production/My App/a-test"]);
    expect(r.skipped[1]!.reason).toContain("/metadata/name");
    expect(r.skipped[2]!.reason).toBe("its parent was left out");
  });

  it("reads descriptions without trailing newlines, and names domains after their host and path", () => {
    const web = appDetail("web", { description: "Shop front\n\n", domains: [liveDomain("Shop.Example.com", { path: "/api" }), liveDomain("shop.example.com", { domainId: "d2" })] });
    const r = run([liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(web)] })] })]);
    const [app, ...domains] = docs(r, "shop/production/web.yaml");
    expect(app!.spec.description).toBe("Shop front");
    expect(domains.map((d) => [d.metadata.name, d.spec])).toEqual([
      ["shop-example-com", { host: "shop.example.com" }],
      ["shop-example-com-api", { host: "Shop.Example.com", path: "/api" }],
    ]);
  });

  it("exports only what --project and --environment select", () => {
    const projects = [
      liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true }), liveEnvironment("staging")] }),
      liveProject("blog"),
    ];
    const r = run(projects, { environments: ["shop/staging"] });
    expect(docs(r, "shop/project.yaml").map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(["Project/shop", "Environment/staging"]);
    expect(r.files.some((f) => f.path.startsWith("blog/"))).toBe(false);
  });
});

describe("exportLive: compose", () => {
  it("writes a raw stack's YAML beside its manifest and plans to adoptions only, domains included", () => {
    const stack = composeService("chat", {
      env: "TOKEN=abc123secret", composeStatus: "idle",
      domains: [liveDomain("chat.example.com", { composeId: "c-chat", serviceName: "web", domainType: "compose", port: 80 })],
    });
    const projects = [liveProject("support", { environments: [liveEnvironment("production", { isDefault: true, services: [stack] })] })];
    const r = run(projects);
    expect(file(r, "support/production/chat.compose.yml")).toBe("services:\n  web:\n    image: nginx\n");
    const [c, d] = docs(r, "support/production/chat.yaml");
    expect(c!.spec).toEqual({ source: { type: "raw", composeFile: "./chat.compose.yml" }, env: { TOKEN: { fromEnv: "SUPPORT_PRODUCTION_CHAT_TOKEN" } }, state: "stopped" });
    expect(d!.metadata).toMatchObject({ compose: "chat" });
    expect(d!.spec).toEqual({ host: "chat.example.com", serviceName: "web", port: 80 });
    const plan = planExported(r, projects, { SUPPORT_PRODUCTION_CHAT_TOKEN: "abc123secret" });
    expect(plan.steps.map((s) => `${s.action} ${s.key} ${s.changes.length} ${s.deploy} ${s.lifecycle ?? ""}`)).toEqual([
      "adopt Project/support 0 false ",
      "adopt Environment/support/production 0 false ",
      "adopt Compose/support/production/chat 0 false ",
      "adopt Domain/support/production/compose:chat/chat-example-com 0 false ",
    ]);
  });

  it("keeps a git stack's source and the volume policy our marker records", () => {
    const stack = composeService("git-stack", {
      sourceType: "github", owner: "acme", repository: "stack", branch: "main", composePath: "./deploy/compose.yml", composeType: "stack",
      description: marked("Compose/ops/production/git-stack", "c-git-stack", { deleteVolumes: true }),
    });
    const projects = [liveProject("ops", { environments: [liveEnvironment("production", { isDefault: true, services: [stack] })] })];
    const r = run(projects);
    const [c] = docs(r, "ops/production/git-stack.yaml");
    expect(c!.metadata.annotations).toEqual({ "dokploy-gitops/delete-volumes": "true" });
    expect(c!.spec).toEqual({ source: { type: "github", owner: "acme", repository: "stack", branch: "main", composePath: "./deploy/compose.yml" }, composeType: "stack" });
    const plan = planExported(r, projects, {});
    expect(plan.steps.find((s) => s.kind === "Compose")).toMatchObject({ action: "noop", changes: [] });
  });
});

/** A live postgres as `postgres.one` answers it (the columns the engine reads). */
function postgresService(name: string, password: string): ObservedService {
  const raw = {
    postgresId: `pg-${name}`, name, appName: `${name}-pg1`, description: null, applicationStatus: "done", databaseName: "app", databaseUser: "app",
    databasePassword: password, dockerImage: "postgres:18", env: null, command: null, args: null, replicas: 1, externalPort: null,
    memoryLimit: null, memoryReservation: null, cpuLimit: null, cpuReservation: null, mounts: [], backups: [],
  };
  return {
    kind: "Postgres", id: raw.postgresId, name, description: null, appName: raw.appName, status: "done",
    detail: { id: raw.postgresId, name, description: null, appName: raw.appName, status: "done", deployments: [], domains: [], raw },
  };
}

describe("exportLive: references between exported services", () => {
  const PASSWORD = "s3cret-db-password";
  const envOf = (r: ExportResult, path: string): Record<string, unknown> => docs(r, path)[0]!.spec.env as Record<string, unknown>;

  it("writes a variable equal to another service's host or a database's password as a reference; the password is in no file and no variable", () => {
    const web = appDetail("web", {
      env: `DB_HOST=db-pg1\nDB_PASSWORD=${PASSWORD}\nAPI=api-abc123\nSELF=web-abc123\nDB_URL=postgres://app:${PASSWORD}@db-pg1:5432/app\nSHORT=pw123`,
    });
    const projects = [liveProject("shop", { environments: [liveEnvironment("production", {
      isDefault: true, applications: [liveApp(web), liveApp(appDetail("api"))],
      services: [postgresService("db", PASSWORD), postgresService("cache", "pw123")],
    })] })];
    const r = run(projects);
    expect(envOf(r, "shop/production/web.yaml")).toEqual({
      DB_HOST: { ref: "Postgres/db", field: "host" },
      DB_PASSWORD: { ref: "Postgres/db", field: "databasePassword" },
      API: { ref: "Application/api", field: "host" },
      SELF: { fromEnv: "SHOP_PRODUCTION_WEB_SELF" },
      DB_URL: { fromEnv: "SHOP_PRODUCTION_WEB_DB_URL" },
      SHORT: { fromEnv: "SHOP_PRODUCTION_WEB_SHORT" },
    });
    expect(r.variables.map((v) => v.name).filter((n) => n.startsWith("SHOP_PRODUCTION_WEB_"))).toEqual(["SHOP_PRODUCTION_WEB_SELF", "SHOP_PRODUCTION_WEB_DB_URL", "SHOP_PRODUCTION_WEB_SHORT"]);
    expect(r.files.filter((f) => f.content.includes(PASSWORD)).map((f) => f.path)).toEqual([]);
    expect(r.problems).toEqual([]);
    const values = { SHOP_PRODUCTION_WEB_SELF: "web-abc123", SHOP_PRODUCTION_WEB_DB_URL: `postgres://app:${PASSWORD}@db-pg1:5432/app`, SHOP_PRODUCTION_WEB_SHORT: "pw123", SHOP_PRODUCTION_DB_DATABASE_PASSWORD: PASSWORD, SHOP_PRODUCTION_CACHE_DATABASE_PASSWORD: "pw123" };
    const plan = planExported(r, projects, values);
    expect(plan.steps.map((s) => `${s.action} ${s.key} ${s.changes.length}`).filter((s) => !s.startsWith("adopt") || !s.endsWith(" 0"))).toEqual([]);
  });

  it("matches only within the same environment, and keeps --plain-env keys as references too", () => {
    const staging = appDetail("web", { applicationId: "a-web-staging", appName: "web-stg1", env: `DB_PASSWORD=${PASSWORD}\nDB_HOST=db-pg1` });
    const web = appDetail("web", { env: "DB_HOST=db-pg1" });
    const projects = [liveProject("shop", { environments: [
      liveEnvironment("production", { isDefault: true, applications: [liveApp(web)], services: [postgresService("db", PASSWORD)] }),
      liveEnvironment("staging", { id: "e-staging", applications: [liveApp(staging)] }),
    ] })];
    const r = run(projects, { plainEnv: ["DB_HOST"] });
    expect(envOf(r, "shop/production/web.yaml")).toEqual({ DB_HOST: { ref: "Postgres/db", field: "host" } });
    expect(envOf(r, "shop/staging/web.yaml")).toEqual({ DB_PASSWORD: { fromEnv: "SHOP_STAGING_WEB_DB_PASSWORD" }, DB_HOST: "db-pg1" });
    expect(r.problems).toEqual([]);
  });

  it("never closes a cycle: two services holding each other's host reference one way only", () => {
    const a = appDetail("a", { env: "PEER=b-abc123" });
    const b = appDetail("b", { env: "PEER=a-abc123" });
    const r = run([liveProject("p", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(a), liveApp(b)] })] })]);
    expect(r.skipped).toEqual([]);
    expect([envOf(r, "p/production/a.yaml").PEER, envOf(r, "p/production/b.yaml").PEER]).toEqual([{ ref: "Application/b", field: "host" }, { fromEnv: "P_PRODUCTION_B_PEER" }]);
    expect(r.problems).toEqual([]);
  });

  it("writes the value back as a secret when the referenced service is left out", () => {
    const web = appDetail("web", { env: `DB_PASSWORD=${PASSWORD}` });
    const r = run([liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(web)], services: [postgresService("My DB", PASSWORD)] })] })]);
    expect(r.skipped.map((s) => s.label)).toEqual(["postgres/shop/production/My DB"]);
    expect(envOf(r, "shop/production/web.yaml")).toEqual({ DB_PASSWORD: { fromEnv: "SHOP_PRODUCTION_WEB_DB_PASSWORD" } });
    expect(r.variables.map((v) => v.name)).toContain("SHOP_PRODUCTION_WEB_DB_PASSWORD");
    expect(r.problems).toEqual([]);
  });
});
