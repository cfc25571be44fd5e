/**
 * The planner's per-plan ownership memo (added when a heap profile of a quiet
 * pass showed marker parsing once per application per sibling: quadratic)
 * must answer exactly as `ownershipOf`, for any description, instance and id,
 * including the same id seen again with a different description or instance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownershipOf, renderDescription } from "../../src/model/marker.ts";
import { memoizedOwnership } from "../../src/plan/match.ts";

const description = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.record({ instance: fc.constantFrom("default", "other"), key: fc.constantFrom("Application/a/production/web", "Project/a"), id: fc.option(fc.constantFrom("i1", "i2"), { nil: undefined }) })
    .map((m) => renderDescription("text", { v: 1, ...m })),
  fc.constant("dokploy-gitops:managed {broken"),
);

describe("memoizedOwnership", () => {
  it("answers as ownershipOf for any sequence of calls", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(description, fc.constantFrom("default", "other"), fc.constantFrom("i1", "i2")), { minLength: 1, maxLength: 30 }), (calls) => {
        const memo = memoizedOwnership();
        for (const [d, instance, id] of calls) expect(memo(d, instance, id)).toEqual(ownershipOf(d, instance, id));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });
});
