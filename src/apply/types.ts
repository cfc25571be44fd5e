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
