/**
 * Deploying a database. Dokploy's database `deploy` is synchronous: the
 * request is held while the image is pulled and the Swarm service started
 * (minutes on a slow link), then answers, or fails with a 500 and leaves the
 * status at `error` (apps/dokploy/server/api/routers/postgres.ts `deploy`,
 * packages/server/src/services/postgres.ts `deployPostgres`). There are no
 * deployment rows: the database's `applicationStatus` (`idle`, `running`
 * while a deploy holds its request, `done`, `error`) is the whole story.
 *
 * Whether a deploy happened is recorded as for the other services: the
 * marker is `dirty` from the configuration write until the deploy was sent,
 * then one write clears it and records `queuedAt` (only once Dokploy showed
 * it took the deploy). `queuedAt` also tells a stopped database (start it)
 * from one never deployed by this tool (deploy it: Dokploy's `start` fails
 * while no Swarm service exists).
 */
import { DokployError } from "../dokploy/errors.ts";
import type { DeployOutcome } from "../apply/types.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { PlanStep } from "../plan/types.ts";
import { recordQueued } from "./service.ts";
import type { DeployContext, DeployDecision } from "./types.ts";

/** Bounded wait, in the daemon, for Dokploy to show that it took a deploy. */
const CONFIRM_POLLS = 20;

/**
 * The deploy decision of a database: deploy on a deploy-relevant change,
 * after an interrupted apply (dirty marker), or when never deployed by this
 * tool; start or stop to match `state`. A failed deploy is not retried by
 * itself (a change, or a new `dokploy-gitops/redeploy` token, retries it).
 * `handMade` lists the backups this tool leaves alone, for the plan.
 */
export function decideDatabaseDeploy(c: DeployContext, wantRunning: boolean, handMade: readonly string[]): DeployDecision {
  const { detail, liveMarker, owned, label } = c;
  const status = detail.status;
  const reasons = handMade.length > 0 ? [`${label}: backups not managed by this tool, left alone: ${handMade.join(", ")}`] : [];
  if (!wantRunning) return status !== "idle" ? { deploy: false, lifecycle: "stop", reasons } : { deploy: false, reasons };
  if (c.deployRelevant) return { deploy: true, reasons };
  if (liveMarker?.dirty && owned) return { deploy: true, reasons: [...reasons, `${label}: a previous apply changed its configuration but did not finish deploying it`] };
  if (status === "running") return { deploy: false, reasons: [...reasons, `${label}: a deploy is in progress`] };
  if (status === "error") {
    return { deploy: false, reasons: [...reasons, `${label}: its last deploy failed; a change or a new dokploy-gitops/redeploy token deploys it again`] };
  }
  if (status !== "idle") return { deploy: false, reasons };
  // `queuedAt` is recorded only once Dokploy showed it took the deploy, so idle after it means stopped.
  if ((owned ? liveMarker?.queuedAt : undefined) === undefined) return { deploy: true, reasons: [...reasons, `${label}: has never been deployed by this tool`] };
  return { deploy: false, lifecycle: "start", reasons };
}

/** The two calls a database deploy needs. */
export interface DatabaseDeployCalls {
  /** The synchronous `deploy`. */
  deploy(): Promise<unknown>;
  /** The database's `applicationStatus`, read now. */
  status(): Promise<string>;
}

/** True for Dokploy's answer that the deploy itself failed (a 500 `Error on deploy ...`), as opposed to not reaching it. */
function deployFailed(err: unknown): err is DokployError {
  return err instanceof DokployError && err.status === 500;
}

/**
 * Runs a database's deploy in the applier's deploy phase.
 *
 * Following deploys (`apply`, waitForDeploys): the request is awaited without
 * holding a concurrency slot, bounded by the deploy timeout, and its answer
 * is the outcome.
 *
 * The daemon (waitForDeploys false) must never hold a pass on a pull that
 * can take minutes. The request is sent and left running in the background
 * (bounded by the endpoint's own deadline, `DATABASE_DEPLOY_TIMEOUT_MS`; its
 * outcome is only logged), and the pass waits just until Dokploy shows that
 * it took it (status `running`, or the answer came first), a few polls at
 * most. Later passes read the outcome from the status, as they read a
 * build's. The alternative, not sending it at all from the pass, would need
 * a second scheduler; and not confirming would let a process that exits
 * right after the pass (`apply --no-wait`) drop the request unsent.
 */
export async function runDatabaseDeploy(ctx: ApplyContext, step: PlanStep, calls: DatabaseDeployCalls): Promise<DeployOutcome> {
  const deps = ctx.deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let settled: { ok: true } | { ok: false; err: unknown } | undefined;
  const sent = calls.deploy().then(
    () => void (settled = { ok: true }),
    (err: unknown) => void (settled = { ok: false, err }),
  );
  if (deps.waitForDeploys === false) {
    let seen = false;
    for (let i = 0; i < CONFIRM_POLLS && settled === undefined && !seen; i++) {
      seen = (await calls.status()) === "running";
      if (!seen) await ctx.withoutSlot(() => sleep(deps.pollIntervalMs ?? 500));
    }
    const early = settled as typeof settled;
    if (early && !early.ok && !deployFailed(early.err)) throw early.err;
    // Not shown by Dokploy: the marker stays dirty, and the next pass deploys again.
    if (!early && !seen) throw new Error(`deploy sent, but Dokploy did not show it running after ${CONFIRM_POLLS} polls`);
    await recordQueued(ctx, step);
    void sent.then(() => {
      const done = settled as typeof settled;
      if (done && !done.ok) deps.log?.warn({ resource: step.key, err: done.err instanceof Error ? done.err.message : String(done.err) }, "database deploy failed");
    });
    return { status: "queued" };
  }
  const timeoutMs = deps.deployTimeoutMs ?? 600_000;
  let timer: NodeJS.Timeout | undefined;
  await ctx.withoutSlot(() => Promise.race([sent, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]));
  clearTimeout(timer);
  const outcome = settled as typeof settled;
  if (outcome === undefined) {
    await recordQueued(ctx, step);
    return { status: "timeout", message: `deploy did not answer within ${Math.round(timeoutMs / 1000)}s; Dokploy goes on with it` };
  }
  if (!outcome.ok && !deployFailed(outcome.err)) throw outcome.err;
  await recordQueued(ctx, step);
  if (outcome.ok) return { status: "done" };
  const err = outcome.err as DokployError;
  return { status: "error", message: err.dokployMessage ?? err.message };
}
