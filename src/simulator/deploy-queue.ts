/**
 * Builds as Dokploy runs them: one in-memory queue per server
 * (apps/dokploy/server/queues/in-memory-queue.ts) shared by application and
 * compose deploys, at most `buildsConcurrency` jobs at once (Dokploy's default
 * is 1), one at a time and in order per service, the next job always the first
 * waiting one whose service is not building. `deploy` only enqueues. A job
 * starts after a short queue delay, sets the service `running`, trims its
 * history to ten rows and only then inserts the deployment row
 * (packages/server/src/services/deployment.ts `createDeployment`,
 * `createDeploymentCompose`); after the build it ends `done` or `error` (with
 * `errorMessage` left null: the reason is only in the log file), and a `deploy`
 * (not a `redeploy`) of a git source gets a commit message as its title
 * (`deployApplication`/`deployCompose`'s `finally`). Jobs are timers: cleared
 * on close, lost on restart, as Dokploy's queue is. Finished jobs leave the
 * queue at once (`deployment.queueList` lists only waiting and active ones).
 */
import { parse } from "yaml";
import { globMatch } from "./glob.ts";
import { deploymentRow } from "./rows.ts";
import type { Store } from "./store.ts";
import type { ApplicationRecord, ComposeRecord, FailDeploysRule, Row } from "./types.ts";

/** What a job deploys. */
export type DeployTarget = { applicationId: string } | { composeId: string };

/** One queued deploy. */
export type DeployJob = DeployTarget & {
  type: "deploy" | "redeploy";
  title: string;
  description: string;
};

/**
 * The job a `deploy`/`redeploy` call queues: the caller's title and
 * description, or the router's defaults (`titleLog: input.title || "Manual deployment"`).
 */
export function jobFor(target: DeployTarget, type: DeployJob["type"], input: Record<string, unknown>, defaultTitle: string): DeployJob {
  return {
    ...target,
    type,
    title: (input.title as string | undefined) || defaultTitle,
    description: (input.description as string | undefined) || "",
  };
}

/** A job as `deployment.queueList` sees it. */
export interface QueuedJob {
  /** `job-<n>`, counted from the simulator's start. */
  id: string;
  job: DeployJob;
  /** Enqueued at (epoch ms). */
  timestamp: number;
  /** Started at (epoch ms), once active. */
  processedOn?: number;
  state: "waiting" | "active";
}

export interface DeployQueueOptions {
  /** How long the next build runs (drawn per job, so jitter and later changes apply). */
  durationMs: () => number;
  delayMs: number;
  /** Builds at once, read at every scheduling step (it can change while jobs wait). */
  concurrency: () => number;
  failRule: () => FailDeploysRule | undefined;
}

const COMMIT_MESSAGES = [
  "Update dependencies", "Fix typo in README", "Add health check endpoint", "Refactor config loading",
  "Bump version", "Improve error messages", "Merge pull request #42", "Tune build cache",
];
/** The branch column of each git source type (applications and compose share the names). */
export const BRANCH_COLUMN: Readonly<Record<string, string>> = {
  github: "branch", gitlab: "gitlabBranch", bitbucket: "bitbucketBranch", gitea: "giteaBranch", git: "customGitBranch",
};
/** Docker Swarm's service name check (moby/swarmkit `manager/controlapi/common.go` `validateAnnotations`). */
const SWARM_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;

/**
 * Whether Docker Swarm accepts `appName` as a service name: Dokploy's
 * `mechanizeDockerContainer` creates the service under the appName, so a name
 * Swarm refuses (over 63 characters, or with a dot) fails every deploy. The
 * appName Dokploy generates is `<input>-<6 characters>`, so an input of 57 or
 * more characters, which `application.create` accepts (max 63), can never deploy.
 */
export function isValidSwarmServiceName(appName: string): boolean {
  return appName.length <= 63 && SWARM_NAME.test(appName);
}

/**
 * Old deployments kept per service when a job starts (Dokploy's
 * `removeLastTenDeployments`, which runs before the insert: at most eleven rows).
 */
export const DEPLOYMENT_RETENTION = 10;

/** The `services` mapping of a compose file; undefined when the text is not a compose file at all. */
export function composeServices(composeFile: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = parse(composeFile);
  } catch {
    return undefined;
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (typeof services !== "object" || services === null || Array.isArray(services)) return undefined;
  return services as Record<string, unknown>;
}

/** The `image:` values of a compose file (for the fail rule); undefined when it is not a compose file. */
export function composeImages(composeFile: string): string[] | undefined {
  const services = composeServices(composeFile);
  if (!services) return undefined;
  return Object.values(services).flatMap((s) => {
    const image = (s as { image?: unknown } | null)?.image;
    return typeof image === "string" ? [image] : [];
  });
}

/** Whether a deploy of `service` fails under `rule`: its image (or a compose file's) or its branch matches. */
export function matchesFailRule(rule: FailDeploysRule | undefined, images: readonly string[], service: Row): boolean {
  if (!rule) return false;
  if (rule.imagePattern && images.some((image) => globMatch(rule.imagePattern!, image))) return true;
  const column = BRANCH_COLUMN[String(service.sourceType)];
  const branch = column ? service[column] : undefined;
  return Boolean(rule.branchPattern && typeof branch === "string" && globMatch(rule.branchPattern, branch));
}

interface Waiter {
  resolve: () => void;
}

interface Entry extends QueuedJob {
  group: string;
  readyAt: number;
}

const groupOf = (t: DeployTarget): string => ("composeId" in t ? `compose:${t.composeId}` : `application:${t.applicationId}`);

/** The server's build queue. */
export class DeployQueue {
  readonly #store: Store;
  readonly #opts: DeployQueueOptions;
  #waiting: Entry[] = [];
  readonly #active = new Map<string, Entry>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #waiters: Waiter[] = [];
  #seq = 0;
  #closed = false;

  constructor(store: Store, opts: DeployQueueOptions) {
    this.#store = store;
    this.#opts = opts;
  }

  /** Adds a job; it starts after the queue delay once a build slot and its service are free. */
  enqueue(job: DeployJob): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#waiting.push({ id: `job-${++this.#seq}`, job, group: groupOf(job), timestamp: now, readyAt: now + this.#opts.delayMs, state: "waiting" });
    this.#later(this.#opts.delayMs, () => this.#pump());
  }

  /** Drops the waiting jobs of a service (Dokploy's `cleanQueuesByApplication`/`ByCompose`); a running one goes on. */
  dropWaiting(target: DeployTarget): void {
    const group = groupOf(target);
    this.#waiting = this.#waiting.filter((e) => e.group !== group);
    this.#notify();
  }

  /** Waiting jobs in queue order, then active ones in start order (copies), as Dokploy's `getJobs` lists them. */
  jobs(): QueuedJob[] {
    return [...this.#waiting, ...this.#active.values()]
      .map(({ id, job, timestamp, processedOn, state }) => ({ id, job: { ...job }, timestamp, state, ...(processedOn !== undefined ? { processedOn } : {}) }));
  }

  /** Queued jobs plus running ones. */
  get busy(): number {
    return this.#waiting.length + this.#active.size;
  }

  /** Re-reads the concurrency (after a settings change) and starts what may start. */
  reschedule(): void {
    this.#pump();
  }

  /** Resolves when nothing is queued or running; rejects after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`simulator: deploy queue still busy after ${timeoutMs} ms (${this.busy} jobs queued or running)`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Drops every job and timer. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#waiting = [];
    this.#active.clear();
    this.#notify();
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #notify(): void {
    if (this.busy > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
  }

  #pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    let nextReady = Number.POSITIVE_INFINITY;
    const busyGroups = new Set([...this.#active.values()].map((e) => e.group));
    const concurrency = Math.max(1, this.#opts.concurrency());
    for (let i = 0; i < this.#waiting.length && this.#active.size < concurrency; ) {
      const entry = this.#waiting[i]!;
      if (busyGroups.has(entry.group)) {
        i++;
        continue;
      }
      if (entry.readyAt > now) {
        // Timers may fire a millisecond before Date.now() catches up: look again when it is due.
        nextReady = Math.min(nextReady, entry.readyAt);
        busyGroups.add(entry.group); // FIFO per service: nothing of its group may overtake it
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      if (this.#start(entry, now)) busyGroups.add(entry.group);
    }
    if (nextReady !== Number.POSITIVE_INFINITY) this.#later(Math.max(1, nextReady - now), () => this.#pump());
    this.#notify();
  }

  /** Starts a job; false when its service was deleted while it waited. */
  #start(entry: Entry, now: number): boolean {
    const { job } = entry;
    const store = this.#store;
    const service: ApplicationRecord | ComposeRecord | undefined =
      "composeId" in job ? store.services.compose.get(job.composeId) : store.applications.get(job.applicationId);
    if (!service) return false;
    entry.state = "active";
    entry.processedOn = now;
    this.#active.set(entry.id, entry);
    const isCompose = "composeId" in job;
    const id = isCompose ? job.composeId : job.applicationId;
    if (isCompose) store.patch("compose", id, { composeStatus: "running" });
    else store.patch("application", id, { applicationStatus: "running" });
    const old = isCompose ? store.composeDeploymentsOf(id) : store.deploymentsOf(id);
    for (const d of old.slice(0, Math.max(0, old.length - DEPLOYMENT_RETENTION))) store.removeDeployment(d.deploymentId);
    const at = store.now();
    const appName = String(service.appName);
    const row = store.insertDeployment(
      deploymentRow({
        deploymentId: store.random.id(),
        title: job.title,
        description: job.description,
        status: "running",
        applicationId: isCompose ? null : id,
        composeId: isCompose ? id : null,
        // Dokploy: `${LOGS_PATH}/<appName>/<appName>-yyyy-MM-dd:HH:mm:ss.log`
        logPath: `/etc/dokploy/logs/${appName}/${appName}-${at.slice(0, 10)}:${at.slice(11, 19)}.log`,
        createdAt: at,
        startedAt: at,
      }),
    );
    this.#later(this.#opts.durationMs(), () => {
      this.#active.delete(entry.id);
      this.#finish(job, row.deploymentId);
      this.#pump();
    });
    return true;
  }

  #finish(job: DeployJob, deploymentId: string): void {
    const store = this.#store;
    const isCompose = "composeId" in job;
    const service = isCompose ? store.services.compose.get(job.composeId) : store.applications.get(job.applicationId);
    const row = store.deployments.get(deploymentId);
    if (!service || !row) return;
    const failed = isCompose ? this.#composeFails(service) : this.#applicationFails(service as ApplicationRecord);
    // `updateDeploymentStatus` sets only these two; `errorMessage` is written only when inserting the row fails.
    const patch: Record<string, unknown> = { status: failed ? "error" : "done", finishedAt: store.now() };
    const gitSource = isCompose ? service.sourceType !== "raw" : service.sourceType !== "docker";
    if (job.type === "deploy" && gitSource) {
      patch.title = COMMIT_MESSAGES[Math.floor(store.random.next() * COMMIT_MESSAGES.length)];
      patch.description = `Commit: ${store.random.commitHash()}`;
    }
    Object.assign(row, patch);
    if (isCompose) {
      store.patch("compose", job.composeId, { composeStatus: failed ? "error" : "done" });
      if (!failed) store.services.deployed.add(job.composeId);
    } else {
      store.patch("application", job.applicationId, { applicationStatus: failed ? "error" : "done" });
    }
  }

  #applicationFails(app: ApplicationRecord): boolean {
    if (!isValidSwarmServiceName(app.appName)) return true;
    const image = typeof app.dockerImage === "string" ? [app.dockerImage] : [];
    return matchesFailRule(this.#opts.failRule(), image, app);
  }

  /** A raw compose file that is not a compose file fails, as `docker compose up` would. */
  #composeFails(compose: Row): boolean {
    const images = compose.sourceType === "raw" ? composeImages(String(compose.composeFile)) : [];
    if (!images) return true;
    return matchesFailRule(this.#opts.failRule(), images, compose);
  }
}
