/**
 * Deploys as Dokploy runs them (apps/dokploy/server/api/routers/application.ts,
 * apps/dokploy/server/queues/*.ts, packages/server/src/services/deployment.ts): `application.deploy` only enqueues;
 * a job starts after a short queue delay, sets `applicationStatus: running`,
 * trims the application's history to ten rows and only then inserts the
 * deployment row; after the "build" it ends `done` (or `error` when the fail
 * rule matches, with `errorMessage` left null: the reason is only in the log
 * file), and for a `deploy` (not a `redeploy`) of a git source the row's title
 * becomes a commit message (`S/application.ts` `deployApplication` `finally`;
 * `rebuildApplication` has no such step). Per application the queue is FIFO, one job at a
 * time. Across applications the default is unlimited concurrency (a 1,000-app
 * benchmark would otherwise take 1,000 x build time); real Dokploy's
 * `buildsConcurrency` default is 1 per server, which `buildsConcurrency: 1`
 * reproduces. Jobs are timers: cleared on close, lost on restart, as Dokploy's
 * in-memory queue is.
 */
import { globMatch } from "./glob.ts";
import { deploymentRow } from "./rows.ts";
import type { Store } from "./store.ts";
import type { ApplicationRecord, FailDeploysRule } from "./types.ts";

/** One queued deploy. */
export interface DeployJob {
  applicationId: string;
  type: "deploy" | "redeploy";
  title: string;
  description: string;
}

export interface DeployQueueOptions {
  durationMs: number;
  delayMs: number;
  concurrency: number;
  failRule: () => FailDeploysRule | undefined;
}

const COMMIT_MESSAGES = [
  "Update dependencies", "Fix typo in README", "Add health check endpoint", "Refactor config loading",
  "Bump version", "Improve error messages", "Merge pull request #42", "Tune build cache",
];
const BRANCH_COLUMN: Record<string, string> = {
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
 * Old deployments kept per application when a job starts (Dokploy's
 * `removeLastTenDeployments`, which runs before the insert: at most eleven rows).
 */
export const DEPLOYMENT_RETENTION = 10;

interface Waiter {
  resolve: () => void;
}

/** The per-application FIFO deploy queue. */
export class DeployQueue {
  readonly #store: Store;
  readonly #opts: DeployQueueOptions;
  readonly #pending = new Map<string, Array<DeployJob & { readyAt: number }>>();
  readonly #running = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(store: Store, opts: DeployQueueOptions) {
    this.#store = store;
    this.#opts = opts;
  }

  /** Adds a job; it starts after the queue delay once its application has no job running. */
  enqueue(job: DeployJob): void {
    if (this.#closed) return;
    const list = this.#pending.get(job.applicationId) ?? [];
    list.push({ ...job, readyAt: Date.now() + this.#opts.delayMs });
    this.#pending.set(job.applicationId, list);
    this.#later(this.#opts.delayMs, () => this.#pump());
  }

  /** Queued jobs plus running ones. */
  get busy(): number {
    let n = this.#running.size;
    for (const list of this.#pending.values()) n += list.length;
    return n;
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
    this.#pending.clear();
    this.#running.clear();
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
    const now = Date.now();
    let nextReady = Number.POSITIVE_INFINITY;
    for (const [appId, list] of this.#pending) {
      if (this.#running.size >= this.#opts.concurrency) break;
      if (this.#running.has(appId)) continue;
      const head = list[0];
      if (!head) continue;
      if (head.readyAt > now) {
        // Timers may fire a millisecond before Date.now() catches up: look again when it is due.
        nextReady = Math.min(nextReady, head.readyAt);
        continue;
      }
      list.shift();
      if (list.length === 0) this.#pending.delete(appId);
      this.#start(head);
    }
    if (nextReady !== Number.POSITIVE_INFINITY) this.#later(Math.max(1, nextReady - now), () => this.#pump());
    this.#notify();
  }

  #start(job: DeployJob): void {
    const store = this.#store;
    const app = store.applications.get(job.applicationId);
    if (!app) return; // deleted while queued: Dokploy's cleanQueuesByApplication drops it
    this.#running.add(job.applicationId);
    store.patch("application", app.applicationId, { applicationStatus: "running" });
    const old = store.deploymentsOf(app.applicationId);
    for (const d of old.slice(0, Math.max(0, old.length - DEPLOYMENT_RETENTION))) store.removeDeployment(d.deploymentId);
    const at = store.now();
    const row = store.insertDeployment(
      deploymentRow({
        deploymentId: store.random.id(),
        title: job.title,
        description: job.description,
        status: "running",
        applicationId: app.applicationId,
        // Dokploy: `${LOGS_PATH}/<appName>/<appName>-yyyy-MM-dd:HH:mm:ss.log`
        logPath: `/etc/dokploy/logs/${app.appName}/${app.appName}-${at.slice(0, 10)}:${at.slice(11, 19)}.log`,
        createdAt: at,
        startedAt: at,
      }),
    );
    this.#later(this.#opts.durationMs, () => {
      this.#running.delete(job.applicationId);
      this.#finish(job, row.deploymentId);
      this.#pump();
    });
  }

  #finish(job: DeployJob, deploymentId: string): void {
    const store = this.#store;
    const app = store.applications.get(job.applicationId);
    const row = store.deployments.get(deploymentId);
    if (!app || !row) return;
    const failed = this.#shouldFail(app);
    // `updateDeploymentStatus` sets only these two; `errorMessage` is written only when inserting the row fails.
    const patch: Record<string, unknown> = { status: failed ? "error" : "done", finishedAt: store.now() };
    if (job.type === "deploy" && app.sourceType !== "docker") {
      patch.title = COMMIT_MESSAGES[Math.floor(store.random.next() * COMMIT_MESSAGES.length)];
      patch.description = `Commit: ${store.random.commitHash()}`;
    }
    Object.assign(row, patch);
    store.patch("application", app.applicationId, { applicationStatus: failed ? "error" : "done" });
  }

  #shouldFail(app: ApplicationRecord): boolean {
    if (!isValidSwarmServiceName(app.appName)) return true;
    const rule = this.#opts.failRule();
    if (!rule) return false;
    const image = app.dockerImage;
    if (rule.imagePattern && typeof image === "string" && globMatch(rule.imagePattern, image)) return true;
    const column = BRANCH_COLUMN[app.sourceType];
    const branch = column ? app[column] : undefined;
    return Boolean(rule.branchPattern && typeof branch === "string" && globMatch(rule.branchPattern, branch));
  }
}
