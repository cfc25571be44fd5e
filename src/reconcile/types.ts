/**
 * The contract between one reconcile pass and its readers (the daemon loop,
 * `/status`, `/metrics`). A pass never throws for an expected failure: it
 * returns an outcome with a fixed reason, and whether retrying can help.
 */
import type { Diagnostic } from "../model/manifest.ts";
import type { Plan } from "../plan/types.ts";
import type { ApplyResult } from "../apply/types.ts";
import type { Kind } from "../model/resource.ts";

/** Fixed PascalCase reasons, as Flux uses them. */
export type PassReason =
  | "ReconciliationSucceeded"
  | "DriftDetected"
  | "ValidationFailed"
  | "SecretResolutionFailed"
  | "DokployUnavailable"
  | "Unauthorized"
  | "ConflictsFound"
  | "PruneRefused"
  | "ApplyFailed"
  | "PruneFailed"
  | "SourceFailed";

export interface PassSettings {
  instance: string;
  mode: "apply" | "detect";
  prune: boolean;
  allowEmpty: boolean;
  maxDeletions: number;
  concurrency: number;
  /**
   * Reads in flight at once while observing (GETs only, default 16): a pass
   * reads every managed application before it can plan, so this bounds how
   * fast a push is applied on a large fleet. Writes keep `concurrency`.
   */
  readConcurrency?: number;
  /** How long to follow a deployment before reporting a timeout. */
  deployTimeoutMs: number;
  /** Wait for deploys to finish (true for `apply`/daemon); false only queues them. */
  waitForDeploys: boolean;
  /** First deployment polling interval (doubling up to 8x); default 500 ms. */
  deployPollIntervalMs?: number;
  /** Service keys to deploy this pass whatever their state (a redeploy asked for by hand). */
  redeploy?: readonly string[];
}

export type SyncStatus = "Synced" | "OutOfSync" | "Missing" | "Conflict" | "Error";
export type HealthStatus = "Healthy" | "Progressing" | "Degraded" | "Suspended" | "Unknown";

/** A drifted field in `/status`; secrets are masked before this is built. */
export interface DriftField {
  path: string;
  desired?: unknown;
  live?: unknown;
  secret?: "changed" | "unchanged" | "unresolved";
}

/** One managed or conflicting object, as `/status` shows it. */
export interface ResourceStatus {
  kind: Kind;
  key: string;
  project: string;
  environment?: string;
  application?: string;
  /** A compose domain's stack. */
  compose?: string;
  /** The database of a child list entry (a database's mount). */
  database?: { kind: Kind; name: string };
  name: string;
  dokployId?: string;
  sync: SyncStatus;
  /** Services only. */
  health?: HealthStatus;
  /** Services: the newest deployment Dokploy shows (or the one this pass queued), with its error. */
  deployment?: { id?: string; status: string; error?: string };
  /** The planned or last applied action. */
  action?: string;
  message?: string;
  drift?: DriftField[];
}

export interface PassResult {
  reconcileId: string;
  revision?: string;
  startedAt: string;
  finishedAt: string;
  outcome: "succeeded" | "failed";
  reason: PassReason;
  message: string;
  /** True when the same revision may succeed later (Dokploy down, 5xx): the loop backs off and retries. */
  transient: boolean;
  diagnostics: Diagnostic[];
  plan?: Plan;
  apply?: ApplyResult;
  resources: ResourceStatus[];
  apiCalls: number;
  /** API calls by endpoint during this pass. */
  apiCallsByEndpoint: Record<string, number>;
}
