/**
 * Observing Dokploy: the live state the planner needs, at the cost Dokploy's
 * API forces and no more: `project.all`, one `project.one` per project in
 * scope (ours, or named by a manifest), and one `*.one` per service (of
 * every service kind in the registry) that is ours or that a manifest adopts.
 * Nothing outside the manifests' projects is read in detail.
 *
 * Reads go through a `LiveReads`, which remembers each read of the pass. The
 * daemon uses that to read ahead: when a pass starts it begins reading with
 * the scope the previous revision needed, while git fetches and the manifests
 * load; the observation proper then reuses those answers and reads only what
 * the new revision adds. The reads are the pass's own (started after its
 * trigger), so nothing older than the pass is planned against; what was read
 * ahead but is out of the new scope is left out, so the observed state is
 * exactly what a cold observation would return.
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { ApplicationDetail, ProjectDetail, ProjectRow } from "../dokploy/types.ts";
import type { DesiredState } from "../model/manifest.ts";
import type { ObservedApplication, ObservedEnvironment, ObservedProject, ObservedService, ObservedState } from "../model/observed.ts";
import { DEFAULT_ENVIRONMENT, resourceKey } from "../model/resource.ts";
import { SERVICE_KINDS, childKindsOf, serviceModule } from "../kinds/registry.ts";
import { desiredEntries } from "../kinds/child-list.ts";
import type { ChildListKind, ServiceDetail, ServiceKind } from "../kinds/types.ts";
import { isClaimed } from "../plan/match.ts";
import { ownershipOf } from "../model/marker.ts";
import { deploymentRouter, type QueueJobData } from "../dokploy/routers/deployment.ts";
import { destinationRouter } from "../dokploy/routers/destination.ts";
import { mapConcurrent } from "../util/concurrency.ts";

/** The service a queued job deploys; nothing when the job is malformed (the queue is read defensively). */
function queuedServiceId(data: Partial<QueueJobData> | undefined): string[] {
  const id = data && "composeId" in data ? data.composeId : data && "applicationId" in data ? data.applicationId : undefined;
  return typeof id === "string" ? [id] : [];
}

/** Id columns of the `project.one` service lists of kinds the tool does not manage (they only block a prune). */
const UNMANAGED_ID: Readonly<Record<string, string>> = {
  postgres: "postgresId", mysql: "mysqlId", mariadb: "mariadbId", mongo: "mongoId", redis: "redisId", libsql: "libsqlId", compose: "composeId",
};

export interface ObserveOptions {
  instance: string;
  concurrency: number;
}

/** What a revision needs read beyond this instance's own objects. */
export interface ObserveScope {
  /** Projects named by a manifest (read in detail even when not ours). */
  projects: ReadonlySet<string>;
  /** Services a manifest adopts, by manifest key (`Application/shop/production/web`). */
  adopting: ReadonlySet<string>;
  /** True when a manifest declares a database backup: its destination is checked by name (`destination.all`). */
  destinations?: boolean;
  /**
   * Child lists that are not part of their service's `one` answer (schedules)
   * and that a manifest declares, as `<field>|<service key>`: each costs one
   * call per service, made only for these and for lists a marker records.
   */
  listing: ReadonlySet<string>;
  /**
   * `export`: every project in `projects` (every project when it is empty)
   * and every service in them are read in detail, whoever owns them, with
   * every child list read by a call of its own (`schedule.list`).
   */
  everything?: boolean;
}

/** No manifests known yet: read only what is ours. */
export const OWN_SCOPE: ObserveScope = Object.freeze({ projects: new Set<string>(), adopting: new Set<string>(), listing: new Set<string>() });

/** The scope of a revision's desired state. */
export function scopeOf(desired: DesiredState): ObserveScope {
  return {
    projects: new Set(desired.manifests.filter((m) => m.kind === "Project").map((m) => m.metadata.name)),
    adopting: new Set(desired.manifests.filter((m) => m.adopt && serviceModule(m.kind)).map((m) => m.key)),
    destinations: desired.manifests.some((m) => ((m.spec as { backups?: unknown[] }).backups ?? []).length > 0 ||
      childKindsOf(m.kind).some((c) => c.usesDestinations && (desiredEntries(c, m.spec)?.length ?? 0) > 0)),
    // A list of its own is read where declared; a derived one (volume backups) where it has an entry.
    listing: new Set(desired.manifests.flatMap((m) => childKindsOf(m.kind)
      .filter((c) => c.listSeparately && (c.entries ? (desiredEntries(c, m.spec)?.length ?? 0) > 0 : desiredEntries(c, m.spec) !== undefined))
      .map((c) => `${c.field}|${m.key}`))),
  };
}

/** What `export` reads: the named projects (all when none is named), everything in them. */
export function exportScope(projects: readonly string[]): ObserveScope {
  return { projects: new Set(projects), adopting: new Set(), listing: new Set(), everything: true, destinations: true };
}

/** Reads the live state of `scope` (`export` uses it with `exportScope`). */
export function observeScoped(api: DokployApi, scope: ObserveScope, options: ObserveOptions): Promise<ObservedState> {
  return observeScope(new LiveReads(api, options), scope);
}

/** Keeps a promise from being reported as an unhandled rejection while nobody awaits it yet; awaiting it still throws. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * The reads of one pass, each made at most once: a second request for the
 * same object (the observation after a read-ahead) gets the first one's
 * answer, or waits for it while it is in flight. One per pass, never kept
 * across passes (its answers are only as fresh as the pass).
 */
export class LiveReads {
  readonly api: DokployApi;
  readonly options: ObserveOptions;
  #all: Promise<ProjectRow[]> | undefined;
  readonly #projects = new Map<string, Promise<ProjectDetail>>();
  readonly #applications = new Map<string, Promise<ApplicationDetail>>();
  readonly #services = new Map<string, Promise<ServiceDetail>>();
  readonly #lists = new Map<string, Promise<unknown[]>>();
  #queue: Promise<string[] | undefined> | undefined;
  #destinations: Promise<Array<{ destinationId: string; name: string }>> | undefined;
  readonly #remember: ((scope: ObserveScope) => void) | undefined;
  #ahead: AbortController | undefined;
  #reused = 0;

  /** `remember` hears the scope each observation needed (the daemon reads ahead with it next pass). */
  constructor(api: DokployApi, options: ObserveOptions, remember?: (scope: ObserveScope) => void) {
    this.api = api;
    this.options = options;
    this.#remember = remember;
  }

  /** Reads answered from an earlier read of this pass (the read-ahead's worth). */
  get reused(): number {
    return this.#reused;
  }

  projectAll(): Promise<ProjectRow[]> {
    if (this.#all) this.#reused++;
    return (this.#all ??= held(this.api.projectAll()));
  }

  projectOne(projectId: string): Promise<ProjectDetail> {
    return this.#once(this.#projects, projectId, () => this.api.projectOne({ projectId }));
  }

  applicationOne(applicationId: string): Promise<ApplicationDetail> {
    return this.#once(this.#applications, applicationId, () => this.api.applicationOne({ applicationId }));
  }

  /**
   * The services with a job in Dokploy's build queue (`deployment.queueList`,
   * Dokploy v0.30.2 apps/dokploy/server/api/routers/deployment.ts), or
   * undefined when the queue cannot be read (an older Dokploy, a key without
   * the permission): the planner then falls back to a bounded grace.
   */
  queueList(): Promise<string[] | undefined> {
    return (this.#queue ??= held(
      this.api.call(deploymentRouter.queueList, {}).then(
        (jobs) => (Array.isArray(jobs) ? jobs : []).flatMap((j) => queuedServiceId(j.data)),
        () => undefined,
      ),
    ));
  }

  /** Dokploy's backup destinations, names and ids only (the answer's keys are dropped by the client). */
  destinations(): Promise<Array<{ destinationId: string; name: string }>> {
    return (this.#destinations ??= held(
      this.api.call(destinationRouter.all, {}).then((rows) => rows.map((d) => ({ destinationId: d.destinationId, name: d.name }))),
    ));
  }

  /** A service of another kind than Application (`compose.one`, ...). */
  serviceOne(kind: ServiceKind, id: string): Promise<ServiceDetail> {
    return this.#once(this.#services, `${kind.kind}/${id}`, () => kind.read(this.api, id));
  }

  /** The live entries of a child list read by a call of its own (`schedule.list`). */
  childList(kind: ChildListKind, parentKind: string, id: string): Promise<unknown[]> {
    return this.#once(this.#lists, `${kind.field}/${id}`, () => kind.list(this.api, { kind: parentKind as ServiceKind["kind"], id }));
  }

  #once<T>(memo: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> {
    const known = memo.get(id);
    if (known) {
      this.#reused++;
      return known;
    }
    const p = held(read());
    memo.set(id, p);
    return p;
  }

  /**
   * Starts reading `scope` in the background (the previous revision's, while
   * this one is fetched). Failures are left for `observe` to meet, if it
   * needs the same read. Stopped by `stopReadingAhead`, `observe` or `signal`.
   */
  readAhead(scope: ObserveScope, signal?: AbortSignal): void {
    const ahead = new AbortController();
    this.#ahead = ahead;
    signal?.addEventListener("abort", () => ahead.abort(), { once: true });
    observeScope(this, scope, ahead.signal).catch(() => undefined);
  }

  /** No more reads ahead (reads in flight finish; their answers stay usable). */
  stopReadingAhead(): void {
    this.#ahead?.abort();
    this.#ahead = undefined;
  }

  /** The live state for `desired`, reusing this pass's earlier reads. */
  observe(desired: DesiredState): Promise<ObservedState> {
    this.stopReadingAhead();
    const scope = scopeOf(desired);
    this.#remember?.(scope);
    return observeScope(this, scope);
  }
}

/**
 * The daemon's read-ahead across passes: each pass starts reading with the
 * scope the previous revision needed (only its own objects before the first
 * revision is loaded). Keeps the scope, never the answers.
 */
export class ReadAhead {
  #scope: ObserveScope = OWN_SCOPE;

  /** A new pass's reads, already reading ahead until `signal` aborts or the observation starts. */
  begin(api: DokployApi, options: ObserveOptions, signal?: AbortSignal): LiveReads {
    const reads = new LiveReads(api, options, (scope) => {
      this.#scope = scope;
    });
    reads.readAhead(this.#scope, signal);
    return reads;
  }
}

/** Reads the live state relevant to `desired` for this instance. */
export function observeDokploy(api: DokployApi, desired: DesiredState, options: ObserveOptions): Promise<ObservedState> {
  return new LiveReads(api, options).observe(desired);
}

/** The observation proper; with `signal`, stops starting reads once aborted (and then throws). */
async function observeScope(reads: LiveReads, scope: ObserveScope, signal?: AbortSignal): Promise<ObservedState> {
  const { instance, concurrency } = reads.options;
  const check = (): void => signal?.throwIfAborted();
  const all = await reads.projectAll();
  check();
  const inScope = scope.everything
    ? all.filter((p) => scope.projects.size === 0 || scope.projects.has(p.name))
    : all.filter((p) => scope.projects.has(p.name) || isClaimed({ id: p.projectId, name: p.name, description: p.description }, instance));
  const details = await mapConcurrent(inScope, concurrency, (p) => {
    check();
    return reads.projectOne(p.projectId);
  });
  const detailById = new Map(details.map((d) => [d.projectId, d]));

  const projects: ObservedProject[] = all.map((p) => {
    const d = detailById.get(p.projectId);
    return {
      projectId: p.projectId,
      name: p.name,
      description: p.description,
      env: p.env ?? "",
      environments: d ? d.environments.map(toEnvironment) : [],
      detailed: d !== undefined,
    };
  });

  const appsToRead: ObservedApplication[] = [];
  const servicesToRead: ObservedService[] = [];
  /** The keys a read service may be planned under (its marker's, or the adopting manifest's). */
  const keysOf = new Map<string, string[]>();
  for (const p of projects) {
    if (!p.detailed) continue;
    for (const e of p.environments) {
      const envName = e.isDefault ? DEFAULT_ENVIRONMENT : e.name;
      const keys = (kind: string, name: string): string[] =>
        [envName, e.name].map((environment) => resourceKey({ kind: kind as ServiceKind["kind"], project: p.name, environment, name }));
      const adopting = (kind: string, name: string): boolean => keys(kind, name).some((k) => scope.adopting.has(k));
      for (const a of e.applications) {
        const ours = isClaimed({ id: a.applicationId, name: a.name, description: a.description }, instance);
        if (ours || scope.everything || adopting("Application", a.name)) appsToRead.push(a);
        keysOf.set(a.applicationId, keys("Application", a.name));
      }
      for (const s of e.services) {
        if (!serviceModule(s.kind)) continue;
        if (scope.everything || isClaimed({ id: s.id, name: s.name, description: s.description }, instance) || adopting(s.kind, s.name)) servicesToRead.push(s);
        keysOf.set(s.id, keys(s.kind, s.name));
      }
    }
  }
  await Promise.all([
    mapConcurrent(appsToRead, concurrency, async (a) => {
      check();
      a.detail = await reads.applicationOne(a.applicationId);
      const lists = await readSeparateLists(reads, scope, "Application", a.applicationId, a.detail.description, keysOf.get(a.applicationId) ?? []);
      if (lists) a.children = lists;
    }),
    mapConcurrent(servicesToRead, concurrency, async (s) => {
      check();
      const detail = await reads.serviceOne(serviceModule(s.kind)!, s.id);
      const lists = await readSeparateLists(reads, scope, s.kind, s.id, detail.description, keysOf.get(s.id) ?? []);
      s.detail = lists ? { ...detail, children: { ...detail.children, ...lists } } : detail;
    }),
  ]);
  const observed: ObservedState = { projects };
  if (scope.destinations) observed.destinations = await reads.destinations();
  // Dokploy's build queue, read only when a deploy we queued is neither visibly running nor ended.
  const waiting = appsToRead.some((a) => a.detail && awaitingQueue(a.detail.description, a.detail.deployments, instance, a.applicationId)) ||
    servicesToRead.some((s) => s.detail && !serviceModule(s.kind)?.runDeploy && awaitingQueue(s.detail.description, s.detail.deployments, instance, s.id));
  if (waiting) {
    const queue = await reads.queueList();
    if (queue) observed.queue = queue;
  }
  return observed;
}

/**
 * The child lists of a service that its `one` answer does not carry
 * (schedules), read only when a manifest declares the list for the service
 * or its marker records entries of it (`export`: always, it writes every
 * entry): one call per such list and service.
 */
async function readSeparateLists(reads: LiveReads, scope: ObserveScope, kind: string, id: string, description: string | null, keys: string[]): Promise<ObservedApplication["children"]> {
  const o = ownershipOf(description, reads.options.instance, id);
  const marker = o.kind === "ours" || o.kind === "pending" ? o.marker : undefined;
  const candidates = marker ? [...keys, marker.key] : keys;
  const needed = childKindsOf(kind).filter((c) => c.listSeparately &&
    (scope.everything === true || candidates.some((k) => scope.listing.has(`${c.field}|${k}`)) || Object.keys(marker?.[c.field] ?? {}).length > 0));
  if (needed.length === 0) return undefined;
  const lists = await Promise.all(needed.map((c) => reads.childList(c, kind, id)));
  return Object.fromEntries(needed.map((c, i) => [c.field, lists[i]!]));
}

/** True when this instance's marker records a queued deploy that no deployment row shows yet. */
function awaitingQueue(description: string | null, deployments: ReadonlyArray<{ createdAt: string }>, instance: string, id: string): boolean {
  const o = ownershipOf(description, instance, id);
  const queuedAt = o.kind === "ours" ? o.marker.queuedAt : undefined;
  if (queuedAt === undefined) return false;
  const since = Date.parse(queuedAt);
  return !deployments.some((d) => Date.parse(d.createdAt) >= since);
}

function toEnvironment(e: ProjectDetail["environments"][number]): ObservedEnvironment {
  const services: ObservedService[] = [];
  const row = e as Record<string, unknown>;
  const managedLists = new Set<string>(["applications"]);
  for (const kind of SERVICE_KINDS) {
    if (kind.liveIn) continue; // applications: typed list below
    managedLists.add(kind.listField);
    for (const s of (Array.isArray(row[kind.listField]) ? row[kind.listField] : []) as Array<Record<string, unknown>>) {
      services.push({
        kind: kind.kind, id: String(s[kind.idField] ?? ""), name: String(s.name ?? ""), description: (s.description as string | null | undefined) ?? null,
        appName: String(s.appName ?? ""), status: String(s[kind.statusField] ?? ""),
      });
    }
  }
  for (const [list, idField] of Object.entries(UNMANAGED_ID)) {
    if (managedLists.has(list) || !Array.isArray(row[list])) continue;
    for (const s of row[list] as Array<Record<string, unknown>>) {
      services.push({ kind: list, id: String(s[idField] ?? ""), name: String(s.name ?? ""), description: (s.description as string | null | undefined) ?? null, appName: String(s.appName ?? ""), status: "" });
    }
  }
  return {
    environmentId: e.environmentId,
    name: e.name,
    description: e.description,
    env: e.env ?? "",
    isDefault: e.isDefault,
    applications: (e.applications ?? []).map((a) => ({
      applicationId: a.applicationId,
      name: a.name,
      description: a.description,
      appName: a.appName,
      applicationStatus: a.applicationStatus,
    })),
    services,
  };
}
