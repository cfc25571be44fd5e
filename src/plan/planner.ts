/**
 * The planner: desired manifests + observed live state -> Plan. Pure (no I/O),
 * so table and property tests can prove its safety promise: a step that
 * writes or deletes targets only an object that is ours (marker of this
 * instance with its own id, or a sole pending claimant) or that its manifest
 * explicitly adopts.
 *
 * The walk is generic over the kind registry: containers (`containers.ts`),
 * then the services of each environment and the records under each service
 * (`services.ts`, `records.ts`), then removals (`prune.ts`).
 */
import type { ObservedState } from "../model/observed.ts";
import type { DesiredState } from "../model/manifest.ts";
import { kindRank } from "../kinds/registry.ts";
import { PlanBuilder } from "./builder.ts";
import { planProjects } from "./containers.ts";
import { planPrunes, applyGuards, type PruneContext } from "./prune.ts";
import { ReferenceValues, linkReferences, targetStates, usesReferences } from "./references.ts";
import type { SecretValues } from "./secrets.ts";
import { ACTIONS, type Action, type Plan, type PlanSettings, type PlanStep } from "./types.ts";

export interface PlanInput {
  desired: DesiredState;
  observed: ObservedState;
  secrets: SecretValues;
  settings: PlanSettings;
  revision?: string;
  apiCalls?: number;
  /** The current time (ms since epoch), for the deploy-queue grace window; default now. */
  now?: number;
}

/**
 * Plans a revision. With value references, in two passes over the same pure
 * walk: the first learns where each referenced resource stands (created by
 * this apply, live, in conflict: none of that depends on reference values),
 * the second diffs with every reference resolved from it (`references.ts`).
 */
export function planReconcile(input: PlanInput): Plan {
  const { desired, observed, secrets } = input;
  const now = input.now ?? Date.now();
  if (!usesReferences(desired)) return planPass(input, now, undefined);
  const first = planPass(input, now, new ReferenceValues(desired, () => undefined, secrets));
  const targets = targetStates(first.steps, observed);
  return planPass(input, now, new ReferenceValues(desired, (key) => targets.get(key), secrets));
}

function planPass(input: PlanInput, now: number, references: ReferenceValues | undefined): Plan {
  const { desired, observed, secrets, settings } = input;
  const b = new PlanBuilder(desired, secrets, settings, now, observed.queue ? new Set(observed.queue) : undefined, references);
  if (observed.destinations) b.lookups = { destinations: new Map(observed.destinations.map((d) => [d.name, d.destinationId])) };
  planProjects(b, observed);
  const steps = b.steps;
  if (references) linkReferences(steps, references);
  const desiredKeys = new Set(desired.manifests.map((m) => m.key));
  const pruneCtx: PruneContext = { instance: b.instance, settings, desiredKeys, steps };
  planPrunes(observed, pruneCtx);
  const refusals = applyGuards(steps, desired, settings);

  const warnings = b.warnings;
  for (const s of steps) if (s.action === "conflict") warnings.push(...s.reasons);
  steps.sort(compareSteps);
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const s of steps) counts[s.action]++;
  const changes = steps.filter((s) => s.action !== "noop" && s.action !== "conflict" && s.action !== "would-prune").length;
  return {
    instance: b.instance,
    ...(input.revision ? { revision: input.revision } : {}),
    steps,
    summary: { counts, changes },
    refusals,
    warnings: [...new Set(warnings)],
    ...(input.apiCalls !== undefined ? { apiCalls: input.apiCalls } : {}),
  };
}

const REMOVALS = new Set<Action>(["delete", "orphan", "would-prune"]);

/** Creates/updates parents first; removals after, children first. */
function compareSteps(a: PlanStep, b: PlanStep): number {
  const ra = REMOVALS.has(a.action) ? 1 : 0;
  const rb = REMOVALS.has(b.action) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ka = kindRank(a.kind);
  const kb = kindRank(b.kind);
  if (ka !== kb) return ra ? kb - ka : ka - kb;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
