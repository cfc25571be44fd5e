/**
 * `redirects.*` (apps/dokploy/server/api/routers/redirects.ts, packages/server/src/services/redirect.ts):
 * application redirects. Quirks kept: `create` answers `true` with no id (and
 * accepts identical duplicates, each with its own `uniqueConfigKey`); an
 * unknown application is 400 `Error creating this redirect`; `update` is a
 * full replace and returns the row. Dokploy also rewrites the app's Traefik
 * middleware; nothing of that is visible through the API.
 */
import { SimError } from "../errors.ts";
import { redirectRow } from "../rows.ts";
import { definedOnly, type Handler } from "./context.ts";
import { findChild } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

const COLUMNS = ["regex", "replacement", "permanent"] as const;

/** Handlers by endpoint. */
export const redirectRoutes: Record<string, Handler> = {
  "redirects.create": (input, { store }) => {
    const applicationId = String(input.applicationId);
    if (!store.applications.has(applicationId)) throw new SimError("BAD_REQUEST", "Error creating this redirect");
    store.children.redirects.insert(redirectRow({
      redirectId: store.random.id(),
      regex: String(input.regex),
      replacement: String(input.replacement),
      permanent: input.permanent as boolean,
      uniqueConfigKey: store.children.nextRedirectConfigKey(),
      createdAt: store.now(),
      applicationId,
    }));
    return true;
  },

  "redirects.one": (input, { store }) => copy(findChild(store.children.redirects, input.redirectId, "Redirect not found")),

  "redirects.update": (input, { store }) => {
    const redirect = findChild(store.children.redirects, input.redirectId, "Redirect not found");
    return copy(store.children.redirects.patch(redirect.redirectId, definedOnly(input, COLUMNS)));
  },

  "redirects.delete": (input, { store }) => {
    const redirect = findChild(store.children.redirects, input.redirectId, "Redirect not found");
    return copy(store.children.redirects.remove(redirect.redirectId));
  },
};
