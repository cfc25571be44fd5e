/**
 * `mounts.*` (apps/dokploy/server/api/routers/mount.ts, packages/server/src/services/mount.ts):
 * mounts of any service, keyed by (serviceType, serviceId). Quirks kept: a
 * create without `serviceType` stores an orphan (no service column set); a
 * create for a missing service is 400 `Error Failed query: ...`; `update`
 * answers with the row as it was BEFORE the update; `listByServiceId` looks the
 * service up first (404 `<Kind> not found`, 401 for an unknown type). File
 * contents are stored, not written anywhere.
 */
import type { ServiceType } from "../../dokploy/routers/mounts.ts";
import { serviceIdColumn } from "../child-table.ts";
import { mountWithServices } from "../child-views.ts";
import { SimError } from "../errors.ts";
import { mountRow } from "../rows.ts";
import { definedOnly, failedInsert, type Handler } from "./context.ts";
import { findChild, postgresAccepts, isServiceType, patchChecked, SERVICE_NOT_FOUND } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** The columns `apiCreateMount` takes besides the service. */
const CREATE_COLUMNS = ["type", "hostPath", "volumeName", "filePath", "content", "serviceType", "mountPath"] as const;

/** Every column `apiUpdateMount` may set. */
const UPDATE_COLUMNS = [
  "mountId", "type", "hostPath", "volumeName", "filePath", "content", "serviceType", "mountPath", "applicationId",
  "composeId", "libsqlId", "mariadbId", "mongoId", "mysqlId", "postgresId", "redisId",
] as const;

/** Handlers by endpoint. */
export const mountRoutes: Record<string, Handler> = {
  "mounts.create": (input, { store }) => {
    const serviceType = input.serviceType as ServiceType | undefined;
    const values = {
      mountId: store.random.id(),
      ...definedOnly(input, CREATE_COLUMNS),
      // `createMount` sets the service's column only for a known serviceType: none when it is omitted.
      ...(serviceType ? { [serviceIdColumn(serviceType)]: String(input.serviceId) } : {}),
    };
    if (!postgresAccepts(store, values)) throw new SimError("BAD_REQUEST", `Error ${failedInsert("mount", values)}`);
    return copy(store.children.mounts.insert(mountRow(values as Parameters<typeof mountRow>[0])));
  },

  "mounts.one": (input, { store }) => mountWithServices(store, findChild(store.children.mounts, input.mountId, "Mount not found")),

  "mounts.update": (input, { store }) => {
    const mount = findChild(store.children.mounts, input.mountId, "Mount not found");
    // `updateMount` re-reads with `findMountById` outside its transaction: the answer is the old row.
    const before = mountWithServices(store, mount);
    patchChecked(store, store.children.mounts, "mount", mount.mountId, definedOnly(input, UPDATE_COLUMNS));
    return before;
  },

  "mounts.remove": (input, { store }) => {
    const mount = findChild(store.children.mounts, input.mountId, "Mount not found");
    return copy(store.children.mounts.remove(mount.mountId));
  },

  "mounts.listByServiceId": (input, { store }) => {
    const type = input.serviceType;
    const id = String(input.serviceId);
    if (!isServiceType(type)) {
      throw new SimError("UNAUTHORIZED", "You are not authorized to access this service or it does not exist");
    }
    if (!store.serviceRow(type, id)) throw new SimError("NOT_FOUND", SERVICE_NOT_FOUND[type]);
    return store.mountsOf(type, id).map(copy);
  },
};
