/**
 * `schedule.*` (apps/dokploy/server/api/routers/schedule.ts, packages/server/src/services/schedule.ts):
 * cron jobs of applications and compose services. Quirks kept: a new schedule
 * is `enabled` unless told otherwise; the cron string is not validated; a
 * missing application or compose is a bare 500 `Failed query: insert into
 * "schedule" ...`; `update` needs `name`, `cronExpression` and `command` and
 * returns the row; `delete` returns `true`; `list` of an unknown id is `[]`.
 * Jobs never run (no deployments appear), but their registration is kept
 * (`store.cron`): `delete` cancels the job. Server schedules need a server,
 * which is not simulated.
 */
import type { ScheduleType } from "../../dokploy/routers/schedule.ts";
import { scheduleDetail, scheduleListItem } from "../child-views.ts";
import { SimError } from "../errors.ts";
import { ORGANIZATION_ID, scheduleRow } from "../rows.ts";
import type { ScheduleRecord } from "../child-types.ts";
import { definedOnly, type Handler, type Input } from "./context.ts";
import { findChild, generatedAppName, insertChecked, patchChecked } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** Every column of `createScheduleSchema` (`scheduleId` is dropped by `createSchedule`). */
const COLUMNS = [
  "name", "description", "cronExpression", "appName", "serviceName", "shellType", "scheduleType", "command", "script",
  "applicationId", "composeId", "serverId", "organizationId", "enabled", "timezone", "createdAt",
] as const;

const byCreatedAt = (a: ScheduleRecord, b: ScheduleRecord): number => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0);

/** `assertHostScheduleAccess` for an owner: a `server` schedule needs its server to exist. */
function assertHostAccess(type: unknown, serverId: unknown): void {
  if (type === "server" && typeof serverId === "string" && serverId !== "") throw new SimError("NOT_FOUND", "Server not found");
}

/** Handlers by endpoint. */
export const scheduleRoutes: Record<string, Handler> = {
  "schedule.create": (input, { store }) => {
    assertHostAccess(input.scheduleType, input.serverId);
    const values: Input = {
      scheduleId: store.random.id(),
      ...definedOnly(input, COLUMNS),
      ...(input.scheduleType === "dokploy-server" ? { organizationId: ORGANIZATION_ID } : {}),
    };
    values.appName ??= generatedAppName(store, "schedule");
    values.createdAt ??= store.now();
    const row = insertChecked(store, store.children.schedules, "schedule", values, () => scheduleRow(values as Parameters<typeof scheduleRow>[0]));
    if (row.enabled) store.cron.register("schedule", row.scheduleId);
    return copy(row);
  },

  "schedule.one": (input, { store }) => scheduleDetail(store, findChild(store.children.schedules, input.scheduleId, "Schedule not found")),

  "schedule.update": (input, { store }) => {
    const schedule = findChild(store.children.schedules, input.scheduleId, "Schedule not found");
    assertHostAccess(input.scheduleType, input.serverId ?? schedule.serverId);
    const row = patchChecked(store, store.children.schedules, "schedule", schedule.scheduleId, definedOnly(input, COLUMNS));
    store.cron.reschedule("schedule", row.scheduleId, row.enabled);
    return copy(row);
  },

  "schedule.delete": (input, { store }) => {
    const schedule = findChild(store.children.schedules, input.scheduleId, "Schedule not found");
    store.children.schedules.remove(schedule.scheduleId);
    store.cron.cancel(schedule.scheduleId);
    return true;
  },

  "schedule.list": (input, { store }) => {
    const id = String(input.id);
    const type = input.scheduleType as ScheduleType;
    const { schedules } = store.children;
    let rows: ScheduleRecord[];
    if (type === "application") rows = schedules.byParent("applicationId", id);
    else if (type === "compose") rows = schedules.byParent("composeId", id);
    else if (type === "server") throw new SimError("NOT_FOUND", "Server not found");
    else rows = schedules.all().filter((s) => s.organizationId === ORGANIZATION_ID);
    return [...rows].sort(byCreatedAt).map((s) => scheduleListItem(store, s));
  },
};
