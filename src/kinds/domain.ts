/**
 * Domain (`domain.*`), of an application or of a compose stack. Domains have
 * no description, so ownership lives in the parent service's marker
 * (`domains: {<name>: {host, path, id?}}`): an intent (host, path) is
 * recorded before `domain.create` and the id after it, so a crash or a lost
 * answer between the two leaves a domain the next pass recognises as ours,
 * never a stray. A compose domain also names the compose service that
 * receives the traffic (`serviceName`).
 */
import type { DomainCreateInput, DomainRow } from "../dokploy/types.ts";
import { domainRouter } from "../dokploy/routers/domain.ts";
import { ownershipOf, type Marker } from "../model/marker.ts";
import type { Manifest } from "../model/manifest.ts";
import { resourceLabel } from "../model/resource.ts";
import type { DomainSpec } from "../model/spec.ts";
import type { PlanStep } from "../plan/types.ts";
import { DEFAULTS, emptyToNull, type View } from "../plan/views.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "../apply/context.ts";
import { dnsLabel } from "../util/dns-label.ts";
import type { RecordKey, RecordKind, StepResult } from "./types.ts";

const isCompose = (m: Manifest<"Domain">): boolean => m.metadata.compose !== undefined;

/** Omitted fields take Dokploy's defaults, as `manifests-schema/domain.schema.json` documents them. */
export function desiredDomainView(name: string, spec: DomainSpec, compose = false): View {
  const https = spec.https ?? false;
  return {
    metadata: { name },
    spec: {
      host: spec.host,
      path: spec.path ?? DEFAULTS.domainPath,
      port: spec.port ?? DEFAULTS.domainPort,
      https,
      certificateType: spec.certificateType ?? "none",
      customCertResolver: emptyToNull(spec.customCertResolver ?? null),
      internalPath: spec.internalPath ?? DEFAULTS.internalPath,
      stripPath: spec.stripPath ?? false,
      ...(compose ? { serviceName: spec.serviceName ?? null } : {}),
    },
  };
}

/** A live domain in the same shape; `serviceName` is compared only for compose domains. */
export function liveDomainView(name: string, d: DomainRow): View {
  return {
    metadata: { name },
    spec: {
      host: d.host,
      path: d.path ?? DEFAULTS.domainPath,
      port: d.port,
      https: d.https,
      certificateType: d.certificateType,
      customCertResolver: emptyToNull(d.customCertResolver),
      internalPath: d.internalPath ?? DEFAULTS.internalPath,
      stripPath: d.stripPath,
      ...(d.composeId ? { serviceName: d.serviceName } : {}),
    },
  };
}

/** `domain.create`/`domain.update` body (without ids). */
export function domainPayload(view: View, compose: boolean): Omit<DomainCreateInput, "applicationId"> & { serviceName?: string | null } {
  const d = view.spec;
  const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    host: String(d.host),
    path: s(d.path),
    port: d.port as number,
    https: Boolean(d.https),
    certificateType: d.certificateType as DomainCreateInput["certificateType"],
    customCertResolver: s(d.customCertResolver),
    internalPath: s(d.internalPath),
    stripPath: Boolean(d.stripPath),
    domainType: compose ? "compose" : "application",
    ...(compose ? { serviceName: s(d.serviceName) } : {}),
  };
}

/** A domain's public URL, as a browser would reach it. */
function domainUrl(m: Manifest<"Domain">): string {
  const path = m.spec.path ?? DEFAULTS.domainPath;
  return `${m.spec.https ? "https" : "http"}://${m.spec.host}${path === "/" ? "" : path}`;
}

/** The natural key of a live domain: host and path. */
const liveKey = (row: DomainRow): RecordKey => ({ host: row.host, path: row.path ?? "/" });

/**
 * The service's marker with an intent for each of this plan's domain creates
 * under it (written before `domain.create`, so a lost answer is recognised).
 */
export function withRecordIntents(ctx: ApplyContext, serviceKey: string, marker: Marker): Marker {
  const domains = { ...(marker.domains ?? {}) };
  for (const s of ctx.plan.steps) {
    if (s.kind !== "Domain" || s.parentKey !== serviceKey || s.action !== "create" || s.manifest?.kind !== "Domain") continue;
    const v = domain.naturalKey(s.manifest);
    domains[s.identity.name] = { host: v.host, path: v.path, ...(s.manifest.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}) };
  }
  return Object.keys(domains).length > 0 ? { ...marker, domains } : marker;
}

/** Domains of a service that its marker does not record: Dokploy would delete them with the service. */
export function foreignDomains(domains: readonly DomainRow[], marker: Marker): string[] {
  const recorded = new Set(Object.values(marker.domains ?? {}).map((r) => r.id));
  const foreign = domains.filter((d) => !recorded.has(d.domainId));
  return foreign.length > 0 ? [`${foreign.length} domain(s) not managed by dokploy-gitops (${foreign.map((d) => d.host).join(", ")})`] : [];
}

async function applyDomain(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
  const parentKey = step.parentKey!;
  const parentKind = step.identity.compose !== undefined ? "Compose" : "Application";
  const name = step.identity.name;
  const m = step.manifest;
  switch (step.action) {
    case "create":
    case "update":
    case "adopt": {
      if (m?.kind !== "Domain") throw new Error(`${step.key}: internal error: no manifest`);
      const compose = isCompose(m);
      const payload = domainPayload(domain.desiredView(m), compose);
      const policy = m.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {};
      const record = { host: payload.host, path: payload.path ?? "/", ...policy };
      const parentId = ctx.idOf(parentKey);
      const owner = compose ? { composeId: parentId } : { applicationId: parentId };
      if (step.action === "create") {
        await ctx.updateServiceMarker(parentKey, (mk) => {
          const existing = mk.domains?.[name];
          if (!existing || existing.host !== record.host || existing.path !== record.path) {
            mk.domains = { ...(mk.domains ?? {}), [name]: record };
          }
        });
        let domainId: string;
        try {
          domainId = (await ctx.api.domainCreate({ ...payload, ...owner } as DomainCreateInput)).domainId;
        } catch (err) {
          if (!mayHaveApplied(err)) throw err;
          domainId = await findUnrecorded(ctx, parentKey, compose, parentId, record, err);
        }
        await ctx.updateServiceMarker(parentKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
        return { dokployId: domainId };
      }
      const domainId = ctx.idOf(step.key);
      if (step.action === "adopt") {
        await ctx.updateServiceMarker(parentKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
      }
      if (step.changes.length > 0) await ctx.api.domainUpdate({ domainId, ...payload });
      if (step.markerWrite && step.action === "update") {
        await ctx.updateServiceMarker(parentKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
      }
      return { dokployId: domainId };
    }
    case "delete":
    case "orphan": {
      const domainId = ctx.idOf(step.key);
      const parentId = ctx.idOf(parentKey);
      let parent;
      try {
        parent = await ctx.readService(parentKind, parentId);
      } catch (err) {
        if (isNotFound(err)) return { dokployId: domainId };
        throw err;
      }
      // The second proof: the parent, re-read now, still records this domain as ours.
      const o = ownershipOf(parent.description, ctx.instance, parentId);
      if (o.kind !== "ours" || o.marker.domains?.[name]?.id !== domainId) {
        throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: re-read before ${step.action} shows its ${parentKind === "Compose" ? "compose" : "application"} no longer records it as ours; left untouched`);
      }
      if (step.action === "delete" && parent.domains.some((d) => d.domainId === domainId)) {
        try {
          await ctx.api.domainDelete({ domainId });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      await ctx.updateServiceMarker(parentKey, (mk) => {
        if (mk.domains) {
          const { [name]: _gone, ...rest } = mk.domains;
          mk.domains = rest;
        }
      });
      return { dokployId: domainId };
    }
    default:
      return {};
  }
}

/** After a create whose answer was lost: the one domain with this host+path that no record claims. */
async function findUnrecorded(ctx: ApplyContext, parentKey: string, compose: boolean, parentId: string, key: RecordKey, original: unknown): Promise<string> {
  const recorded = new Set(Object.values(ctx.serviceMarker(parentKey)?.marker.domains ?? {}).map((r) => r.id).filter(Boolean));
  const rows = compose ? await ctx.api.call(domainRouter.byComposeId, { composeId: parentId }) : await ctx.api.domainByApplicationId({ applicationId: parentId });
  const found = rows.filter((d) => !recorded.has(d.domainId) && d.host === key.host && (d.path ?? "/") === key.path);
  if (found.length !== 1) throw original;
  return found[0]!.domainId;
}

export const domain: RecordKind<"Domain"> = {
  kind: "Domain",
  family: "record",
  refs: ["project", "environment"],
  parentRefs: [{ kind: "Application", ref: "application" }, { kind: "Compose", ref: "compose" }],
  recordField: "domains",
  schemaFile: "domain.schema.json",
  summary: "A domain routed by Traefik to an application or to a service of a compose stack.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: [] },
  desiredView: (m: Manifest<"Domain">) => desiredDomainView(m.metadata.name, m.spec, isCompose(m)),
  liveView: liveDomainView,
  naturalKey: (m: Manifest<"Domain">) => ({ host: m.spec.host, path: m.spec.path ?? DEFAULTS.domainPath }),
  referenceable: {
    host: { secret: false, source: "manifest", description: "Its host name (`spec.host`).", read: (m) => m.spec.host },
    url: { secret: false, source: "manifest", description: "Its public URL: `http(s)://<host><path>` (`https://shop.example.com/api`), the scheme from `spec.https`.", read: domainUrl },
  },
  liveKey,
  exportSpec: (row) => ({ spec: liveDomainView("", row).spec }),
  // shop.example.com + /api -> shop-example-com-api
  exportName: (row) => dnsLabel([row.host, ...((row.path ?? "/") === "/" ? [] : [row.path!])], "domain"),
  apply: applyDomain,
};
