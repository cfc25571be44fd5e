/** What the applier reports per step and for the whole plan. */

export type StepStatus = "succeeded" | "failed" | "skipped";

export interface DeployOutcome {
  deploymentId?: string;
  /** `queued` when the apply did not wait for deploys to finish. */
  status: "done" | "error" | "timeout" | "cancelled" | "queued";
  message?: string;
}

export interface StepOutcome {
  key: string;
  action: string;
  status: StepStatus;
  /** Redacted message, starting with the resource label. */
  error?: string;
  /** True when retrying later could succeed (5xx, network, timeout). */
  transient?: boolean;
  /**
   * Dokploy refused the API key (401): invalid, expired, or rate-limited,
   * which Dokploy does not tell apart. The pass reports `Unauthorized` and
   * the daemon retries with backoff instead of waiting for a new commit.
   */
  unauthorized?: boolean;
  /** The object's Dokploy id after the step (creates fill it in). */
  dokployId?: string;
  deploy?: DeployOutcome;
  lifecycle?: "started" | "stopped";
  durationMs: number;
}

export interface ApplyResult {
  outcomes: StepOutcome[];
  /** Every step succeeded (skipped no-ops count as success). */
  converged: boolean;
  /** At least one failure was transient. */
  transient: boolean;
}
