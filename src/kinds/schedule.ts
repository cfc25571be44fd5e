/**
 * Schedule (`schedule.*`): a cron job run in an application's container, or
 * in one service of a compose stack (`serviceName`). Identified by its name.
 * Schedules are not part of any service's `one` answer: the observer lists
 * them (`schedule.list`, one call per service) only for a service whose
 * manifest declares `schedules` or whose marker records some, so a quiet plan
 * of services without schedules costs nothing more.
 */
import type { Manifest } from "../model/manifest.ts";
import { scheduleRouter, type ScheduleCreateInput, type ScheduleRow } from "../dokploy/routers/schedule.ts";
import type { DokployApi } from "../dokploy/port.ts";
import type { View } from "../plan/views.ts";
import { childList } from "./child-list.ts";
import type { ChildListKind, ChildParent } from "./types.ts";

const isCompose = (parent: ChildParent): boolean => parent.kind === "Compose";

/** The compared columns (`serviceName` only for a compose parent). */
function scheduleView(name: string, s: { name: string; cronExpression: string; command: string; shellType?: string | null; enabled?: boolean | null; timezone?: string | null; description?: string | null; serviceName?: string | null }, compose: boolean): View {
  return {
    metadata: { name },
    spec: {
      name: s.name, cronExpression: s.cronExpression, command: s.command, shellType: s.shellType ?? "bash", enabled: s.enabled ?? true,
      timezone: s.timezone ?? null, description: s.description ?? null, ...(compose ? { serviceName: s.serviceName ?? null } : {}),
    },
  };
}

function body(parent: ChildParent, m: Manifest<"Schedule">): ScheduleCreateInput {
  const v = scheduleView(m.metadata.name, m.spec, isCompose(parent)).spec as unknown as ScheduleCreateInput;
  return isCompose(parent)
    ? { ...v, scheduleType: "compose", composeId: parent.id }
    : { ...v, scheduleType: "application", applicationId: parent.id };
}

/**
 * Cancels an enabled schedule's cron job by disabling it (`update` replaces
 * `name`, `cronExpression` and `command`: the row's own go back). Needed
 * before its service's delete, which cascades the row but leaves the job,
 * which then fires and fails (`findScheduleById`) until Dokploy restarts
 * (packages/server/src/utils/schedules/utils.ts; `schedule.delete` itself
 * cancels it: apps/dokploy/server/api/routers/schedule.ts).
 */
async function unscheduleSchedule(api: DokployApi, r: ScheduleRow): Promise<void> {
  if (r.enabled !== true) return;
  await api.call(scheduleRouter.update, {
    scheduleId: r.scheduleId, name: r.name, cronExpression: r.cronExpression, command: r.command, scheduleType: r.scheduleType, enabled: false,
  });
}

export const schedule: ChildListKind<"Schedule", ScheduleRow> = childList({
  kind: "Schedule",
  field: "schedules",
  noun: "schedule",
  services: ["Application", "Compose"],
  deploy: false,
  listSeparately: true,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A cron job run in an application's container or a compose service, under the service's `schedules`.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: [] },
  entryKey: (s) => s.name,
  rowKey: (r) => r.name,
  rowId: (r) => r.scheduleId,
  rows: (d) => d.children?.schedules as ScheduleRow[] | undefined,
  desiredView: (m) => scheduleView(m.metadata.name, m.spec, m.identity.compose !== undefined),
  liveView: (name, r) => scheduleView(name, r, r.composeId !== null),
  list: (api, parent) => api.call(scheduleRouter.list, { id: parent.id, scheduleType: isCompose(parent) ? "compose" : "application" }),
  create: async (ctx, parent, m) => (await ctx.api.call(scheduleRouter.create, body(parent, m))).scheduleId,
  update: (ctx, id, parent, m) => ctx.api.call(scheduleRouter.update, { scheduleId: id, ...body(parent, m) }),
  unschedule: unscheduleSchedule,
  remove: (api, id) => api.call(scheduleRouter.delete, { scheduleId: id }),
});
