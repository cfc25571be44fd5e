/**
 * Mount (`mounts.*`): a volume, bind mount or file of a service, listed in
 * its `mounts` (applications, compose stacks and databases). Identified by
 * `mountPath`. A database's data volume, which Dokploy mounts when it creates
 * the database, belongs to the database: never listed as an entry, and a
 * desired entry at its path is a conflict. Mounts come with the service's
 * `one` answer; a change takes effect on the service's next deploy.
 *
 * A file mount's `content` is inline, a file beside the manifest
 * (`{file: PATH}`, read from the same revision as an input of the manifest),
 * or a secret reference. A secret reference, or `secret: true`, keeps the
 * content out of every plan: it is compared by hash (or in memory against
 * the resolved value) and never shown.
 */
import { createHash } from "node:crypto";
import type { Manifest } from "../model/manifest.ts";
import { isSecretRef, type MountSpec } from "../model/spec.ts";
import { mountsRouter, SERVICE_TYPES, type MountRow, type ServiceType } from "../dokploy/routers/mounts.ts";
import type { Kind } from "../model/resource.ts";
import { resolve } from "../apply/payloads.ts";
import type { SecretValues } from "../plan/secrets.ts";
import type { View } from "../plan/views.ts";
import { childList } from "./child-list.ts";
import type { ChildListKind, ChildParent } from "./types.ts";

/** The pointer (in the entry's own spec) of a file mount's content file. */
export const MOUNT_CONTENT_FILE = "/spec/content/file";

/** The services that carry mounts: mounts.create's serviceType enum (apps/dokploy/server/api/routers/mount.ts), every service kind. */
export const MOUNT_SERVICES: readonly Kind[] = ["Application", "Compose", "Postgres", "MySQL", "MariaDB", "Mongo", "Redis", "LibSQL"];

/** Dokploy's `serviceType` of a parent: its kind lowercased (`Postgres` is `postgres`, `LibSQL` is `libsql`). */
export const serviceTypeOf = (kind: Kind): ServiceType => {
  const type = kind.toLowerCase();
  if (!(SERVICE_TYPES as readonly string[]).includes(type)) throw new Error(`${kind}: internal error: not a service that carries mounts`);
  return type as ServiceType;
};
const serviceType = (parent: ChildParent): ServiceType => serviceTypeOf(parent.kind);
const sha256 = (text: string): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;
/** A file mount's default file name: the last segment of its mount path. */
const defaultFilePath = (mountPath: string): string => mountPath.split("/").filter(Boolean).pop() ?? "file";

type FileMount = Extract<MountSpec, { type: "file" }>;

/** The content as text, or the secret reference that holds it. */
function contentOf(m: Manifest<"Mount">, spec: FileMount): string | { $secret: { fromEnv: string } | { fromFile: string } } {
  const c = spec.content;
  if (isSecretRef(c)) return { $secret: c };
  if (typeof c === "string") return c;
  return m.inputs?.[MOUNT_CONTENT_FILE] ?? "";
}

function mountView(m: Manifest<"Mount">): View {
  const s = m.spec;
  const base = { type: s.type, mountPath: s.mountPath };
  switch (s.type) {
    case "volume":
      return { metadata: { name: m.metadata.name }, spec: { ...base, volumeName: s.volumeName } };
    case "bind":
      return { metadata: { name: m.metadata.name }, spec: { ...base, hostPath: s.hostPath } };
    case "file": {
      const content = contentOf(m, s);
      const hidden = typeof content !== "string" ? { secretContent: content } : s.secret ? { secretContent: sha256(content) } : { content };
      return { metadata: { name: m.metadata.name }, spec: { ...base, filePath: s.filePath ?? defaultFilePath(s.mountPath), ...hidden } };
    }
  }
}

function liveMountView(name: string, r: MountRow, desired: Manifest<"Mount"> | undefined): View {
  const base = { type: r.type, mountPath: r.mountPath };
  switch (r.type) {
    case "volume":
      return { metadata: { name }, spec: { ...base, volumeName: r.volumeName } };
    case "bind":
      return { metadata: { name }, spec: { ...base, hostPath: r.hostPath } };
    case "file": {
      const d = desired?.spec.type === "file" ? desired.spec : undefined;
      const text = r.content ?? "";
      // Compared the way the desired entry holds it: the plaintext only against a secret slot (never shown), else a hash.
      const hidden = d && isSecretRef(d.content) ? { secretContent: text } : d?.secret ? { secretContent: sha256(text) } : { content: text };
      return { metadata: { name }, spec: { ...base, filePath: r.filePath, ...hidden } };
    }
  }
}

/** The columns to send: every column of the mount's type, the others cleared (an update keeps what it is not sent). */
function columns(m: Manifest<"Mount">, secrets: SecretValues): { type: MountRow["type"]; mountPath: string; hostPath: string | null; volumeName: string | null; filePath: string | null; content: string | null } {
  const s = m.spec;
  const none = { hostPath: null, volumeName: null, filePath: null, content: null };
  switch (s.type) {
    case "volume":
      return { type: s.type, mountPath: s.mountPath, ...none, volumeName: s.volumeName };
    case "bind":
      return { type: s.type, mountPath: s.mountPath, ...none, hostPath: s.hostPath };
    case "file":
      return { type: s.type, mountPath: s.mountPath, ...none, filePath: s.filePath ?? defaultFilePath(s.mountPath), content: String(resolve(contentOf(m, s), secrets, "/spec/content")) };
  }
}

export const mount: ChildListKind<"Mount", MountRow> = childList({
  kind: "Mount",
  field: "mounts",
  noun: "mount",
  services: MOUNT_SERVICES,
  deploy: true,
  listSeparately: false,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A volume, bind mount or file of a service, under the service's `mounts`.",
  fields: { deploy: [], secretMaps: ["/spec/secretContent"], hiddenLiveMaps: [] },
  entryKey: (s) => s.mountPath,
  rowKey: (r) => r.mountPath,
  rowId: (r) => r.mountId,
  rows: (d) => d.children?.mounts as MountRow[] | undefined,
  // The data volume Dokploy mounts when it creates a database (`<appName>-data`): the database's own, never an entry.
  builtIn: (r, d) => r.serviceType !== "application" && r.serviceType !== "compose" && r.type === "volume" && r.volumeName === `${d.appName}-data`,
  desiredView: mountView,
  liveView: liveMountView,
  list: (api, parent) => api.call(mountsRouter.listByServiceId, { serviceId: parent.id, serviceType: serviceType(parent) }),
  create: async (ctx, parent, m) => (await ctx.api.call(mountsRouter.create, { serviceId: parent.id, serviceType: serviceType(parent), ...columns(m, ctx.secrets) })).mountId,
  update: (ctx, id, _parent, m) => ctx.api.call(mountsRouter.update, { mountId: id, ...columns(m, ctx.secrets) }),
  remove: (api, id) => api.call(mountsRouter.remove, { mountId: id }),
});

/** The files a service's mounts name (`content: {file: PATH}`), as inputs of its manifest. */
export function mountInputs(mounts: readonly MountSpec[] | undefined): Array<{ pointer: string; path: string }> {
  const out: Array<{ pointer: string; path: string }> = [];
  (mounts ?? []).forEach((s, i) => {
    if (s.type === "file" && typeof s.content === "object" && "file" in s.content) out.push({ pointer: `/spec/mounts/${i}/content/file`, path: s.content.file });
  });
  return out;
}
