/**
 * What makes the daemon look again. Every trigger only says "look again": the
 * loop coalesces triggers that arrive during a pass into one more pass, so a
 * burst of pushes costs one pass on the newest commit, not one per push.
 */
import cron from "node-cron";

/** Why a pass was asked for; shown in logs. */
export type TriggerReason = "startup" | "interval" | "schedule" | "webhook" | "manual" | "watch" | "retry" | "resume" | "deploy-follow";

/**
 * Triggers that run a pass even when the revision is one whose validation
 * already failed: a person asked for it (or the daemon just started/resumed).
 */
export const FORCING_TRIGGERS: ReadonlySet<TriggerReason> = new Set<TriggerReason>(["startup", "manual", "resume"]);

/** True when `expression` is a cron expression node-cron accepts (5 or 6 fields). */
export function isValidCron(expression: string): boolean {
  return cron.validate(expression);
}

/** Starts a cron schedule that calls `fire` at each tick; returns a function that stops it. */
export function startCronTrigger(expression: string, fire: () => void, timezone?: string): () => Promise<void> {
  const task = cron.schedule(expression, () => fire(), {
    noOverlap: true,
    ...(timezone ? { timezone } : {}),
    name: "dokploy-gitops-schedule",
  });
  return async () => {
    await task.stop();
    await task.destroy();
  };
}
