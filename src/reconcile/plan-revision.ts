/**
 * Planning one revision: load and validate the manifests, resolve secrets,
 * observe Dokploy, plan. Shared by `plan`, `comment`, and every daemon pass;
 * it calls read endpoints only, so it runs with a read-only API key.
 */
import { DokployError } from "../dokploy/errors.ts";
import type { DokployApi } from "../dokploy/port.ts";
import { loadManifests, type ManifestCache } from "../manifest/index.ts";
import type { Diagnostic, DesiredState } from "../model/manifest.ts";
import type { ObservedState } from "../model/observed.ts";
import { planReconcile } from "../plan/planner.ts";
import { referencedSecrets } from "../plan/references.ts";
import type { SecretValues } from "../plan/secrets.ts";
import type { Plan } from "../plan/types.ts";
import type { Redactor } from "../util/redact.ts";
import { countingApi, type CountingApi } from "./counting.ts";
import { LiveReads, type ReadAhead } from "./observe.ts";
import { resolveSecrets, type SecretProblem } from "./secrets.ts";
import type { PassReason, PassSettings } from "./types.ts";

/** Default reads in flight while observing (see PassSettings.readConcurrency). */
export const DEFAULT_READ_CONCURRENCY = 32;

/** Client connections a pass needs: enough for its reads (observe) and its writes (apply) in flight. */
export function poolSize(engine: Pick<PassSettings, "concurrency" | "readConcurrency">): number {
  return Math.max(engine.readConcurrency ?? DEFAULT_READ_CONCURRENCY, engine.concurrency);
}

export interface PlanRevisionDeps {
  api: DokployApi;
  redactor: Redactor;
  secretEnv: NodeJS.ProcessEnv;
  /**
   * Against the embedded simulator only: unresolved secret references get
   * placeholder values (reported as warnings) so the tool can be tried.
   */
  placeholderSecrets?: boolean;
  /** The daemon's parse cache: unchanged files are not parsed again on every pass. */
  manifestCache?: ManifestCache;
  /** Phase lines (manifests loaded, live state read) with their durations. */
  log?: { info(obj: object, msg: string): void };
  /** This pass's API use so far, when it started before planning (the daemon reads ahead; see `beginPassReads`). */
  passReads?: PassReads;
}

/** A pass's API use: every call counted, every read remembered for the pass (see `LiveReads`). */
export interface PassReads {
  counted: CountingApi;
  live: LiveReads;
}

/**
 * Starts a pass's API use. With `readAhead` (the daemon), live state starts
 * being read at once with the previous revision's scope, before the revision
 * is fetched and validated: those are reads only, and an invalid revision
 * stops them (it still writes nothing).
 */
export function beginPassReads(api: DokployApi, settings: Pick<PassSettings, "instance" | "readConcurrency">, readAhead?: ReadAhead, signal?: AbortSignal): PassReads {
  const counted = countingApi(api);
  const options = { instance: settings.instance, concurrency: settings.readConcurrency ?? DEFAULT_READ_CONCURRENCY };
  return { counted, live: readAhead ? readAhead.begin(counted.api, options, signal) : new LiveReads(counted.api, options) };
}

export interface PlanRevisionInput {
  root: string;
  revision?: string;
  settings: PassSettings;
}

/** Why planning stopped before producing a plan. */
export interface PlanFailure {
  reason: PassReason;
  message: string;
  transient: boolean;
}

export interface PlannedRevision {
  plan?: Plan;
  diagnostics: Diagnostic[];
  apiCalls: number;
  apiCallsByEndpoint: Record<string, number>;
  /** Set when no plan could be made. */
  failure?: PlanFailure;
  /** Secrets that could not be resolved (a plan is still made; apply must refuse). */
  secretProblems: SecretProblem[];
  /** For the applier and status, when a plan was made. */
  desired?: DesiredState;
  observed?: ObservedState;
  secrets?: SecretValues;
  /** The counting API wrapper, so an apply after the plan keeps counting. */
  countedApi: ReturnType<typeof countingApi>;
}

/** Classifies an error from observing Dokploy. */
export function classifyDokployFailure(err: unknown): PlanFailure {
  if (err instanceof DokployError) {
    if (err.kind === "unauthorized") return { reason: "Unauthorized", message: err.message, transient: true };
    if (err.retriable) return { reason: "DokployUnavailable", message: err.message, transient: true };
    return { reason: "ApplyFailed", message: err.message, transient: false };
  }
  return { reason: "ApplyFailed", message: err instanceof Error ? err.message : String(err), transient: false };
}

/** The plan-only part of a pass. Never throws for an expected failure. */
export async function planRevisionDetailed(input: PlanRevisionInput, deps: PlanRevisionDeps): Promise<PlannedRevision> {
  const { counted, live } = deps.passReads ?? beginPassReads(deps.api, input.settings);
  try {
    return await planWith(input, deps, counted, live);
  } finally {
    live.stopReadingAhead();
  }
}

async function planWith(input: PlanRevisionInput, deps: PlanRevisionDeps, counted: CountingApi, live: LiveReads): Promise<PlannedRevision> {
  const base = (): Pick<PlannedRevision, "apiCalls" | "apiCallsByEndpoint" | "countedApi"> => ({
    apiCalls: counted.total(), apiCallsByEndpoint: counted.counts(), countedApi: counted,
  });
  let report;
  try {
    const loading = Date.now();
    report = await loadManifests(input.root, deps.manifestCache ? { cache: deps.manifestCache } : {});
    deps.log?.info({ phase: "load", manifests: report.documentCount, files: report.fileCount, durationMs: Date.now() - loading }, "manifests loaded");
  } catch (err) {
    return {
      ...base(), diagnostics: [], secretProblems: [],
      failure: { reason: "SourceFailed", message: deps.redactor.redact(err instanceof Error ? err.message : String(err)), transient: true },
    };
  }
  const diagnostics = report.diagnostics.map((d) => ({ ...d, message: deps.redactor.redact(d.message) }));
  if (!report.desired) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    return {
      ...base(), diagnostics, secretProblems: [],
      failure: {
        reason: "ValidationFailed",
        // The problems themselves travel as diagnostics (the CLI prints them, /status quotes the first few): not repeated here.
        message: `${errors} manifest error${errors === 1 ? "" : "s"}`,
        transient: false,
      },
    };
  }
  const desired = report.desired;
  const { secrets, problems, placeholders } = await resolveSecrets(desired, deps.secretEnv, deps.redactor, { placeholders: deps.placeholderSecrets === true });
  let observed: ObservedState;
  try {
    const observing = Date.now();
    observed = await live.observe(desired);
    deps.log?.info({ phase: "observe", apiCalls: counted.total(), readAhead: live.reused, durationMs: Date.now() - observing }, "live state read");
  } catch (err) {
    const failure = classifyDokployFailure(err);
    return { ...base(), diagnostics, secretProblems: problems, desired, failure: { ...failure, message: deps.redactor.redact(failure.message) } };
  }
  const plan = planReconcile({
    desired, observed, secrets,
    settings: { instance: input.settings.instance, prune: input.settings.prune, allowEmpty: input.settings.allowEmpty, maxDeletions: input.settings.maxDeletions, ...(input.settings.redeploy?.length ? { redeploy: new Set(input.settings.redeploy) } : {}) },
    ...(input.revision ? { revision: input.revision } : {}),
    apiCalls: counted.total(),
  });
  // A secret field read from a live object through a reference was not resolved by us: mask it from now on.
  if (plan.steps.some((s) => s.references?.some((r) => r.secret))) deps.redactor.add(...referencedSecrets(desired, observed, plan.steps, secrets));
  if (placeholders.length > 0) {
    plan.warnings.push(`${placeholders.length} secret reference(s) are not set here; the embedded simulator uses placeholder values for them (first: ${placeholders[0]})`);
  }
  return { ...base(), plan, diagnostics, secretProblems: problems, desired, observed, secrets };
}

/** The contract other commands use (`comment`): the plan, the diagnostics, the call count. */
export async function planRevision(input: PlanRevisionInput, deps: PlanRevisionDeps): Promise<{ plan?: Plan; diagnostics: Diagnostic[]; apiCalls: number; failure?: PlanFailure }> {
  const r = await planRevisionDetailed(input, deps);
  return { ...(r.plan ? { plan: r.plan } : {}), diagnostics: r.diagnostics, apiCalls: r.apiCalls, ...(r.failure ? { failure: r.failure } : {}) };
}
