/**
 * `deployment.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/deployment.ts,
 * packages/server/src/services/deployment.ts) and its in-memory build queue
 * (apps/dokploy/server/queues/in-memory-queue.ts, queueSetup.ts, queue-types.ts).
 * `queueList` is what tells a reconciler that a build it asked for is still
 * waiting or running: the deployment row appears only when the job starts.
 */
import { query } from "../endpoint.ts";
import type { DeploymentRow } from "../types.ts";

interface QueueJobCommon {
  titleLog: string;
  descriptionLog: string;
  type: "deploy" | "redeploy";
  /** `!!serverId`. */
  server?: boolean;
  /** Absent (undefined) for the Dokploy server itself. */
  serverId?: string;
}

/** `DeploymentJob` (queue-types.ts): what a queued job deploys. */
export type QueueJobData =
  | (QueueJobCommon & { applicationType: "application"; applicationId: string })
  | (QueueJobCommon & { applicationType: "compose"; composeId: string })
  | (QueueJobCommon & { applicationType: "application-preview"; applicationId: string; previewDeploymentId: string });

/**
 * One `deployment.queueList` element. Jobs leave the queue the moment they
 * finish, so a list is usually short and says only "waiting" or "active".
 */
export interface QueueJobRow {
  /** `job-<n>`, counted from Dokploy's start. */
  id: string;
  name: string;
  data: QueueJobData;
  /** Enqueued at, epoch ms. */
  timestamp: number;
  /** Started at, epoch ms (active jobs only). */
  processedOn?: number;
  finishedOn?: number;
  failedReason?: string;
  state: "waiting" | "active";
  /** Where the UI shows the service; `href: null` when it is gone or in another organisation. */
  servicePath: { href: string | null; label: string };
}

/** The `deployment.*` procedures the reconciler and `export` use. */
export const deploymentRouter = {
  /** An application's deployments, newest first. */
  all: query<{ applicationId: string }, DeploymentRow[]>("deployment.all"),
  /** A compose's deployments, newest first. */
  allByCompose: query<{ composeId: string }, DeploymentRow[]>("deployment.allByCompose"),
  /** Waiting and running build jobs of the whole organisation, newest first. No input. */
  queueList: query<Record<string, never>, QueueJobRow[]>("deployment.queueList"),
} as const;
