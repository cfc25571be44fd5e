/**
 * The daemon assembled: embedded simulator (when asked), Dokploy client with
 * metrics hooks, source, status store, loop and HTTP server, started in order
 * and stopped in reverse. The pass is injected so the daemon can be run in
 * tests with a scripted pass; `dokploy-gitops run` injects the real one.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LevelWithSilent, Logger } from "pino";
import type { CliIo } from "../cli/io.ts";
import type { ConnectionSettings } from "../cli/connection.ts";
import { createDokployClient } from "../dokploy/client.ts";
import type { DokployApi } from "../dokploy/port.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { CONFIGURE_TOKEN_HINT, isLoopbackHost } from "../server/auth.ts";
import { createReporters, type ReportSettings } from "../report/reporters.ts";
import { startServer } from "../server/server.ts";
import { createSource, type SourceKind } from "../source/index.ts";
import { createLogger } from "../util/log.ts";
import { Redactor } from "../util/redact.ts";
import { ReconcileLoop, type LoopPassInput } from "./loop.ts";
import { StatusStore } from "./status-store.ts";
import type { PassResult, PassSettings } from "./types.ts";
import { ReadAhead } from "./observe.ts";
import { beginPassReads, poolSize } from "./plan-revision.ts";

/** Everything the daemon needs, resolved and frozen by `dokploy-gitops run`. */
export interface DaemonSettings {
  source: string;
  sourceKind: SourceKind;
  branch?: string;
  path?: string;
  workDir: string;
  intervalMs?: number;
  schedule?: string;
  webhookSecret?: string;
  statusToken?: string;
  /** `--public-status`: `/status` readable without the token wherever the daemon listens. */
  publicStatus?: boolean;
  /** `--protect-metrics`: `/metrics` needs the token. */
  protectMetrics?: boolean;
  suspend: boolean;
  listen: { host: string; port: number };
  logLevel: LevelWithSilent;
  git: { token?: string; sshKeyFile?: string; knownHostsFile?: string; insecureAcceptNewHostKeys?: boolean };
  connection: ConnectionSettings;
  simulatorState?: string;
  pass: PassSettings;
  /** Commit statuses, notifications, the status page's links. */
  report?: ReportSettings;
}

/**
 * Takes the work dir for this process: two daemons fetching into one
 * repository would corrupt each other's checkouts. A lock left by a process
 * that no longer exists is taken over. Returns the release function.
 */
export async function lockWorkDir(workDir: string): Promise<() => Promise<void>> {
  const lock = path.join(workDir, "daemon.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: "wx" });
      return () => rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`--work-dir ${workDir} is in use by another dokploy-gitops process (pid ${pid}); give each daemon its own --work-dir`);
      }
      await rm(lock, { force: true });
    }
  }
  throw new Error(`--work-dir ${workDir}: cannot take the lock file ${lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** V8's collector as `node --expose-gc` exposes it (the image's and the chart's NODE_OPTIONS). */
export type ExposedGc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * Gives the memory of a finished pass back to the system; returns how long it
 * took, or undefined when Node was started without `--expose-gc`. A pass over
 * 1,000 applications allocates ~100 MB; V8 grows its heap for it and keeps the
 * pages (its memory reducer does not run for a process that is idle between
 * passes), so RSS sat at ~300 MiB for a ~45 MiB live heap. A memory-reducing
 * full collection ("last-resort": compacts and releases pooled pages) between
 * passes brings RSS back to the live set plus code (~125 MiB). The price, at
 * 1,000 applications: ~0.1 s for the collection, and the next pass re-grows
 * the heap (~0.15 s slower: 0.36 -> 0.52 s for a quiet pass). Started
 * without `--expose-gc`, the daemon keeps its heap and its speed.
 */
export function releaseHeap(gc: ExposedGc | undefined): number | undefined {
  if (typeof gc !== "function") return undefined;
  const started = performance.now();
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
  return performance.now() - started;
}

/**
 * Says at start-up who may do what on the port, so an operator who gets a 401
 * finds the reason (and the fix) in the first lines of the log.
 */
function logAccess(log: Logger, settings: DaemonSettings, host: string): void {
  if (settings.statusToken === undefined) {
    log.warn(`no status token configured: POST /reconcile, /suspend and /resume are refused (401) from every address; ${CONFIGURE_TOKEN_HINT}`);
    if (!isLoopbackHost(host) && !settings.publicStatus) log.warn("listening beyond loopback without a status token: GET /status is refused (401) too");
  } else if (settings.statusToken.length < 16) {
    log.warn("the status token is shorter than 16 characters: use a long random one (openssl rand -hex 32)");
  }
  if (settings.publicStatus) {
    log.warn("--public-status: GET /status is readable by anyone who reaches the port, without a credential; it lists every managed project, application and host name");
  }
  if (settings.git.insecureAcceptNewHostKeys) {
    log.warn("--git-insecure-accept-new-host-keys: the git server's ssh host key is trusted on first use, so a connection intercepted before the key is learned goes unnoticed");
  }
}

/** What a pass gets beyond the loop's input. */
export interface DaemonPassDeps {
  api: DokployApi;
  redactor: Redactor;
  /** The process environment, for `fromEnv` secrets. */
  env: NodeJS.ProcessEnv;
}

/** The injected pass. */
export type DaemonPass = (input: LoopPassInput, settings: DaemonSettings, deps: DaemonPassDeps) => Promise<PassResult>;

/** How the daemon was started: its server and a way to stop it (tests embed the daemon). */
export interface RunningDaemon {
  url: string;
  loop: ReconcileLoop;
  status: StatusStore;
  /** Stops everything in order; resolves when done. Idempotent. */
  stop(reason?: string): Promise<void>;
}

/** What the daemon needs from its process, injectable for tests. */
export interface DaemonEnvironment {
  io: CliIo;
  /** One reconcile pass (the real `reconcilePass`, or a scripted one in tests). */
  runPass: DaemonPass;
  /**
   * Start reading live state as each pass starts, with the previous
   * revision's scope, while the source is fetched (`LoopPassInput.reads`
   * hands the reads to `runPass`). Cuts push-to-apply latency by the fetch.
   */
  readAhead?: boolean;
}

/** Starts the daemon: simulator (if asked), client, source, loop, server. */
export async function startDaemon(settings: DaemonSettings, environment: DaemonEnvironment): Promise<RunningDaemon> {
  const { io } = environment;
  const redactor = new Redactor().add(settings.connection.apiKey, settings.webhookSecret, settings.statusToken, settings.git.token);
  const log = createLogger({
    level: settings.logLevel,
    redactor,
    pretty: (io.stdout as NodeJS.WriteStream).isTTY === true,
    destination: io.stdout,
    base: { instance: settings.connection.instance },
  });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => log.warn({ err }, "cleanup step failed"));
  };
  try {
    let url = settings.connection.url;
    let apiKey = settings.connection.apiKey;
    if (settings.connection.simulator) {
      // Loaded only when asked for: a daemon talking to a real Dokploy never needs the simulator's modules.
      const { startSimulator } = await import("../simulator/index.ts");
      // Builds one at a time as on a real Dokploy, but short ones, so a trial run converges quickly.
      const sim = await startSimulator({
        deployDurationMs: 200, databaseDeployDurationMs: 200, buildsConcurrency: 1,
        ...(settings.simulatorState ? { statePath: settings.simulatorState } : {}),
      });
      cleanups.push(() => sim.close());
      // A Dokploy with one S3 destination, as most have: backups in examples/ name it (a kept state keeps its own).
      if (sim.control.state().destinations.length === 0) sim.control.seed({ destinations: [{ name: "s3-backups", bucket: "example-backups" }] });
      url = sim.url;
      apiKey = sim.apiKey;
      redactor.add(sim.apiKey);
      log.info({ simulator: sim.url }, `embedded Dokploy simulator at ${sim.url} (nothing real is touched)`);
    }
    const metrics = createMetrics({ defaultMetrics: true });
    const client = createDokployClient({
      url: url!,
      apiKey: apiKey!,
      requestTimeoutMs: settings.connection.requestTimeoutMs,
      // Enough connections for the reads of a pass and the writes of an apply.
      connections: poolSize(settings.pass),
      onCall: (e) => metrics.observeApiCall(e),
      onBreakerChange: (state) => {
        metrics.setBreakerState(state);
        log.warn({ breaker: state }, `Dokploy circuit breaker ${state}`);
      },
    });
    cleanups.push(() => client.close());

    await mkdir(settings.workDir, { recursive: true, mode: 0o700 });
    cleanups.push(await lockWorkDir(settings.workDir));
    const source = createSource({
      source: settings.source,
      ...(settings.branch !== undefined ? { branch: settings.branch } : {}),
      ...(settings.path !== undefined ? { path: settings.path } : {}),
      workDir: settings.workDir,
      auth: settings.git,
      env: io.env,
      redactor,
      onWatchError: (err) => log.warn({ err }, "watching the source directory failed; the interval still runs"),
    });
    cleanups.push(() => source.close());

    const status = new StatusStore({
      instance: settings.connection.instance,
      source: source.describe(),
      mode: settings.pass.mode,
      suspended: settings.suspend,
      redactor,
    });
    const reporters = createReporters(settings.report, { instance: settings.connection.instance, mode: settings.pass.mode, log, redactor, registry: metrics.registry, status });
    const runPass = environment.runPass;
    const readAhead = environment.readAhead ? new ReadAhead() : undefined;
    const loop = new ReconcileLoop(
      { ...(settings.intervalMs !== undefined ? { intervalMs: settings.intervalMs } : {}), ...(settings.schedule ? { schedule: settings.schedule } : {}) },
      {
        source, status, log, redactor,
        observer: {
          observePass: (result, durationMs) => {
            // Not when another pass is already waiting (triggers that came during this one): it would re-grow the heap at once.
            if (loop.idle) {
              const releaseMs = releaseHeap((globalThis as { gc?: ExposedGc }).gc);
              if (releaseMs !== undefined) log.debug({ durationMs: Math.round(releaseMs) }, "heap released after the pass");
            }
            metrics.observePass(result, durationMs);
            reporters.passFinished(result, durationMs);
          },
        },
        runPass: (input) => {
          reporters.passStarted(input);
          return runPass(input, settings, { api: client, redactor, env: io.env });
        },
        ...(readAhead ? { beginPass: (signal: AbortSignal) => beginPassReads(client, settings.pass, readAhead, signal) } : {}),
      },
    );
    const server = await startServer(
      {
        status, loop, metrics, log,
        ...(settings.webhookSecret !== undefined ? { webhookSecret: settings.webhookSecret } : {}),
        ...(settings.statusToken !== undefined ? { statusToken: settings.statusToken } : {}),
        publicStatus: settings.publicStatus === true,
        protectMetrics: settings.protectMetrics === true,
        branch: () => source.describe().branch,
        page: reporters.page,
      },
      settings.listen,
    );
    cleanups.push(() => server.close());
    reporters.listening(server.url);
    cleanups.push(() => reporters.close());
    log.info({ listen: server.url, source: source.describe(), mode: settings.pass.mode }, `listening on ${server.url}`);
    if (settings.webhookSecret === undefined) log.info("no webhook secret configured: webhooks are refused");
    logAccess(log, settings, server.host);
    cleanups.push(() => loop.stop());
    await loop.start();

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      loop,
      status,
      stop: (reason = "stop requested") => {
        stopping ??= (async () => {
          log.info({ reason }, "shutting down");
          await cleanup();
          log.info("stopped");
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

