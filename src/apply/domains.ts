/**
 * Domain steps. Domains have no description, so ownership lives in the
 * application's marker: an intent (host, path) is recorded before
 * `domain.create` and the id after it, so a crash or a lost answer between
 * the two leaves a domain the next pass recognises as ours, never a stray.
 */
import { ownershipOf } from "../model/marker.ts";
import { resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import { desiredDomainView } from "../plan/views.ts";
import { domainPayload } from "./payloads.ts";
import type { StepOutcome } from "./types.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "./context.ts";

type Result = Partial<StepOutcome>;

export async function applyDomain(ctx: ApplyContext, step: PlanStep): Promise<Result> {
  const appKey = step.parentKey!;
  const name = step.identity.name;
  const m = step.manifest;
  switch (step.action) {
    case "create":
    case "update":
    case "adopt": {
      if (m?.kind !== "Domain") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredDomainView(name, m.spec);
      const payload = domainPayload(view);
      const policy = m.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {};
      const record = { host: payload.host, path: payload.path ?? "/", ...policy };
      const applicationId = ctx.idOf(appKey);
      if (step.action === "create") {
        await ctx.updateAppMarker(appKey, (mk) => {
          const existing = mk.domains?.[name];
          if (!existing || existing.host !== record.host || existing.path !== record.path) {
            mk.domains = { ...(mk.domains ?? {}), [name]: record };
          }
        });
        let domainId: string;
        try {
          domainId = (await ctx.api.domainCreate({ ...payload, applicationId })).domainId;
        } catch (err) {
          if (!mayHaveApplied(err)) throw err;
          domainId = await findUnrecorded(ctx, appKey, applicationId, record.host, record.path, err);
        }
        await ctx.updateAppMarker(appKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
        return { dokployId: domainId };
      }
      const domainId = ctx.idOf(step.key);
      if (step.action === "adopt") {
        await ctx.updateAppMarker(appKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
      }
      if (step.changes.length > 0) await ctx.api.domainUpdate({ domainId, ...payload });
      if (step.markerWrite && step.action === "update") {
        await ctx.updateAppMarker(appKey, (mk) => {
          mk.domains = { ...(mk.domains ?? {}), [name]: { ...record, id: domainId } };
        });
      }
      return { dokployId: domainId };
    }
    case "delete":
    case "orphan": {
      const domainId = ctx.idOf(step.key);
      const applicationId = ctx.idOf(appKey);
      let app;
      try {
        app = await ctx.api.applicationOne({ applicationId });
      } catch (err) {
        if (isNotFound(err)) return { dokployId: domainId };
        throw err;
      }
      const o = ownershipOf(app.description, ctx.instance, applicationId);
      if (o.kind !== "ours" || o.marker.domains?.[name]?.id !== domainId) {
        throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: re-read before ${step.action} shows its application no longer records it as ours; left untouched`);
      }
      if (step.action === "delete" && app.domains.some((d) => d.domainId === domainId)) {
        try {
          await ctx.api.domainDelete({ domainId });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      await ctx.updateAppMarker(appKey, (mk) => {
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
async function findUnrecorded(ctx: ApplyContext, appKey: string, applicationId: string, host: string, path: string, original: unknown): Promise<string> {
  const recorded = new Set(Object.values(ctx.appMarker(appKey)?.marker.domains ?? {}).map((r) => r.id).filter(Boolean));
  const found = (await ctx.api.domainByApplicationId({ applicationId })).filter(
    (d) => !recorded.has(d.domainId) && d.host === host && (d.path ?? "/") === path,
  );
  if (found.length !== 1) throw original;
  return found[0]!.domainId;
}
