/**
 * `port.*` (apps/dokploy/server/api/routers/port.ts, packages/server/src/services/port.ts):
 * application ports. Quirks kept: any `create` failure is 400 `Error input:
 * Inserting port`; any `one` failure is 400 `Port not found`; `update` and
 * `delete` find the port first (404); no range or uniqueness check; `update`
 * is a full replace whose omitted `publishMode`/`protocol` were defaulted by
 * validation (`ingress`/`tcp`).
 */
import { portWithApplication } from "../child-views.ts";
import { SimError } from "../errors.ts";
import { portRow } from "../rows.ts";
import { definedOnly, failedUpdate, type Handler } from "./context.ts";
import { findChild, postgresAccepts } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

const COLUMNS = ["publishedPort", "publishMode", "targetPort", "protocol"] as const;

/** Handlers by endpoint. */
export const portRoutes: Record<string, Handler> = {
  "port.create": (input, { store }) => {
    const values = { portId: store.random.id(), ...definedOnly(input, COLUMNS), applicationId: String(input.applicationId) };
    // The handler wraps every failure (a missing application, a port that is no int4) alike.
    if (!postgresAccepts(store, values)) throw new SimError("BAD_REQUEST", "Error input: Inserting port");
    return copy(store.children.ports.insert(portRow(values as Parameters<typeof portRow>[0])));
  },

  "port.one": (input, { store }) =>
    portWithApplication(findChild(store.children.ports, input.portId, "Port not found", "BAD_REQUEST")),

  "port.update": (input, { store }) => {
    const port = findChild(store.children.ports, input.portId, "Port not found");
    // `.set()` gets the whole input, `portId` included; the handler re-wraps a refusal as 400.
    const patch = { portId: port.portId, ...definedOnly(input, COLUMNS) };
    if (!postgresAccepts(store, patch)) throw new SimError("BAD_REQUEST", failedUpdate("port", "portId", port.portId, patch));
    return copy(store.children.ports.patch(port.portId, patch));
  },

  "port.delete": (input, { store }) => {
    const port = findChild(store.children.ports, input.portId, "Port not found");
    return copy(store.children.ports.remove(port.portId));
  },
};
