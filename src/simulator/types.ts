/**
 * Public types of the simulator: its options, the handle and test controls
 * other tests code against, and the shapes of its stored rows. Rows carry
 * every column Dokploy's tables have for the endpoints served
 * (packages/server/src/db/schema/*.ts), so a read-back looks like a real Dokploy's.
 */
import type { DestinationRow } from "../dokploy/routers/destination.ts";
import type { CronJobState } from "./cron-jobs.ts";
import type {
  ApplicationChildrenState, ChildRecordKind, ChildSeedResult, MountRecord, SeedChildData, SeedServiceChildren,
} from "./child-types.ts";

// ---- service children (issue 15): their rows and seeds live in child-types.ts ----
export type * from "./child-types.ts";

/** Options of {@link startSimulator}; every field has a test-friendly default. */
export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default: random. */
  apiKey?: string;
  /** Persist the store across restarts (atomic write: tmp file + rename), loaded at start. */
  statePath?: string;
  /** Seeds every random choice (appName suffixes, ids, fault dice) for reproducible runs. */
  seed?: number;
  /**
   * How long a queued build (application or compose deploy) runs. Default
   * 90 s, each build drawn within ±20% of it (seeded): a real build takes
   * minutes. An explicit duration is exact unless `deployJitter` is given.
   */
  deployDurationMs?: number;
  /** Spread of build durations, a fraction of the duration (0..1); see `deployDurationMs`. */
  deployJitter?: number;
  /**
   * How long a database `deploy` (synchronous in Dokploy: image pull and
   * service start) holds its request. Default 15 s (±20%, seeded); explicit: exact.
   */
  databaseDeployDurationMs?: number;
  /** Delay between enqueue and job start (default 20 ms). */
  queueDelayMs?: number;
  /**
   * Builds running at once on the server, applications and compose stacks
   * sharing one queue as in Dokploy (default 1, Dokploy's `buildsConcurrency`).
   * `"unlimited"` (or `Infinity`) for benchmarks that measure API cost alone.
   * Per service it is always one at a time, FIFO.
   */
  buildsConcurrency?: number | "unlimited";
  /** Builds and database deploys that match fail (glob patterns, `*` matches anything). */
  failDeploys?: FailDeploysRule;
  /** Fixed added latency on every API call (benchmarks model a real Dokploy with 5/20 ms). */
  latencyMs?: number;
  /** Debounce of state-file writes (default 50 ms). */
  persistDebounceMs?: number;
}

/**
 * Which deploys fail: a glob on the docker image (an application's, a
 * database's, or any `image:` of a raw compose file), or on the branch of a
 * git source (any provider's branch column, applications and compose).
 */
export interface FailDeploysRule {
  imagePattern?: string;
  branchPattern?: string;
}

/** A running simulator. */
export interface SimulatorHandle {
  /** e.g. http://127.0.0.1:43123 (no trailing slash); API at `${url}/api/...`. */
  url: string;
  apiKey: string;
  control: SimulatorControl;
  /** Stops the server; pending deploy timers cleared; flushes the state file. */
  close(): Promise<void>;
}

/** Build timing that can change while a simulator runs (`setBuilds`, `POST /__simulator/builds`). */
export interface BuildSettings {
  deployDurationMs?: number;
  deployJitter?: number;
  databaseDeployDurationMs?: number;
  buildsConcurrency?: number | "unlimited";
}

/** One fault-injection rule; the first matching rule that fires decides a call's fate. */
export interface FaultRule {
  /** Endpoint like "project.create", or a glob like "application.*"; default all API routes. */
  route?: string;
  /** Default both. */
  method?: "GET" | "POST";
  /** Added latency. */
  latencyMs?: number;
  /** 0..1: answer 500 INTERNAL_SERVER_ERROR in Dokploy's shape, WITHOUT performing the call. */
  errorRate?: number;
  /** 0..1: destroy the socket without answering, without performing the call. */
  resetRate?: number;
  /** 0..1: never answer (hold the socket until the client gives up), without performing. */
  timeoutRate?: number;
  /** 0..1: PERFORM the call, then destroy the socket instead of answering. */
  lostResponseRate?: number;
  /** After N successful calls (counting from when the rule is set), every call gets the bare 401. */
  unauthorizedAfter?: number;
  /** Apply the rule at most N times (each time it adds latency or fires a fault), then it expires. */
  count?: number;
}

/** One API call as the simulator saw it. */
export interface CallRecord {
  seq: number;
  method: string;
  path: string;
  /** The canonical `router.procedure`, or the raw path when nothing matched. */
  endpoint: string;
  status: number | "reset" | "timeout" | "lost";
  durationMs: number;
  at: string;
  /** Request input (JSON body or query object), for tests that check "no write". */
  body?: unknown;
}

/** Test controls, in-process (and over HTTP under `/__simulator/`). */
export interface SimulatorControl {
  /** Replaces the rules. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** Revoke/restore the key (401 everywhere while invalid). */
  setApiKeyValid(valid: boolean): void;
  /** The call log since start or the last resetCalls(). */
  calls(): CallRecord[];
  resetCalls(): void;
  /** Raw store access for tests: every project with environments and their services (all columns) and children. */
  state(): SimulatorState;
  /** Seed objects directly (bypassing the API), e.g. unowned look-alikes; returns the created ids. */
  seed(data: SeedData): SeedResult;
  /** Mutate an object behind the tool's back as a person in the UI would (partial column update by id). */
  update(kind: RecordKind, id: string, patch: Record<string, unknown>): void;
  /** Wait until no deploy job is queued or running (bounded by timeoutMs, default 10 s). */
  idle(timeoutMs?: number): Promise<void>;
  setFailDeploys(rule: FailDeploysRule | undefined): void;
  setLatency(ms: number): void;
  /** Changes the build timing of jobs started from now on (a running one keeps its duration). */
  setBuilds(settings: BuildSettings): void;
}

/** The kinds `update` can patch. */
export type RecordKind = "project" | "environment" | "application" | "domain" | ServiceRecordKind | ChildRecordKind;

/** A stored row: a JSON object of columns. */
export type Row = Record<string, unknown>;

export interface ProjectRecord extends Row {
  projectId: string;
  name: string;
  description: string | null;
  createdAt: string;
  organizationId: string;
  env: string;
}

export interface EnvironmentRecord extends Row {
  environmentId: string;
  name: string;
  description: string | null;
  createdAt: string;
  env: string;
  projectId: string;
  isDefault: boolean;
}

export interface ApplicationRecord extends Row {
  applicationId: string;
  name: string;
  appName: string;
  description: string | null;
  environmentId: string;
  applicationStatus: "idle" | "running" | "done" | "error";
  sourceType: string;
  createdAt: string;
}

export interface DomainRecord extends Row {
  domainId: string;
  host: string;
  applicationId: string | null;
  createdAt: string;
}

export interface DeploymentRecord extends Row {
  deploymentId: string;
  title: string;
  description: string | null;
  status: "running" | "done" | "error" | "cancelled";
  applicationId: string | null;
  createdAt: string;
}

/** Deep copy of the store, nested the way a person thinks of it. JSON-serialisable. */
export interface SimulatorState {
  /** Organisation-wide S3 destinations (`project.remove` leaves them). */
  destinations: DestinationRecord[];
  /** Dokploy's in-process cron jobs (schedules, volume backups); a `stray` one outlived its row and fails at each tick. */
  cronJobs: CronJobState[];
  projects: Array<
    ProjectRecord & {
      environments: Array<
        EnvironmentRecord & {
          applications: Array<ApplicationRecord & { domains: DomainRecord[]; deployments: DeploymentRecord[] } & ApplicationChildrenState>;
          compose: ComposeState[];
        } & { [K in DatabaseKind]: DatabaseState[] }
      >;
    }
  >;
}

/**
 * Objects to seed. Columns not given take Dokploy's defaults. A seeded project
 * gets the auto-created `production` environment like `project.create` does;
 * an environment named `production` in the seed fills that one instead.
 * Ids may be given (e.g. to build a "copied marker" case); otherwise generated.
 * `appName` is stored verbatim (no suffix added), so look-alikes are exact.
 */
export interface SeedData extends SeedChildData {
  projects?: SeedProject[];
  /** Extra environments for existing projects. */
  environments?: Array<SeedEnvironment & { projectId: string }>;
  /** Extra applications for existing environments. */
  applications?: Array<SeedApplication & { environmentId: string }>;
  /** Extra domains for existing applications. */
  domains?: Array<SeedDomain & { applicationId: string }>;
  /** Extra deployment rows for existing applications (e.g. history). */
  deployments?: Array<Row & { applicationId: string; title?: string; status?: DeploymentRecord["status"] }>;
  /** S3 destinations, inserted before everything else (backups name them). */
  destinations?: SeedDestination[];
  /** Extra compose stacks for existing environments. */
  compose?: Array<SeedCompose & { environmentId: string }>;
  /** Extra databases for existing environments. */
  databases?: Array<SeedDatabase & { environmentId: string }>;
}

export interface SeedProject extends Row {
  name: string;
  projectId?: string;
  description?: string | null;
  env?: string;
  environments?: SeedEnvironment[];
}

export interface SeedEnvironment extends Row {
  name: string;
  environmentId?: string;
  description?: string | null;
  env?: string;
  applications?: SeedApplication[];
  compose?: SeedCompose[];
  databases?: SeedDatabase[];
}

export interface SeedApplication extends Row, SeedServiceChildren {
  name: string;
  applicationId?: string;
  appName?: string;
  description?: string | null;
  domains?: SeedDomain[];
}

export interface SeedDomain extends Row {
  host: string;
  domainId?: string;
}

/** Ids created by a seed, in creation order, plus a lookup by name path (`project/env/app/host`). */
export interface SeedResult extends ChildSeedResult {
  projectIds: string[];
  environmentIds: string[];
  applicationIds: string[];
  domainIds: string[];
  deploymentIds: string[];
  composeIds: string[];
  /** Every seeded database's id, whatever its kind. */
  databaseIds: string[];
  backupIds: string[];
  destinationIds: string[];
  /**
   * `"shop"`, `"shop/production"`, `"shop/production/web"`, `"shop/production/web/example.com"` -> id
   * (last wins on duplicates); compose stacks and databases by their name as applications; destinations as
   * `"destination/<name>"`, backups as `"<service path>/backup/<prefix>"`.
   */
  ids: Record<string, string>;
}

// ---- compose, databases, backups, destinations (issues 12-14) ----------------

/** Dokploy's six database kinds, by router name. */
export type DatabaseKind = "postgres" | "mysql" | "mariadb" | "mongo" | "redis" | "libsql";

/** Every kind of row the simulator stores beyond the four of `RecordKind`. */
export type ServiceRecordKind = "compose" | DatabaseKind | "backup" | "destination";

export interface ComposeRecord extends Row {
  composeId: string;
  name: string;
  appName: string;
  description: string | null;
  environmentId: string;
  composeStatus: "idle" | "running" | "done" | "error";
  sourceType: string;
  composeFile: string;
  createdAt: string;
}

/** A row of one of the six database tables; its id column is `<kind>Id`. */
export interface DatabaseRecord extends Row {
  name: string;
  appName: string;
  description: string | null;
  environmentId: string;
  applicationStatus: "idle" | "running" | "done" | "error";
  dockerImage: string;
  databasePassword: string;
  externalPort: number | null;
  createdAt: string;
}

export interface BackupRecord extends Row {
  backupId: string;
  appName: string;
  destinationId: string;
  databaseType: string;
  backupType: "database" | "compose";
}

/** A `destination` row (packages/server/src/db/schema/destination.ts): organisation-wide, keys in plain text. */
export type DestinationRecord = DestinationRow & { accessKey: string; secretAccessKey: string } & Row;

/** A compose with its children, as `state()` nests it. */
export type ComposeState = ComposeRecord & {
  domains: DomainRecord[]; deployments: DeploymentRecord[]; mounts: MountRecord[]; backups: BackupRecord[];
};
/** A database with its children, as `state()` nests it. */
export type DatabaseState = DatabaseRecord & { mounts: MountRecord[]; backups: BackupRecord[] };

/** A compose to seed (columns not given take Dokploy's defaults; `appName` verbatim when given). */
export interface SeedCompose extends Row {
  name: string;
  composeId?: string;
  appName?: string;
  domains?: Array<SeedDomain & { serviceName?: string }>;
  /** Backups of a compose (`backupType: compose`), by destination id. */
  backups?: SeedBackup[];
}

/** A database to seed; the kind says which table. Gets its `<appName>-data` volume like `create`. */
export interface SeedDatabase extends Row {
  kind: DatabaseKind;
  name: string;
  /** The `<kind>Id`; generated when absent. */
  id?: string;
  appName?: string;
  backups?: SeedBackup[];
}

/** A backup to seed; `destinationId` must exist (seed destinations first, or in the same call). */
export interface SeedBackup extends Row {
  destinationId: string;
  schedule?: string;
  prefix?: string;
  database?: string;
}

/** An S3 destination to seed (organisation-wide). */
export interface SeedDestination extends Row {
  name: string;
  destinationId?: string;
}
