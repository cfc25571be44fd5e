/** Flags shared by `plan`, `apply` (and the daemon): what the engine may do. */
import { simpleGit } from "simple-git";
import { UsageError } from "./io.ts";
import type { PassSettings } from "../reconcile/types.ts";
import { Redactor } from "../util/redact.ts";
import { resolveConnection, type ConnectionSettings, type ConnectionValues } from "./connection.ts";
import { parseCount, parseDuration } from "./flag-values.ts";
import { connectDokploy, type DokployConnection } from "./dokploy-connection.ts";
import { DEFAULT_READ_CONCURRENCY } from "../reconcile/plan-revision.ts";

export const ENGINE_OPTIONS = {
  prune: { type: "boolean" },
  "allow-empty": { type: "boolean" },
  "max-deletions": { type: "string" },
  concurrency: { type: "string" },
  "read-concurrency": { type: "string" },
  revision: { type: "string" },
  "simulator-state": { type: "string" },
} as const;

export const ENGINE_HELP = `Engine:
  --prune                delete owned objects whose manifests were removed (default: list them as "would prune")
  --allow-empty          allow pruning when the revision has no manifests at all
  --max-deletions N      refuse a plan that deletes more than N objects (default 10)
  --concurrency N        independent steps in flight at once (default 4)
  --read-concurrency N   reads in flight while observing Dokploy (default 32)
  --revision REV         revision label for the plan (default: the git HEAD of DIR, if any)
  --simulator-state FILE with --simulator: keep the simulator's data in FILE across runs
`;

/** Default of `--max-deletions`: a plan deleting more looks like a mistake. */
export const DEFAULT_MAX_DELETIONS = 10;

/** Most independent writes in flight: Dokploy serialises much of its work anyway. */
export const MAX_CONCURRENCY = 64;
/** Most reads in flight while observing. */
export const MAX_READ_CONCURRENCY = 256;

export { parseCount } from "./flag-values.ts";

type EngineValues = { prune?: boolean; "allow-empty"?: boolean; "max-deletions"?: string; concurrency?: string; "read-concurrency"?: string; "deploy-timeout"?: string };

/** Engine settings for one command run. */
export function resolveEngine(values: EngineValues, instance: string, mode: "apply" | "detect", extra: Partial<PassSettings> = {}): PassSettings {
  return Object.freeze({
    instance,
    mode,
    prune: values.prune === true,
    allowEmpty: values["allow-empty"] === true,
    maxDeletions: parseCount(values["max-deletions"], "--max-deletions", DEFAULT_MAX_DELETIONS, 0),
    concurrency: parseCount(values.concurrency, "--concurrency", 4, 1, MAX_CONCURRENCY),
    readConcurrency: parseCount(values["read-concurrency"], "--read-concurrency", DEFAULT_READ_CONCURRENCY, 1, MAX_READ_CONCURRENCY),
    deployTimeoutMs: parseDuration(values["deploy-timeout"] ?? "10m", "--deploy-timeout"),
    waitForDeploys: true,
    ...extra,
  });
}

/**
 * `--simulator-state` without `--simulator` would be silently ignored while
 * the command talks to the real Dokploy of the environment: refuse it.
 */
export function requireSimulatorForState(state: string | undefined, simulator: boolean): void {
  if (state !== undefined && !simulator) throw new UsageError("--simulator-state needs --simulator (without it the command talks to the Dokploy of --url or DOKPLOY_URL)");
}

/** The git HEAD of `dir` when it is inside a checkout, for labelling plans. */
export async function detectRevision(dir: string): Promise<string | undefined> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return undefined;
    return (await git.revparse(["HEAD"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** What `plan` and `apply` set up before they run: settings, redaction, revision, connection. */
export interface EngineCommand {
  connection: ConnectionSettings;
  settings: PassSettings;
  redactor: Redactor;
  revision?: string;
  conn: DokployConnection;
}

/**
 * Resolves a command's connection and engine flags once, registers the API
 * key with a fresh Redactor, labels the revision, and opens the connection
 * (the embedded simulator with `--simulator`). The caller closes `conn`.
 */
export async function openEngineCommand(
  values: EngineValues & ConnectionValues & { revision?: string; "simulator-state"?: string },
  env: NodeJS.ProcessEnv,
  dir: string,
  mode: "apply" | "detect",
  extra: Partial<PassSettings> = {},
): Promise<EngineCommand> {
  const connection = resolveConnection(values, env);
  requireSimulatorForState(values["simulator-state"], connection.simulator);
  const settings = resolveEngine(values, connection.instance, mode, extra);
  const redactor = new Redactor();
  if (connection.apiKey) redactor.add(connection.apiKey);
  const revision = values.revision ?? (await detectRevision(dir));
  const conn = await connectDokploy(connection, redactor, {
    ...(values["simulator-state"] ? { simulatorState: values["simulator-state"] } : {}),
    engine: settings,
  });
  return { connection, settings, redactor, ...(revision ? { revision } : {}), conn };
}
