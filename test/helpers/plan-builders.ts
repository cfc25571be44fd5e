/**
 * Small builders for Plan and PlanStep fixtures, so a renderer, comment or
 * status test states only what it is about (`step("update", app("web"), {
 * changes: [...] })`) and the rest is filled with consistent defaults. The
 * summary is derived from the steps, as the planner does, unless overridden.
 */
import type { Action, FieldChange, Plan, PlanStep } from "../../src/plan/types.ts";
import { ACTIONS } from "../../src/plan/types.ts";
import { resourceKey, type ResourceIdentity } from "../../src/model/resource.ts";

/** `Project/<name>`. */
export function project(name: string): ResourceIdentity {
  return { kind: "Project", project: name, name };
}

/** `Environment/<project>/<name>`. */
export function environment(name: string, projectName = "shop"): ResourceIdentity {
  return { kind: "Environment", project: projectName, name };
}

/** `Application/<project>/<environment>/<name>`. */
export function application(name: string, projectName = "shop", env = "production"): ResourceIdentity {
  return { kind: "Application", project: projectName, environment: env, name };
}

/** `Domain/<project>/<environment>/<application>/<name>`. */
export function domain(name: string, app = "web", projectName = "shop", env = "production"): ResourceIdentity {
  return { kind: "Domain", project: projectName, environment: env, application: app, name };
}

/** A plain field change: `replace` when both sides are given, else `add`/`remove`. */
export function change(path: string, before: unknown, after: unknown): FieldChange {
  if (before === undefined) return { path, op: "add", after };
  if (after === undefined) return { path, op: "remove", before };
  return { path, op: "replace", before, after };
}

/** A secret field change: never a value, only how it compares. */
export function secretChange(path: string, secret: FieldChange["secret"] = "changed", op: FieldChange["op"] = "replace"): FieldChange {
  return { path, op, secret };
}

/** A step with sensible defaults for its action; `extra` overrides any field. */
export function step(action: Action, identity: ResourceIdentity, extra: Partial<PlanStep> & { source?: string } = {}): PlanStep {
  const key = resourceKey(identity);
  const exists = action !== "create";
  return {
    key,
    kind: identity.kind,
    identity,
    action,
    ...(exists ? { dokployId: `id-${key.replace(/\W+/g, "-").toLowerCase()}` } : {}),
    changes: [],
    reasons: [],
    deploy: identity.kind === "Application" && action === "create",
    markerWrite: action === "create" || action === "adopt",
    dependsOn: [],
    ...extra,
  };
}

/** Counts per action of a list of steps. */
export function countActions(steps: PlanStep[]): Record<Action, number> {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const s of steps) counts[s.action] += 1;
  return counts;
}

/** A plan over `steps` with a summary derived from them; `extra` overrides any field. */
export function plan(steps: PlanStep[], extra: Partial<Plan> = {}): Plan {
  const counts = countActions(steps);
  return {
    instance: "default",
    revision: "3f9c2a7e5b1d4c6a8e0f2b4d6c8a0e2f4b6d8c0a",
    steps,
    summary: { counts, changes: counts.create + counts.update + counts.adopt + counts.delete + counts.orphan },
    refusals: [],
    warnings: [],
    apiCalls: 7,
    ...extra,
  };
}

/**
 * A realistic plan touching every action, used by renderer tests and to
 * generate `examples/pr-comment.md`: a new worker app with a domain, an env
 * change with a secret, an adoption, a conflict, a would-prune, a guard
 * refusal and a few unchanged resources.
 */
export function realisticPlan(): Plan {
  const steps: PlanStep[] = [
    step("noop", project("shop"), { source: "shop/project.yaml:1" }),
    step("noop", environment("production"), { source: "shop/project.yaml:8" }),
    step("update", environment("staging"), {
      source: "shop/staging.yaml:1",
      changes: [change("/spec/env/FEATURE_FLAGS", "checkout", "checkout,search")],
    }),
    step("update", application("web"), {
      source: "shop/web.yaml:1",
      changes: [
        change("/spec/source/image", "ghcr.io/acme/web:1.4.2", "ghcr.io/acme/web:1.5.0"),
        change("/spec/env/LOG_LEVEL", "info", "debug"),
        secretChange("/spec/env/DATABASE_URL", "changed"),
        change("/spec/replicas", 2, 3),
      ],
      deploy: true,
    }),
    step("noop", domain("www"), { source: "shop/web.yaml:30" }),
    step("create", application("worker"), {
      source: "shop/worker.yaml:1",
      changes: [
        change("/spec/source/type", undefined, "docker"),
        change("/spec/source/image", undefined, "ghcr.io/acme/worker:1.5.0"),
        change("/spec/command", undefined, "node dist/worker.js --queue=orders"),
        secretChange("/spec/env/QUEUE_PASSWORD", "changed", "add"),
      ],
      deploy: true,
      dependsOn: ["Environment/shop/production"],
    }),
    step("create", domain("api", "worker"), {
      source: "shop/worker.yaml:25",
      changes: [change("/spec/host", undefined, "api.shop.example.com"), change("/spec/https", undefined, true)],
      dependsOn: ["Application/shop/production/worker"],
    }),
    step("adopt", application("admin"), {
      source: "shop/admin.yaml:1",
      changes: [change("/spec/replicas", 1, 2)],
      deploy: true,
    }),
    step("conflict", application("legacy-api"), {
      source: "shop/legacy.yaml:1",
      reasons: [
        "application/shop/production/legacy-api: exists in Dokploy but was not created by this instance; add the annotation dokploy-gitops/adopt: \"true\" to manage it",
      ],
    }),
    step("would-prune", application("old-cron", "shop", "staging"), {
      reasons: ["application/shop/staging/old-cron: its manifest was removed; pass --prune to delete it"],
    }),
  ];
  return plan(steps, {
    refusals: [],
    warnings: [],
    apiCalls: 9,
  });
}
