/**
 * Dokploy's `schedule` router (v0.30.2: apps/dokploy/server/api/routers/schedule.ts,
 * packages/server/src/db/schema/schedule.ts, packages/server/src/services/schedule.ts):
 * cron jobs that run a command in a service's container. This tool manages
 * those of applications and compose services (`serviceName` picks the compose
 * service); `server` and `dokploy-server` schedules run scripts on hosts and
 * are not its business. Schedules are NOT part of any service's `one` answer:
 * read them with `list`, one call per service.
 */
import type { DeploymentRow, EnvironmentRow, ProjectRow } from "../types.ts";
import { mutation, query } from "../endpoint.ts";

/** `scheduleType` enum. */
export type ScheduleType = "application" | "compose" | "server" | "dokploy-server";
/** `shellType` enum. */
export type ShellType = "bash" | "sh";

/** A `schedule` row, every column in the table's order. The cron expression is not validated. */
export interface ScheduleRow {
  scheduleId: string;
  name: string;
  description: string | null;
  cronExpression: string;
  /** `schedule-<words>-<6 chars>` unless given: the job's directory, server-owned. */
  appName: string;
  /** The compose service the command runs in (compose schedules only). */
  serviceName: string | null;
  shellType: ShellType;
  scheduleType: ScheduleType;
  command: string;
  /** For `server`/`dokploy-server` schedules. */
  script: string | null;
  applicationId: string | null;
  composeId: string | null;
  serverId: string | null;
  organizationId: string | null;
  /** Default `true`: a new schedule runs at once unless told otherwise. */
  enabled: boolean;
  timezone: string | null;
  createdAt: string;
}

/** Optional columns of `createScheduleSchema`; omitted ones take the column defaults. */
interface ScheduleOptionalColumns {
  description?: string | null;
  /** Default `application`. */
  scheduleType?: ScheduleType;
  applicationId?: string | null;
  composeId?: string | null;
  serviceName?: string | null;
  /** Default `bash`. */
  shellType?: ShellType;
  script?: string | null;
  /** Default `true`. */
  enabled?: boolean;
  timezone?: string | null;
  /** Server-generated unless given (the schema accepts it). */
  appName?: string;
  serverId?: string | null;
  organizationId?: string | null;
}

/** `createScheduleSchema`. An unknown `applicationId`/`composeId` is a bare 500 `Failed query: insert into "schedule" ...`. */
export interface ScheduleCreateInput extends ScheduleOptionalColumns {
  name: string;
  cronExpression: string;
  command: string;
}

/** `updateScheduleSchema`: `name`, `cronExpression` and `command` are required; omitted optional columns keep their value. */
export interface ScheduleUpdateInput extends ScheduleCreateInput {
  scheduleId: string;
}

/** A service as `schedule.list` nests it. */
interface ScheduleListService {
  appName: string;
  name: string;
  serverId: string | null;
}

/** A `schedule.list` item: row + application/compose summary, server, and the schedule's run history. */
export interface ScheduleListItem extends ScheduleRow {
  application: (ScheduleListService & { applicationId: string }) | null;
  server: Record<string, unknown> | null;
  compose: (ScheduleListService & { composeId: string }) | null;
  /** Newest first. */
  deployments: DeploymentRow[];
}

type EnvironmentWithProject = EnvironmentRow & { project: ProjectRow };

/** `schedule.one`: row + the application (a few columns), the compose (every column) and the server. */
export interface ScheduleDetail extends ScheduleRow {
  application: { applicationId: string; appName: string; serverId: string | null; environment: EnvironmentWithProject } | null;
  compose: { composeId: string; name: string; appName: string; serverId: string | null; environment: EnvironmentWithProject; [column: string]: unknown } | null;
  server: Record<string, unknown> | null;
}

/** The procedures, with the retry safety the client applies to each. */
export const scheduleRouter = {
  /** Returns the inserted row. */
  create: mutation<ScheduleCreateInput, ScheduleRow>("schedule.create", "once"),
  /** 404 `Schedule not found`. */
  one: query<{ scheduleId: string }, ScheduleDetail>("schedule.one"),
  /** Returns the updated row; 404 `Schedule not found`. */
  update: mutation<ScheduleUpdateInput, ScheduleRow>("schedule.update", "idempotent"),
  /** Returns `true`; 404 `Schedule not found`. */
  delete: mutation<{ scheduleId: string }, true>("schedule.delete", "delete"),
  /** The schedules of one application (`scheduleType: "application"`) or compose, `createdAt` ascending. An unknown id gives `[]`. */
  list: query<{ id: string; scheduleType: ScheduleType }, ScheduleListItem[]>("schedule.list"),
} as const;
