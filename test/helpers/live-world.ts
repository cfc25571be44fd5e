/**
 * Random live Dokploy worlds, as people make them in the UI, for the export
 * round-trip property: projects, environments (the default `production`
 * included), applications of every source and build type with their env,
 * build args, build secrets, registry passwords, resources and lifecycle,
 * and their domains; compose stacks (raw or from git, with domains) when the
 * simulator serves compose; each object free (made by hand), ours (this instance's
 * marker, domains recorded, sometimes `orphan`), another instance's, or
 * with a copied or unreadable marker; some variables hold another service's
 * password or appName (`linkServices`). Secret values carry a canary so a leak
 * is found anywhere. `seedWorld` puts a world into a simulator; what an
 * export of it must show is in `live-world-expect.ts`.
 */
import fc from "fast-check";
import { renderDescription, type DomainRecord, type Marker } from "../../src/model/marker.ts";
import { renderDotenv } from "../../src/plan/dotenv.ts";
import type { SeedApplication, SeedData, SeedDomain, SimulatorHandle } from "../../src/simulator/index.ts";
import { WORLD_CANARY, childRecords, childrenArb, seedChildren, seedMount, seedSchedule, seedVolumeBackup, volumeBackupsOf, worldChildren, type WorldChildren } from "./live-world-children.ts";
import { DATABASE_KIND_NAMES, WORLD_DESTINATIONS, backupRecords, databaseArb, seedDatabase, worldDatabase, type WorldDatabase } from "./live-world-databases.ts";
import { linkArb, linkServices } from "./live-world-links.ts";
import { api } from "./simulator.ts";

export { WORLD_CANARY } from "./live-world-children.ts";

/** How an object stands to the instance `default`. */
export type Standing = "free" | "owned" | "orphan" | "foreign" | "copied" | "malformed";

export interface WorldDomain {
  id: string;
  host: string;
  path: string;
  port: number;
  https: boolean;
  certificateType: "none" | "letsencrypt" | "custom";
  customCertResolver: string | null;
  internalPath: string;
  stripPath: boolean;
  /** Recorded in the owned application's marker under this name. */
  recordedAs?: string;
}

export interface WorldApp {
  id: string;
  name: string;
  standing: Standing;
  description: string;
  status: "idle" | "done" | "error" | "running";
  columns: Record<string, unknown>;
  env: Record<string, string>;
  buildArgs: Record<string, string>;
  buildSecrets: Record<string, string>;
  domains: WorldDomain[];
  children: WorldChildren;
}

export interface WorldStack {
  id: string;
  name: string;
  standing: Standing;
  description: string;
  /** Not idle: deployed once through the API after seeding (Dokploy keeps no history of a seeded one). */
  status: "idle" | "done";
  columns: Record<string, unknown>;
  env: Record<string, string>;
  domains: Array<WorldDomain & { serviceName: string }>;
  /** Mounts and schedules. */
  children: WorldChildren;
}

export interface WorldEnvironment {
  id: string;
  name: string;
  standing: Standing;
  description: string | null;
  env: Record<string, string>;
  apps: WorldApp[];
  /** Compose stacks (only when the simulator serves compose). */
  stacks: WorldStack[];
  databases: Array<WorldDatabase & { standing: Standing }>;
}

export interface WorldProject {
  id: string;
  name: string;
  standing: Standing;
  description: string;
  env: Record<string, string>;
  environments: WorldEnvironment[];
}

export interface World {
  projects: WorldProject[];
}

const standing = fc.constantFrom<Standing>("free", "free", "owned", "orphan", "foreign", "copied", "malformed");
/** Below another instance's object nothing is ours (that instance would not have let us in). */
const below = (parent: Standing, own: Standing): Standing => (parent === "foreign" && (own === "owned" || own === "orphan") ? "free" : own);

const text = fc.constantFrom(
  "", "Orders and catalogue", "Made by hand in the UI", "Line one\nline two", "Ends with a newline\n",
  "Quotes \"inside\" and 'out' # not a comment", "  leading spaces", "ünïcödé ✓",
);

const envValue = fc.oneof(
  fc.constantFrom("production", "3000", "true", "0", "", "http://api:8080", "${{project.DATABASE_URL}}", "${{environment.X}} ${{project.Y}}", "a=b=c", "#hash", " padded", "x y z", "yes", "null", "1e3", "'quoted'", "\"double\""),
  fc.constantFrom(`${WORLD_CANARY}-token`, `postgres://u:${WORLD_CANARY}@db:5432/app`),
  fc.string({ unit: fc.constantFrom(..."abcXYZ019 _-=:/.@${}#'\"!*&?%"), minLength: 1, maxLength: 16 }),
);
const envMap = fc.dictionary(fc.constantFrom("NODE_ENV", "PORT", "DATABASE_URL", "API_KEY", "LOG_LEVEL", "SECRET_TOKEN", "FEATURE_X", "TZ", "lower_key", "camelKey"), envValue, { maxKeys: 4 });
const secretMap = fc.dictionary(fc.constantFrom("NPM_TOKEN", "GOPRIVATE_TOKEN", "SENTRY_AUTH"), fc.constantFrom(`${WORLD_CANARY}-build`, "s3cr3t value"), { maxKeys: 2 });

const branch = fc.constantFrom("main", "release/1.2", "feature_x#2");
const watchPaths = fc.constantFrom(null, [], ["src/**"], ["apps/web/**", "packages/**"]);
const common = { watchPaths, enableSubmodules: fc.boolean() };

/** The source columns of one source type, as the UI's provider forms write them. */
const source = fc.oneof(
  fc.record({ sourceType: fc.constant("github"), owner: fc.constantFrom("acme", "example-shop"), repository: fc.constantFrom("web", "api"), branch, buildPath: fc.constantFrom("/", "/site"), githubId: fc.constantFrom(null, "gh-app-1"), triggerType: fc.constantFrom("push", "tag"), ...common }),
  fc.record({ sourceType: fc.constant("git"), customGitUrl: fc.constantFrom("https://git.example.com/shop/api.git", "git@git.example.com:shop/api.git"), customGitBranch: branch, customGitBuildPath: fc.constantFrom("/", "/svc"), customGitSSHKeyId: fc.constantFrom(null, "ssh-key-1"), ...common }),
  fc.record({ sourceType: fc.constant("docker"), dockerImage: fc.constantFrom("nginx:1.27", "ghcr.io/acme/api:v2"), registryUrl: fc.constantFrom(null, "", "registry.example.com"), username: fc.constantFrom(null, "", "deploy-bot"), password: fc.constantFrom(null, "", `${WORLD_CANARY}-registry`) }),
  fc.record({ sourceType: fc.constant("gitlab"), gitlabId: fc.constantFrom(null, "gl-1"), gitlabProjectId: fc.constantFrom(null, 4242), gitlabOwner: fc.constant("acme"), gitlabRepository: fc.constant("api"), gitlabPathNamespace: fc.constantFrom(null, "acme/api"), gitlabBranch: branch, gitlabBuildPath: fc.constantFrom("/", "/backend"), ...common }),
  fc.record({ sourceType: fc.constant("bitbucket"), bitbucketId: fc.constantFrom(null, "bb-1"), bitbucketOwner: fc.constant("acme"), bitbucketRepository: fc.constant("api"), bitbucketRepositorySlug: fc.constantFrom(null, "api-slug"), bitbucketBranch: branch, bitbucketBuildPath: fc.constantFrom("/", "/x"), ...common }),
  fc.record({ sourceType: fc.constant("gitea"), giteaId: fc.constantFrom(null, "gt-1"), giteaOwner: fc.constant("acme"), giteaRepository: fc.constant("api"), giteaBranch: branch, giteaBuildPath: fc.constantFrom("/", "/y"), ...common }),
);

/** Build columns: the type plus companions of every type (Dokploy keeps the others when the type changes). */
const build = fc.record({
  buildType: fc.constantFrom("dockerfile", "nixpacks", "heroku_buildpacks", "paketo_buildpacks", "static", "railpack"),
  dockerfile: fc.constantFrom("Dockerfile", "deploy/Dockerfile"),
  dockerContextPath: fc.constantFrom(null, "", ".", "./ctx"),
  dockerBuildStage: fc.constantFrom(null, "", "runtime"),
  publishDirectory: fc.constantFrom(null, "", "dist"),
  isStaticSpa: fc.constantFrom(null, true, false),
  herokuVersion: fc.constantFrom("24", "22"),
  railpackVersion: fc.constantFrom("0.15.4", "0.9.0"),
});

const general = fc.record({
  command: fc.constantFrom(null, "", "npm", "python"),
  args: fc.constantFrom(null, [], ["-m", "worker"], ["start", "--port", "3000"]),
  replicas: fc.integer({ min: 0, max: 3 }),
  memoryLimit: fc.constantFrom(null, "536870912", "1073741824", "1000000000", "123456789"),
  memoryReservation: fc.constantFrom(null, "268435456"),
  cpuLimit: fc.constantFrom(null, "1000000000", "1500000000", "250000000", "123456789"),
  cpuReservation: fc.constantFrom(null, "500000000"),
  autoDeploy: fc.constantFrom(true, false, null),
});

/** A domain as generated, before ids and records. */
interface DomainDraft {
  host: string;
  path: string;
  port: number;
  https: boolean;
  certificateType: WorldDomain["certificateType"];
  internalPath: string;
  stripPath: boolean;
  recorded: boolean;
}

const domainFields = {
  host: fc.constantFrom("shop.example.com", "www.shop.example.com", "api.example.org", "a-b.example.net"),
  path: fc.constantFrom("/", "/api", "/v2/docs"),
  port: fc.constantFrom(80, 3000, 8080),
  https: fc.boolean(),
  certificateType: fc.constantFrom("none", "letsencrypt", "custom") as fc.Arbitrary<WorldDomain["certificateType"]>,
  internalPath: fc.constantFrom("/", "/internal"),
  stripPath: fc.boolean(),
  recorded: fc.boolean(),
};
const domainArb = fc.record(domainFields);
/** A compose domain names the compose service that receives the traffic. */
const stackDomainArb = fc.record({ ...domainFields, serviceName: fc.constantFrom("web", "app") });

const appArb = fc.record({
  name: fc.constantFrom("web", "api", "worker", "docs", "admin"),
  standing, description: text,
  status: fc.constantFrom("idle", "done", "error", "running") as fc.Arbitrary<WorldApp["status"]>,
  source, build, general,
  env: envMap, buildArgs: envMap, buildSecrets: secretMap,
  domains: fc.uniqueArray(domainArb, { selector: (d) => `${d.host}${d.path}`, maxLength: 2 }),
  children: childrenArb(false),
});

const composePath = fc.constantFrom("./docker-compose.yml", "./deploy/compose.yml");
/** A stack's source columns: raw YAML, or a git provider's (without build paths) plus composePath. */
const stackSource = fc.oneof(
  fc.record({ sourceType: fc.constant("raw"), composeFile: fc.constantFrom("services:\n  web:\n    image: nginx:1.27\n", "services:\n  app:\n    image: ghcr.io/acme/app:1\n    environment:\n      TOKEN: ${TOKEN}\n", "") }),
  fc.record({ sourceType: fc.constant("github"), owner: fc.constant("acme"), repository: fc.constant("stack"), branch, githubId: fc.constantFrom(null, "gh-app-1"), triggerType: fc.constantFrom("push", "tag"), composePath, ...common }),
  fc.record({ sourceType: fc.constant("git"), customGitUrl: fc.constant("https://git.example.com/ops/stack.git"), customGitBranch: branch, customGitSSHKeyId: fc.constantFrom(null, "ssh-key-1"), composePath, ...common }),
  fc.record({ sourceType: fc.constant("gitlab"), gitlabOwner: fc.constant("acme"), gitlabRepository: fc.constant("stack"), gitlabBranch: branch, gitlabProjectId: fc.constantFrom(null, 7), composePath, ...common }),
  fc.record({ sourceType: fc.constant("bitbucket"), bitbucketOwner: fc.constant("acme"), bitbucketRepository: fc.constant("stack"), bitbucketBranch: branch, composePath, ...common }),
  fc.record({ sourceType: fc.constant("gitea"), giteaOwner: fc.constant("acme"), giteaRepository: fc.constant("stack"), giteaBranch: branch, composePath, ...common }),
);

const stackArb = fc.record({
  name: fc.constantFrom("stack", "chatwoot", "monitoring"),
  standing, description: text,
  status: fc.constantFrom("idle", "done") as fc.Arbitrary<WorldStack["status"]>,
  source: stackSource,
  general: fc.record({
    composeType: fc.constantFrom("docker-compose", "stack"),
    command: fc.constantFrom("", "compose -p app -f docker-compose.yml up -d"),
    autoDeploy: fc.constantFrom(true, false, null),
    isolatedDeployment: fc.boolean(),
  }),
  env: envMap,
  /** Ours: the marker records `deleteVolumes` (from a manifest's delete-volumes annotation). */
  deleteVolumes: fc.boolean(),
  domains: fc.uniqueArray(stackDomainArb, { selector: (d) => `${d.host}${d.path}`, maxLength: 2 }),
  children: childrenArb(true),
});

const envArb = (compose: boolean) => fc.record({
  name: fc.constantFrom("production", "staging", "qa"),
  standing, description: fc.option(text, { nil: null }), env: envMap,
  apps: fc.uniqueArray(appArb, { selector: (a) => a.name, maxLength: 3 }),
  stacks: fc.uniqueArray(stackArb, { selector: (c) => c.name, maxLength: compose ? 2 : 0 }),
  databases: fc.uniqueArray(fc.record({ db: databaseArb, standing, env: envMap }), { selector: (d) => d.db.name, maxLength: 2 }),
  links: fc.array(linkArb, { maxLength: 3 }),
});

const projectArb = (compose: boolean) => fc.record({
  name: fc.constantFrom("shop", "blog", "crm", "ops-tools"),
  standing, description: text, env: envMap,
  environments: fc.uniqueArray(envArb(compose), { selector: (e) => e.name, maxLength: 3 }),
});

/** A random world: 1 or 2 projects with everything in them; compose stacks when the simulator serves compose. */
export const worldArb = (options: { compose: boolean }): fc.Arbitrary<World> => fc.uniqueArray(projectArb(options.compose), { selector: (p) => p.name, minLength: 1, maxLength: 2 }).map((projects) => {
  let n = 0;
  // One route per host and path in the whole world: manifests refuse two (Traefik would route only one).
  const routes = new Set<string>();
  const firstRoute = (d: { host: string; path: string }): boolean => !routes.has(`${d.host}${d.path}`) && Boolean(routes.add(`${d.host}${d.path}`));
  const id = (prefix: string): string => `${prefix}-${++n}`;
  const toDomain = (d: DomainDraft, i: number, owner: Standing): WorldDomain => ({
    id: id("dom"), host: d.host, path: d.path, port: d.port, https: d.https, certificateType: d.certificateType,
    customCertResolver: d.certificateType === "custom" ? "myresolver" : null, internalPath: d.internalPath, stripPath: d.stripPath,
    ...(d.recorded && (owner === "owned" || owner === "orphan") ? { recordedAs: `route-${i}` } : {}),
  });
  return {
    projects: projects.map((p) => ({
      id: id("prj"), name: p.name, standing: p.standing, description: p.description, env: p.env,
      environments: p.environments.map((e) => {
        const envStanding = below(p.standing, e.standing);
        const environment: WorldEnvironment = {
          id: id("env"), name: e.name, standing: envStanding, description: e.description, env: e.env,
          apps: e.apps.map((a) => {
            const appStanding = below(envStanding, a.standing);
            const { sourceType, ...sourceColumns } = a.source;
            return {
              id: id("app"), name: a.name, standing: appStanding, description: a.description, status: a.status,
              columns: { sourceType, ...sourceColumns, ...a.build, ...a.general },
              env: a.env, buildArgs: a.buildArgs, buildSecrets: a.buildSecrets,
              domains: a.domains.filter(firstRoute).map((d, i) => toDomain(d, i, appStanding)),
              children: worldChildren(a.children, appStanding === "owned" || appStanding === "orphan", id),
            };
          }),
          stacks: e.stacks.map((c) => {
            const stackStanding = below(envStanding, c.standing);
            return {
              id: id("cmp"), name: c.name, standing: stackStanding, description: c.description, status: c.status,
              columns: { ...c.source, ...c.general, ...(c.deleteVolumes ? { deleteVolumes: true } : {}) },
              env: c.env,
              domains: c.domains.filter(firstRoute).map((d, i) => ({ ...toDomain(d, i, stackStanding), serviceName: d.serviceName })),
              children: worldChildren(c.children, stackStanding === "owned" || stackStanding === "orphan", id),
            };
          }),
          databases: e.databases.map((d) => {
            const dbStanding = below(envStanding, d.standing);
            return { ...worldDatabase(d.db, dbStanding, d.env, id), standing: dbStanding };
          }),
        };
        linkServices(p, environment, e.links);
        return environment;
      }),
    })),
  };
});

/** A map of variables as Dokploy stores them. */
export const dotenv = (m: Record<string, string>): string => renderDotenv(Object.entries(m));

/** The description an object carries for its standing (`key` is its manifest key). */
function describeAs(s: Standing, text: string, key: string, id: string | undefined, extra: Partial<Marker> = {}): string {
  const marker = (m: Marker): string => renderDescription(text, m);
  switch (s) {
    case "free":
      return text;
    case "owned":
      return marker({ v: 1, instance: "default", key, ...(id ? { id } : {}), ...extra });
    case "orphan":
      return marker({ v: 1, instance: "default", key, ...(id ? { id } : {}), policy: "orphan", ...extra });
    case "foreign":
      return marker({ v: 1, instance: "other", key, id: id ?? "elsewhere" });
    case "copied":
      return marker({ v: 1, instance: "default", key, id: "the-original" });
    case "malformed":
      return `${text}\n\ndokploy-gitops:managed {not json`;
  }
}

function seedApp(p: WorldProject, e: WorldEnvironment, a: WorldApp): SeedApplication {
  return {
    ...a.columns,
    applicationId: a.id, name: a.name, appName: `${p.name}-${e.name}-${a.name}`,
    description: describeAs(a.standing, a.description, `Application/${p.name}/${e.name}/${a.name}`, a.id, mergeRecords(recordsOf(a.domains), childRecords(a.children))),
    applicationStatus: a.status,
    env: dotenv(a.env), buildArgs: dotenv(a.buildArgs), buildSecrets: dotenv(a.buildSecrets),
    domains: a.domains.map(seedDomain),
    ...seedChildren(a.children),
  };
}

const seedDomain = (d: WorldDomain): SeedDomain => ({
  domainId: d.id, host: d.host, path: d.path, port: d.port, https: d.https, certificateType: d.certificateType,
  customCertResolver: d.customCertResolver, internalPath: d.internalPath, stripPath: d.stripPath,
});

/** Domain and child records together (a stale domain record joins the live ones). */
function mergeRecords(domains: Partial<Marker>, children: Partial<Marker>): Partial<Marker> {
  const merged = { ...domains, ...children };
  if (domains.domains || children.domains) merged.domains = { ...domains.domains, ...children.domains };
  return merged;
}

/** The domain records an owned service's marker carries. */
function recordsOf(domains: readonly WorldDomain[]): Partial<Marker> {
  const records: Record<string, DomainRecord> = {};
  for (const d of domains) if (d.recordedAs) records[d.recordedAs] = { host: d.host, path: d.path, id: d.id };
  return Object.keys(records).length > 0 ? { domains: records } : {};
}

/** A compose stack as the seed takes it (the simulator's `SeedCompose`, when it serves compose). */
function seedStack(p: WorldProject, e: WorldEnvironment, c: WorldStack): { name: string } & Record<string, unknown> {
  const { deleteVolumes, ...columns } = c.columns;
  const extra: Partial<Marker> = { ...mergeRecords(recordsOf(c.domains), childRecords(c.children)), ...(deleteVolumes ? { deleteVolumes: true as const } : {}) };
  return {
    ...columns, composeId: c.id, name: c.name, appName: `${p.name}-${e.name}-${c.name}`,
    description: describeAs(c.standing, c.description, `Compose/${p.name}/${e.name}/${c.name}`, c.id, extra),
    env: dotenv(c.env),
    domains: c.domains.map((d) => ({ ...seedDomain(d), serviceName: d.serviceName })),
  };
}

/** Puts `world` into `sim` as the UI would have made it (a stack that is not idle is deployed once). */
export async function seedWorld(sim: SimulatorHandle, world: World): Promise<void> {
  const data: SeedData = {
    destinations: WORLD_DESTINATIONS.map((d) => ({ ...d })),
    projects: world.projects.map((p) => ({
      projectId: p.id, name: p.name, description: describeAs(p.standing, p.description, `Project/${p.name}`, p.id), env: dotenv(p.env),
      environments: p.environments.map((e) => ({
        ...(e.name === "production" ? {} : { environmentId: e.id }),
        name: e.name,
        ...(e.description === null && e.standing === "free" ? {} : { description: describeAs(e.standing, e.description ?? "", `Environment/${p.name}/${e.name}`, e.id) }),
        env: dotenv(e.env),
        applications: e.apps.map((a) => seedApp(p, e, a)),
        ...(e.stacks.length > 0 ? { compose: e.stacks.map((c) => seedStack(p, e, c)) } : {}),
        databases: e.databases.map((d) => seedDatabase(d,
          describeAs(d.standing, d.description, `${DATABASE_KIND_NAMES[d.kind]}/${p.name}/${e.name}/${d.name}`, d.id, backupRecords(d)),
          `${p.name}-${e.name}-${d.kind}-${d.name}`, dotenv(d.env))),
      })),
    })),
  };
  // A compose stack's children go in flat (the seed nests them under applications only).
  const stacks = world.projects.flatMap((p) => p.environments.flatMap((e) => e.stacks));
  data.mounts = stacks.flatMap((c) => c.children.mounts.map((m) => ({ ...seedMount(m), serviceId: c.id, serviceType: "compose" as const }))) as SeedData["mounts"];
  data.schedules = stacks.flatMap((c) => c.children.schedules.map((s) => ({ ...seedSchedule(s), composeId: c.id }))) as SeedData["schedules"];
  // A database's mounts and volume backups go in flat as well.
  const databases = world.projects.flatMap((p) => p.environments.flatMap((e) => e.databases));
  data.mounts = [...(data.mounts ?? []), ...databases.flatMap((d) => d.children.mounts.map((m) => ({ ...seedMount(m), serviceId: d.id, serviceType: d.kind })))] as SeedData["mounts"];
  data.volumeBackups = databases.flatMap((d) => volumeBackupsOf(d.children).map((b) => ({ ...seedVolumeBackup(b), serviceId: d.id, serviceType: d.kind }))) as SeedData["volumeBackups"];
  data.volumeBackups = [...data.volumeBackups!, ...stacks.flatMap((c) => volumeBackupsOf(c.children).map((b) => ({ ...seedVolumeBackup(b), serviceId: c.id, serviceType: "compose" as const })))] as SeedData["volumeBackups"];
  const result = sim.control.seed(data);
  for (const p of world.projects) {
    for (const e of p.environments) {
      if (e.name === "production") {
        // Its id is Dokploy's (made with the project): a marker naming it is written afterwards.
        e.id = result.ids[`${p.name}/production`]!;
        if (e.standing !== "free" || e.description !== null) {
          sim.control.update("environment", e.id, { description: describeAs(e.standing, e.description ?? "", `Environment/${p.name}/${e.name}`, e.id) });
        }
      }
      for (const a of e.apps) {
        if (a.status === "idle") continue;
        // Not idle: it was deployed (an adopted running service is not deployed again).
        sim.control.seed({ deployments: [{ applicationId: a.id, title: "Deployed from the UI", status: a.status === "running" ? "running" : a.status }] });
      }
      for (const c of e.stacks) if (c.status !== "idle") await api(sim, "POST", "compose.deploy", { composeId: c.id });
    }
  }
  await sim.control.idle(10_000);
}
