/**
 * Dokploy's in-process cron registry (node-schedule's `scheduledJobs`, one job
 * per enabled schedule, volume backup or database backup, named by the row's id), simulated so
 * that what Dokploy forgets to cancel shows. Kept as on a real server:
 * `schedule.create`/`update` (re)register or cancel their job and
 * `schedule.delete` cancels it (apps/dokploy/server/api/routers/schedule.ts);
 * `volumeBackups.create`/`update` do the same, but `volumeBackups.delete`
 * cancels nothing (apps/dokploy/server/api/routers/volume-backups.ts), and a
 * service's delete cascades its schedules and volume backups in the database
 * without cancelling any job (apps/dokploy/server/api/routers/application.ts,
 * compose.ts...). A database's backups (`backup.*`) are rescheduled by
 * `create`/`update` and cancelled by `remove` (apps/dokploy/server/api/routers/backup.ts);
 * the postgres, mysql, mariadb and mongo `remove` cancel them (`cancelJobs`),
 * LibSQL's does not (apps/dokploy/server/api/routers/libsql.ts), nor does a
 * compose's delete its compose backups. Such a stray job keeps firing until Dokploy
 * restarts, and fails each time (`findScheduleById`/`findVolumeBackupById`
 * throw: packages/server/src/utils/schedules/utils.ts `runCommand`,
 * packages/server/src/utils/volume-backups/utils.ts `runVolumeBackup`).
 * A restart registers the enabled rows only (`initCronJobs`,
 * `initVolumeBackupsCronJobs`, the backups' init): `reset` does that.
 */

/** What a job runs. */
export type CronJobKind = "schedule" | "volumeBackup" | "backup";

/** One registered job, as `control.state()` shows it; `stray` when its row is gone. */
export interface CronJobState {
  kind: CronJobKind;
  id: string;
  stray: boolean;
}

/** The registry: job name (the row id) -> what it runs. */
export class CronJobs {
  readonly #jobs = new Map<string, CronJobKind>();

  /** Registers (or replaces) the job of row `id`. */
  register(kind: CronJobKind, id: string): void {
    this.#jobs.set(id, kind);
  }

  /** Cancels the job of row `id`, if any. */
  cancel(id: string): void {
    this.#jobs.delete(id);
  }

  /** What `update` does: cancel, then register again when the row is enabled. */
  reschedule(kind: CronJobKind, id: string, enabled: unknown): void {
    this.cancel(id);
    if (enabled === true) this.register(kind, id);
  }

  /** A restart: exactly the enabled rows are registered. */
  reset(enabled: ReadonlyArray<{ kind: CronJobKind; id: string }>): void {
    this.#jobs.clear();
    for (const j of enabled) this.register(j.kind, j.id);
  }

  /** Every job, `stray` when `exists` says its row is gone. */
  list(exists: (kind: CronJobKind, id: string) => boolean): CronJobState[] {
    return [...this.#jobs].map(([id, kind]) => ({ kind, id, stray: !exists(kind, id) }));
  }
}
