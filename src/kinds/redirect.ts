/**
 * Redirect (`redirects.*`): a regex redirect of an application, written into
 * Traefik's configuration at once (no deploy). Identified by its regex.
 * `redirects.create` answers `true` without an id, so the new entry is found
 * in `application.one` by its regex among those no record claims.
 */
import type { Manifest } from "../model/manifest.ts";
import { redirectsRouter, type RedirectRow } from "../dokploy/routers/redirects.ts";
import type { View } from "../plan/views.ts";
import { childList } from "./child-list.ts";
import type { ChildListKind } from "./types.ts";

const redirectView = (name: string, r: { regex: string; replacement: string; permanent?: boolean }): View => ({
  metadata: { name },
  spec: { regex: r.regex, replacement: r.replacement, permanent: r.permanent ?? false },
});

const body = (m: Manifest<"Redirect">): { regex: string; replacement: string; permanent: boolean } =>
  ({ regex: m.spec.regex, replacement: m.spec.replacement, permanent: m.spec.permanent ?? false });

export const redirect: ChildListKind<"Redirect", RedirectRow> = childList({
  kind: "Redirect",
  field: "redirects",
  noun: "redirect",
  services: ["Application"],
  deploy: false,
  listSeparately: false,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A regex redirect of an application (Traefik, effective at once), under the application's `redirects`.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: [] },
  entryKey: (s) => s.regex,
  rowKey: (r) => r.regex,
  rowId: (r) => r.redirectId,
  rows: (d) => d.children?.redirects as RedirectRow[] | undefined,
  desiredView: (m) => redirectView(m.metadata.name, m.spec),
  liveView: (name, r) => redirectView(name, r),
  list: async (api, parent) => (await api.applicationOne({ applicationId: parent.id })).redirects,
  create: async (ctx, parent, m) => {
    await ctx.api.call(redirectsRouter.create, { applicationId: parent.id, ...body(m) });
    return undefined;
  },
  update: (ctx, id, _parent, m) => ctx.api.call(redirectsRouter.update, { redirectId: id, ...body(m) }),
  remove: (api, id) => api.call(redirectsRouter.delete, { redirectId: id }),
});
