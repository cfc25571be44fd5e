/**
 * The Dokploy API simulator: the one Dokploy test double of the project,
 * served over real HTTP on loopback. It reproduces Dokploy v0.30.2's wire
 * behaviour and quirks (apps/dokploy/pages/api/[...trpc].ts,
 * apps/dokploy/server/api/routers/*.ts, packages/server/src/services/*.ts,
 * packages/server/src/db/schema/*.ts) so that whatever passes against
 * it has a fair chance against a real Dokploy, and it adds test controls
 * (faults, call log, seeding, UI-style edits) that a real one cannot offer.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { CallLog } from "./call-log.ts";
import { handleControl } from "./control-routes.ts";
import { DeployQueue } from "./deploy-queue.ts";
import { SERVED_ENDPOINTS } from "./endpoints.ts";
import { Faults } from "./faults.ts";
import { createApiListener } from "./http-server.ts";
import { readStateFile, StateWriter } from "./persistence.ts";
import { Random } from "./random.ts";
import { BuildTiming, checkBuildSettings } from "./builds.ts";
import { applicationChildrenState } from "./child-views.ts";
import { applicationRoutes } from "./routes/application.ts";
import { backupRoutes } from "./routes/backup.ts";
import { composeRoutes } from "./routes/compose.ts";
import type { Handler, RouteContext } from "./routes/context.ts";
import { databaseRoutesByEndpoint } from "./routes/database.ts";
import { domainRoutes } from "./routes/domain.ts";
import { projectRoutes } from "./routes/project.ts";
import { userRoutes } from "./routes/user.ts";
import { nestedServices } from "./service-state.ts";
// ---- service children (issue 15) ----
import { mountRoutes } from "./routes/mounts.ts";
import { portRoutes } from "./routes/port.ts";
import { redirectRoutes } from "./routes/redirects.ts";
import { scheduleRoutes } from "./routes/schedule.ts";
import { securityRoutes } from "./routes/security.ts";
import { volumeBackupRoutes } from "./routes/volume-backups.ts";
import { seedStore } from "./seed.ts";
import { Store } from "./store.ts";
import type {
  FailDeploysRule, SimulatorControl, SimulatorHandle, SimulatorOptions, SimulatorState,
} from "./types.ts";
import { defaultValidator } from "./validation.ts";

export type * from "./types.ts";
export { DOKPLOY_VERSION } from "./routes/domain.ts";
export { DEFAULT_DATABASE_DEPLOY_DURATION_MS, DEFAULT_DEPLOY_DURATION_MS } from "./builds.ts";

/** Every served procedure's handler. */
const ROUTES: Record<string, Handler> = {
  ...projectRoutes, ...applicationRoutes, ...domainRoutes, ...userRoutes,
  // ---- compose, databases, backups, queue (issues 12-14) ----
  ...composeRoutes, ...databaseRoutesByEndpoint, ...backupRoutes,
  // ---- service children (issue 15) ----
  ...mountRoutes, ...portRoutes, ...redirectRoutes, ...securityRoutes, ...scheduleRoutes, ...volumeBackupRoutes,
};

function checkOptions(o: SimulatorOptions): void {
  const nonNegative = (name: keyof SimulatorOptions): void => {
    const v = o[name];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw new Error(`simulator: ${name} must be a non-negative number, got ${JSON.stringify(v)}`);
    }
  };
  for (const k of ["port", "queueDelayMs", "latencyMs", "persistDebounceMs", "seed"] as const) nonNegative(k);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port > 65535)) throw new Error(`simulator: port must be an integer 0-65535, got ${o.port}`);
  checkBuildSettings(o, "simulator");
  if (o.apiKey !== undefined && (typeof o.apiKey !== "string" || o.apiKey.length === 0)) throw new Error("simulator: apiKey must be a non-empty string");
}

/** Nests the tables the way a person reads them: project > environment > services > their children. */
function nestedState(store: Store): SimulatorState {
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    destinations: [...store.services.destinations.values()].map(copy),
    cronJobs: store.cronJobs(),
    projects: [...store.projects.values()].map((p) => ({
      ...copy(p),
      environments: store.environmentsOf(p.projectId).map((e) => ({
        ...copy(e),
        applications: store.applicationsOf(e.environmentId).map((a) => ({
          ...copy(a),
          domains: store.domainsOf(a.applicationId).map(copy),
          deployments: store.deploymentsOf(a.applicationId).map(copy),
          ...applicationChildrenState(store, a.applicationId),
        })),
        ...nestedServices(store, e.environmentId),
      })),
    })),
  };
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  checkOptions(options);
  const seed = options.seed;
  const store = new Store(new Random(seed));
  const faults = new Faults(new Random(seed === undefined ? undefined : (seed ^ 0x5bd1e995) >>> 0));
  const apiKey = options.apiKey ?? `sim_${randomBytes(24).toString("base64url")}`;
  let keyValid = true;
  let latencyMs = options.latencyMs ?? 0;
  let failRule: FailDeploysRule | undefined = options.failDeploys;

  let writer: StateWriter | undefined;
  if (options.statePath) {
    const persisted = readStateFile(options.statePath);
    if (persisted) store.load(persisted);
    writer = new StateWriter(options.statePath, store, options.persistDebounceMs ?? 50);
    const w = writer;
    store.onChange = () => w.schedule();
  }

  const builds = new BuildTiming(options);
  const queue = new DeployQueue(store, {
    durationMs: () => builds.buildMs(),
    delayMs: options.queueDelayMs ?? 20,
    concurrency: () => builds.concurrency(),
    failRule: () => failRule,
  });
  // Synchronous deploys (databases) wait on these; close() abandons them.
  const sleeping = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        sleeping.delete(t);
        resolve();
      }, ms);
      sleeping.add(t);
    });
  const ctx: RouteContext = {
    store, queue, runtime: { databaseDeployMs: () => builds.databaseDeployMs(), failRule: () => failRule, sleep },
  };
  const log = new CallLog();
  const held = new Set<Socket>();

  const control: SimulatorControl = {
    setFaults: (rules) => faults.set(rules),
    clearFaults: () => faults.clear(),
    setApiKeyValid: (valid) => {
      keyValid = valid;
    },
    calls: () => log.list(),
    resetCalls: () => log.reset(),
    state: () => nestedState(store),
    seed: (data) => seedStore(ctx, data),
    update: (kind, id, patch) => {
      if (typeof patch !== "object" || patch === null) throw new Error(`simulator update: patch must be an object of columns`);
      if (!store.patch(kind, id, patch)) throw new Error(`simulator update: no ${kind} with id ${id}`);
    },
    idle: (timeoutMs = 10_000) => queue.idle(timeoutMs),
    setFailDeploys: (rule) => {
      failRule = rule;
    },
    setLatency: (ms) => {
      if (!(ms >= 0)) throw new Error(`simulator: latency must be a non-negative number of ms, got ${ms}`);
      latencyMs = ms;
    },
    setBuilds: (settings) => {
      if (typeof settings !== "object" || settings === null) throw new Error("simulator setBuilds: expected an object of build settings");
      checkBuildSettings(settings, "simulator setBuilds");
      builds.set(settings);
      queue.reschedule();
    },
  };

  const server = createServer(
    createApiListener({
      routes: ROUTES,
      methods: SERVED_ENDPOINTS,
      ctx,
      validator: defaultValidator(),
      faults,
      log,
      auth: () => ({ apiKey, valid: keyValid }),
      latencyMs: () => latencyMs,
      held,
      control: (req, res, url, body) => handleControl(control, req, res, url, body),
    }),
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    apiKey,
    control,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        queue.close();
        for (const t of sleeping) clearTimeout(t);
        sleeping.clear();
        for (const socket of held) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => writer?.flush())),
  };
}
