/**
 * Port (`port.*`): a port an application publishes through Docker Swarm,
 * listed in its `ports`. Identified by `publishedPort` + `protocol`. Ports
 * come with `application.one`, so a quiet plan reads them for free; a change
 * takes effect on the application's next deploy.
 */
import type { Manifest } from "../model/manifest.ts";
import { portRouter, type PortRow } from "../dokploy/routers/port.ts";
import type { View } from "../plan/views.ts";
import { childList } from "./child-list.ts";
import type { ChildListKind } from "./types.ts";

const portView = (name: string, p: { publishedPort: number; targetPort: number; protocol?: string; publishMode?: string }): View => ({
  metadata: { name },
  spec: { publishedPort: p.publishedPort, targetPort: p.targetPort, protocol: p.protocol ?? "tcp", publishMode: p.publishMode ?? "ingress" },
});

/** `port.create`/`update` body from the desired entry, defaults filled in (Dokploy's zod defaults are the same). */
function body(m: Manifest<"Port">): { publishedPort: number; targetPort: number; protocol: "tcp" | "udp"; publishMode: "ingress" | "host" } {
  return { publishedPort: m.spec.publishedPort, targetPort: m.spec.targetPort, protocol: m.spec.protocol ?? "tcp", publishMode: m.spec.publishMode ?? "ingress" };
}

export const port: ChildListKind<"Port", PortRow> = childList({
  kind: "Port",
  field: "ports",
  noun: "port",
  services: ["Application"],
  deploy: true,
  listSeparately: false,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A port an application publishes (Docker Swarm), under the application's `ports`.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: [] },
  entryKey: (s) => `${s.publishedPort}/${s.protocol ?? "tcp"}`,
  rowKey: (r) => `${r.publishedPort}/${r.protocol}`,
  rowId: (r) => r.portId,
  rows: (d) => d.children?.ports as PortRow[] | undefined,
  desiredView: (m) => portView(m.metadata.name, m.spec),
  liveView: (name, r) => portView(name, r),
  list: async (api, parent) => (await api.applicationOne({ applicationId: parent.id })).ports,
  create: async (ctx, parent, m) => (await ctx.api.call(portRouter.create, { applicationId: parent.id, ...body(m) })).portId,
  update: (ctx, id, _parent, m) => ctx.api.call(portRouter.update, { portId: id, ...body(m) }),
  remove: (api, id) => api.call(portRouter.delete, { portId: id }),
});
