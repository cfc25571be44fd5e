/**
 * Security (`security.*`): a basic-auth user of an application, written into
 * Traefik's configuration at once (no deploy). Identified by its username
 * (unique per application in Dokploy). The password is a secret: compared in
 * memory against Dokploy's plaintext copy, never shown; Dokploy echoes it in
 * the error of a refused insert or update, so those errors are redacted here.
 * `security.create` answers `true` without an id: the new user is found in
 * `application.one` by username.
 */
import type { Manifest } from "../model/manifest.ts";
import { securityRouter, type SecurityRow } from "../dokploy/routers/security.ts";
import { resolve } from "../apply/payloads.ts";
import type { ApplyContext } from "../apply/context.ts";
import { envValueText, type View } from "../plan/views.ts";
import { childList, redactedError } from "./child-list.ts";
import type { ChildListKind } from "./types.ts";

/** Sends a call whose body holds `password`, masking it in any error. */
async function guarded<T>(password: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw redactedError(err, password);
  }
}

const password = (ctx: ApplyContext, m: Manifest<"Security">): string => String(resolve(envValueText(m.spec.password), ctx.secrets, "/spec/password"));

export const security: ChildListKind<"Security", SecurityRow> = childList({
  kind: "Security",
  field: "security",
  noun: "basic-auth user",
  services: ["Application"],
  deploy: false,
  listSeparately: false,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A basic-auth user of an application (Traefik, effective at once), under the application's `security`.",
  fields: { deploy: [], secretMaps: ["/spec/password"], hiddenLiveMaps: [] },
  entryKey: (s) => s.username,
  rowKey: (r) => r.username,
  rowId: (r) => r.securityId,
  rows: (d) => d.children?.security as SecurityRow[] | undefined,
  desiredView: (m): View => ({ metadata: { name: m.metadata.name }, spec: { username: m.spec.username, password: envValueText(m.spec.password) } }),
  liveView: (name, r): View => ({ metadata: { name }, spec: { username: r.username, password: r.password } }),
  list: async (api, parent) => (await api.applicationOne({ applicationId: parent.id })).security,
  create: async (ctx, parent, m) => {
    const secret = password(ctx, m);
    await guarded(secret, () => ctx.api.call(securityRouter.create, { applicationId: parent.id, username: m.spec.username, password: secret }));
    return undefined;
  },
  update: (ctx, id, _parent, m) => {
    const secret = password(ctx, m);
    return guarded(secret, () => ctx.api.call(securityRouter.update, { securityId: id, username: m.spec.username, password: secret }));
  },
  remove: (api, id) => api.call(securityRouter.delete, { securityId: id }),
});
