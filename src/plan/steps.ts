/** Small builders shared by the planner modules. */
import type { AnyManifest } from "../model/manifest.ts";
import { renderDescription, type Marker } from "../model/marker.ts";
import { resourceLabel, type ResourceIdentity } from "../model/resource.ts";
import type { Action, PlanStep } from "./types.ts";

/** A new step with empty collections. */
export function newStep(identity: ResourceIdentity, key: string, action: Action, extra: Partial<PlanStep> = {}): PlanStep {
  return {
    key,
    kind: identity.kind,
    identity,
    action,
    changes: [],
    reasons: [],
    deploy: false,
    markerWrite: false,
    dependsOn: [],
    ...extra,
  };
}

/** The label used at the start of messages: `application/shop/production/web`. */
export function labelOf(m: AnyManifest | ResourceIdentity): string {
  return resourceLabel("identity" in m ? m.identity : m);
}

/** True when the live marker differs from the one the object should carry. */
export function markerDiffers(live: Marker | undefined, desired: Marker): boolean {
  if (!live) return true;
  return renderDescription("", live) !== renderDescription("", desired);
}
