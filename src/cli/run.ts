/**
 * `dokploy-gitops run`: the reconciler daemon. Flags and environment are
 * resolved once into a frozen settings object (the flag names are a contract:
 * the Helm chart and the container image use them; add flags, never rename
 * one); `startDaemon` wires the rest, and the command runs until SIGTERM or
 * SIGINT, then shuts down within a bound and exits 0.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDaemon, type DaemonPassDeps, type DaemonSettings } from "../reconcile/daemon.ts";
import type { LoopPassInput } from "../reconcile/loop.ts";
import { ManifestCache } from "../manifest/index.ts";
import { reconcilePass } from "../reconcile/pass.ts";
import { isValidCron } from "../reconcile/triggers.ts";
import type { PassResult } from "../reconcile/types.ts";
import { classifySource, type SourceKind } from "../source/index.ts";
import { isLogLevel, LOG_LEVELS } from "../util/log.ts";
import { Redactor, redactUrl } from "../util/redact.ts";
import { DEFAULT_READ_CONCURRENCY } from "../reconcile/plan-revision.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "./connection.ts";
import { DEFAULT_MAX_DELETIONS, MAX_CONCURRENCY, MAX_READ_CONCURRENCY, requireSimulatorForState } from "./engine-flags.ts";
import { checkOutputFile, listenProblem, parseCount, parseDuration, parseListenAddress as parseListen } from "./flag-values.ts";
import { UsageError, parseCommandArgs, type CliIo } from "./io.ts";
import { fileProblem, resolveSetting } from "./setting-sources.ts";
import { REPORT_HELP, REPORT_OPTIONS, resolveReport } from "./report-flags.ts";

export const RUN_HELP = `Usage: dokploy-gitops run --source URL|DIR [options]

Runs the reconciler: follows a git repository (or a local directory), applies
its manifests to Dokploy on every change and on a timer, and serves /status,
/healthz, /readyz, /metrics, POST /reconcile|/suspend|/resume, /login and
POST /webhooks/github|gitea|gitlab.

Source:
  --source URL|DIR        git URL (https, ssh, file) or local directory (required).
                          A directory with its own .git is read at its HEAD;
                          any other directory is watched and reconciled on edit.
  --branch NAME           branch to follow (default: the remote's default branch)
  --path DIR              subdirectory holding the manifests
  --work-dir DIR          where the repository is fetched (default: under the temp dir)
  --git-ssh-key FILE      private key for ssh URLs
  --git-known-hosts FILE  known_hosts for ssh (default: the published host keys of
                          github.com, gitlab.com, bitbucket.org and codeberg.org;
                          any other host is refused until it is in this file)
  --git-insecure-accept-new-host-keys
                          trust an unknown ssh host key on first use (not recommended)
                          https token: env GIT_TOKEN or DOKPLOY_GITOPS_GIT_TOKEN

Triggers:
  --interval DUR          time between passes (default 1m)
  --schedule CRON         a cron expression instead of --interval
  --webhook-secret S      secret for push webhooks (prefer the env or a file;
                          env DOKPLOY_GITOPS_WEBHOOK_SECRET). Webhooks are refused without it.
  --webhook-secret-file FILE

Reconciliation:
  --mode apply|detect     detect only reports drift, never writes (default apply)
  --prune                 delete objects whose manifests were removed (off by default)
  --allow-empty           allow pruning when the revision has no manifests
  --max-deletions N       refuse a pass that would delete more than N objects (default 10)
  --concurrency N         parallel API writes (default 4)
  --read-concurrency N    parallel reads while observing Dokploy (default 32)
  --deploy-timeout DUR    how long to follow a deployment (default 10m)
  --suspend               start suspended (POST /resume to start reconciling)

Server and logs:
  --listen HOST:PORT      address of the HTTP server (default 0.0.0.0:8080; port 0 picks one)
  --status-token-file FILE
                          the status token (env DOKPLOY_GITOPS_STATUS_TOKEN): needed by
                          POST /reconcile, /suspend, /resume (refused without one),
                          and by GET /status unless listening on loopback only.
                          Send it as "Authorization: Bearer TOKEN" or log in at /login
  --status-token T        the same on the command line (visible in process lists)
  --public-status         GET /status readable without the token on any address
  --protect-metrics       GET /metrics needs the token too
  --log-level LEVEL       ${LOG_LEVELS.join(", ")} (default info)

${REPORT_HELP}
${CONNECTION_HELP}  --simulator-state FILE keep the embedded simulator's data in FILE
  (the embedded simulator runs builds one at a time, as a real Dokploy does,
  but each takes 200 ms instead of minutes)

Example (no Dokploy needed):
  dokploy-gitops run --simulator --source examples/ --listen 127.0.0.1:8080
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...REPORT_OPTIONS,
  source: { type: "string" },
  branch: { type: "string" },
  path: { type: "string" },
  "work-dir": { type: "string" },
  interval: { type: "string" },
  schedule: { type: "string" },
  "webhook-secret": { type: "string" },
  "webhook-secret-file": { type: "string" },
  mode: { type: "string" },
  prune: { type: "boolean" },
  "allow-empty": { type: "boolean" },
  "max-deletions": { type: "string" },
  concurrency: { type: "string" },
  "read-concurrency": { type: "string" },
  "deploy-timeout": { type: "string" },
  suspend: { type: "boolean" },
  listen: { type: "string" },
  "status-token": { type: "string" },
  "status-token-file": { type: "string" },
  "public-status": { type: "boolean" },
  "protect-metrics": { type: "boolean" },
  "log-level": { type: "string" },
  "git-ssh-key": { type: "string" },
  "git-known-hosts": { type: "string" },
  "git-insecure-accept-new-host-keys": { type: "boolean" },
  "simulator-state": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses `HOST:PORT` (IPv6 as `[::1]:8080`, `:8080` for every interface). */
export function parseListenAddress(text: string): { host: string; port: number } {
  return parseListen(text, "--listen", "0.0.0.0:8080 or 127.0.0.1:0");
}

/** A secret from a flag, its file flag or the environment, by the documented precedence (setting-sources.ts). */
function secretFrom(value: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv, envName: string, flag: string): string | undefined {
  return resolveSetting({ flag: { name: flag, value }, file: { name: `${flag}-file`, path: file }, envNames: [envName] }, env)?.value;
}

function readableFile(file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    readFileSync(file);
  } catch (err) {
    throw new UsageError(`run: ${flag}: cannot read ${file}: ${fileProblem(err)}`);
  }
  return path.resolve(file);
}

/** The default work dir: stable per instance and source, so a restart reuses the fetched repository. */
export function defaultWorkDir(instance: string, source: string): string {
  const id = createHash("sha256").update(redactUrl(source)).digest("hex").slice(0, 12);
  return path.join(tmpdir(), `dokploy-gitops-${instance}-${id}`);
}

/** Resolves `run`'s flags and environment; `"help"` for `--help`. Throws UsageError on bad input. */
export function resolveRunSettings(argv: string[], env: NodeJS.ProcessEnv): DaemonSettings | "help" {
  const { values } = parseCommandArgs("run", argv, OPTIONS, { allowPositionals: false, elsewhere: { "dry-run": "--mode detect reports drift without writing" } });
  if (values.help) return "help";

  const source = values.source;
  if (!source) throw new UsageError("run: --source is required: a git URL or a local directory (see dokploy-gitops run --help)");
  let sourceKind: SourceKind;
  try {
    sourceKind = classifySource(source);
  } catch (err) {
    throw new UsageError(`run: ${(err as Error).message}`);
  }
  if (values.branch !== undefined && !/^[\w./-]+$/.test(values.branch)) {
    throw new UsageError(`run: --branch: expected a branch name, got "${values.branch}"`);
  }
  if (values.branch !== undefined && sourceKind === "dir") {
    throw new UsageError(`run: --branch: ${source} is a plain directory, not a git checkout`);
  }

  if (values.interval !== undefined && values.schedule !== undefined) {
    throw new UsageError("run: --interval and --schedule exclude each other: pick one");
  }
  let intervalMs: number | undefined;
  let schedule: string | undefined;
  if (values.schedule !== undefined) {
    if (!isValidCron(values.schedule)) throw new UsageError(`run: --schedule: expected a cron expression such as "*/5 * * * *", got "${values.schedule}"`);
    schedule = values.schedule;
  } else {
    intervalMs = parseDuration(values.interval ?? "1m", "--interval", { minMs: 1000 });
  }

  const mode = values.mode ?? "apply";
  if (mode !== "apply" && mode !== "detect") throw new UsageError(`run: --mode: expected apply or detect, got "${mode}"`);
  const logLevel = values["log-level"] ?? "info";
  if (!isLogLevel(logLevel)) throw new UsageError(`run: --log-level: expected one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);

  const connection = resolveConnection(values, env);
  requireSimulatorForState(values["simulator-state"], connection.simulator);
  if (values["simulator-state"] !== undefined) checkOutputFile(values["simulator-state"], "--simulator-state");
  const deployTimeoutMs = parseDuration(values["deploy-timeout"] ?? "10m", "--deploy-timeout");
  const gitToken = resolveSetting({ envNames: ["GIT_TOKEN", "DOKPLOY_GITOPS_GIT_TOKEN"] }, env)?.value;
  const sshKeyFile = readableFile(values["git-ssh-key"], "--git-ssh-key");
  const knownHostsFile = readableFile(values["git-known-hosts"], "--git-known-hosts");

  const settings: DaemonSettings = {
    source,
    sourceKind,
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    workDir: path.resolve(values["work-dir"] ?? defaultWorkDir(connection.instance, source)),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    suspend: values.suspend === true,
    listen: parseListenAddress(values.listen ?? "0.0.0.0:8080"),
    logLevel,
    git: {
      ...(gitToken ? { token: gitToken } : {}),
      ...(sshKeyFile ? { sshKeyFile } : {}),
      ...(knownHostsFile ? { knownHostsFile } : {}),
      ...(values["git-insecure-accept-new-host-keys"] ? { insecureAcceptNewHostKeys: true } : {}),
    },
    connection,
    ...(values["simulator-state"] !== undefined ? { simulatorState: path.resolve(values["simulator-state"]) } : {}),
    pass: {
      instance: connection.instance,
      mode,
      prune: values.prune === true,
      allowEmpty: values["allow-empty"] === true,
      maxDeletions: parseCount(values["max-deletions"], "--max-deletions", DEFAULT_MAX_DELETIONS, 0),
      concurrency: parseCount(values.concurrency, "--concurrency", 4, 1, MAX_CONCURRENCY),
      readConcurrency: parseCount(values["read-concurrency"], "--read-concurrency", DEFAULT_READ_CONCURRENCY, 1, MAX_READ_CONCURRENCY),
      deployTimeoutMs,
      // A pass ends once configuration is written and deploys are queued; later passes read how builds ended.
      waitForDeploys: false,
    },
  };
  const webhookSecret = secretFrom(values["webhook-secret"], values["webhook-secret-file"], env, "DOKPLOY_GITOPS_WEBHOOK_SECRET", "--webhook-secret");
  const statusToken = secretFrom(values["status-token"], values["status-token-file"], env, "DOKPLOY_GITOPS_STATUS_TOKEN", "--status-token");
  if (webhookSecret !== undefined) settings.webhookSecret = webhookSecret;
  if (statusToken !== undefined) settings.statusToken = statusToken;
  if (values["protect-metrics"] && statusToken === undefined) {
    throw new UsageError("run: --protect-metrics needs a status token (--status-token-file or DOKPLOY_GITOPS_STATUS_TOKEN)");
  }
  if (values["public-status"]) settings.publicStatus = true;
  if (values["protect-metrics"]) settings.protectMetrics = true;
  const report = resolveReport(values, env, { source, sourceIsGit: sourceKind !== "dir", instance: connection.instance, requestTimeoutMs: connection.requestTimeoutMs });
  if (report !== undefined) settings.report = report;
  Object.freeze(settings.git);
  Object.freeze(settings.pass);
  Object.freeze(settings.listen);
  return Object.freeze(settings);
}
/** The real pass (`reconcilePass`), adapted to the loop's input. */
export async function realPass(input: LoopPassInput, settings: DaemonSettings, deps: DaemonPassDeps, manifestCache?: ManifestCache): Promise<PassResult> {
  return reconcilePass(
    { root: input.root, revision: input.revision, reconcileId: input.reconcileId, settings: input.redeploy ? { ...settings.pass, redeploy: input.redeploy } : settings.pass },
    {
      api: deps.api, log: input.log, redactor: deps.redactor, secretEnv: deps.env, signal: input.signal, placeholderSecrets: settings.connection.simulator,
      ...(manifestCache ? { manifestCache } : {}),
      ...(input.reads ? { passReads: input.reads } : {}),
    },
  );
}

/** Longest a shutdown may take before the process exits anyway. */
const SHUTDOWN_BOUND_MS = 10_000;

/** `dokploy-gitops run`: runs until SIGTERM/SIGINT, then shuts down within a bound and exits 0. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const settings = resolveRunSettings(argv, io.env);
  if (settings === "help") {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  let daemon;
  try {
    // One parse cache for the daemon's life: a pass re-parses only the files that changed.
    const manifests = new ManifestCache();
    daemon = await startDaemon(settings, { io, runPass: (input, s, deps) => realPass(input, s, deps, manifests), readAhead: true });
  } catch (err) {
    // Startup failures (address in use, work dir taken, unreadable state file) are the operator's to fix: say what, not a stack.
    const redactor = new Redactor().add(settings.connection.apiKey, settings.webhookSecret, settings.statusToken, settings.git.token);
    const listen = listenProblem(err, settings.listen);
    io.stderr.write(`error: run: ${redactor.redact(listen ?? (err as Error).message ?? String(err))}\n`);
    return 1;
  }
  // The address is logged at info; a quieter --log-level must not hide it (with port 0 nobody could find the daemon).
  if (!["info", "debug", "trace"].includes(settings.logLevel)) io.stderr.write(`run: listening on ${daemon.url}\n`);
  // The first SIGTERM/SIGINT starts a graceful shutdown; a second one (an impatient Ctrl-C) exits at once.
  let signals = 0;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) resolve(name);
      else {
        io.stderr.write(`run: ${name} again; exiting without waiting for the shutdown to finish\n`);
        process.exit(1);
      }
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  const force = setTimeout(() => {
    io.stderr.write(`run: shutdown took longer than ${SHUTDOWN_BOUND_MS / 1000}s; exiting anyway\n`);
    process.exit(0);
  }, SHUTDOWN_BOUND_MS);
  force.unref();
  await daemon.stop(signal);
  clearTimeout(force);
  return 0;
}
