/**
 * `domain.*`, `deployment.all` and `settings.getDokployVersion`
 * (apps/dokploy/server/api/routers/domain.ts, deployment.ts, settings.ts;
 * packages/server/src/db/validations/domain.ts). Domains have no host uniqueness; `domain.create` turns any failure
 * into a 400 carrying the error's message; explicit `null`s are stored as
 * `null` while omitted fields take the column defaults.
 */
import { notFound, SimError } from "../errors.ts";
import { domainRow } from "../rows.ts";
import type { DomainRecord } from "../types.ts";
import { domainWithApplication } from "../views.ts";
import { failedInsert, type Handler, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** The Dokploy version the simulator impersonates. */
export const DOKPLOY_VERSION = "v0.30.2";

function findDomain({ store }: RouteContext, domainId: unknown): DomainRecord {
  const d = store.domains.get(String(domainId));
  if (!d) throw notFound("Domain");
  return d;
}

function withoutUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** Handlers by endpoint. */
export const domainRoutes: Record<string, Handler> = {
  "domain.create": (input, { store }) => {
    try {
      const values = { domainId: store.random.id(), ...withoutUndefined(input), host: String(input.host).trim(), createdAt: store.now() };
      const appId = input.applicationId as string | null | undefined;
      const composeId = input.composeId as string | null | undefined;
      // Preview deployments are not simulated: any id of theirs is unknown. `serviceName` is not
      // checked here (a compose domain without it fails only at the compose's next deploy).
      if ((appId && !store.applications.has(appId)) || (composeId && !store.services.compose.has(composeId)) || input.previewDeploymentId) {
        throw new Error(failedInsert("domain", values));
      }
      const row = store.insertDomain(domainRow({ ...values, uniqueConfigKey: store.nextUniqueConfigKey() }));
      return copy(row);
    } catch (err) {
      throw new SimError("BAD_REQUEST", err instanceof Error ? err.message : "Error creating the domain");
    }
  },

  "domain.one": (input, ctx) => domainWithApplication(ctx.store, findDomain(ctx, input.domainId)),

  "domain.byApplicationId": (input, { store }) =>
    store.domainsOf(String(input.applicationId)).map((d) => domainWithApplication(store, d)),

  /** `findDomainsByComposeId`: rows + `compose{composeId, appName, name}`; an unknown id gives `[]`. */
  "domain.byComposeId": (input, { store }) =>
    store.composeDomainsOf(String(input.composeId)).map((d) => {
      const c = store.services.compose.get(String(d.composeId));
      return { ...copy(d), compose: c ? { composeId: c.composeId, appName: c.appName, name: c.name } : null };
    }),

  "domain.update": (input, ctx) => {
    const d = findDomain(ctx, input.domainId);
    const patch = withoutUndefined(input);
    if (typeof patch.host === "string") patch.host = patch.host.trim();
    ctx.store.patch("domain", d.domainId, patch);
    return copy(d);
  },

  "domain.delete": (input, ctx) => {
    const d = findDomain(ctx, input.domainId);
    return copy(ctx.store.removeDomain(d.domainId));
  },

  "deployment.all": (input, { store }) =>
    store
      .deploymentsOf(String(input.applicationId))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map(copy),

  "settings.getDokployVersion": () => DOKPLOY_VERSION,
};
