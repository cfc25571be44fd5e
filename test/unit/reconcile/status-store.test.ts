/**
 * The status store redacts and freezes a pass's resources once, when the pass
 * finishes, and serves the same read-only copy to every `/status` request
 * (polling the status must not cost a copy of thousands of resources).
 */
import { describe, expect, it } from "vitest";
import { StatusStore } from "../../../src/reconcile/status-store.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { passResult, resource } from "../../helpers/daemon-fakes.ts";

const SECRET = "s3cret-value-in-a-message";

function store(): StatusStore {
  return new StatusStore({ instance: "default", source: { url: "file:///repo" }, mode: "apply", suspended: false, redactor: new Redactor().add(SECRET) });
}

describe("StatusStore", () => {
  it("serves the last pass's resources redacted, frozen, and shared between answers", () => {
    const s = store();
    const resources = [resource("application/shop/production/web", "OutOfSync", { message: `failed with ${SECRET}` })];
    s.passFinished(passResult({ resources, message: `oops ${SECRET}` }), false);
    const a = s.snapshot();
    const b = s.snapshot();
    expect(JSON.stringify(a)).not.toContain(SECRET);
    expect(a.resources[0]!.message).toBe("failed with ***");
    expect(a.resources).toBe(b.resources);
    expect(Object.isFrozen(a.resources) && Object.isFrozen(a.resources[0])).toBe(true);
    // The pass's own objects are not touched (the loop and metrics keep using them).
    expect(resources[0]!.message).toContain(SECRET);
    expect(Object.isFrozen(resources[0])).toBe(false);
    // The rest of the document is a fresh copy per answer.
    expect(a.conditions).not.toBe(b.conditions);
    expect(a.summary).toEqual({ synced: 0, outOfSync: 1, missing: 0, conflict: 0, error: 0 });
  });

  it("serves as JSON text exactly what serialising the snapshot gives, before and after passes", () => {
    const s = store();
    expect(s.snapshotJson()).toBe(JSON.stringify(s.snapshot(), null, 2));
    s.passFinished(passResult({ resources: [resource("project/shop", "Synced"), resource("application/shop/production/web", "OutOfSync", { message: `x ${SECRET}`, drift: [{ op: "replace", path: "/spec/replicas", before: 1, after: 2 }] } as never)] }), false);
    expect(s.snapshotJson()).toBe(JSON.stringify(s.snapshot(), null, 2));
    expect(s.snapshotJson()).not.toContain(SECRET);
    s.passFinished(passResult({ resources: [resource("project/blog", "Missing")] }), false);
    expect(JSON.parse(s.snapshotJson()).resources).toEqual([expect.objectContaining({ key: "project/blog", sync: "Missing" })]);
  });

  it("keeps no plan, apply outcomes or raw resources of the last pass (megabytes at 1,000 applications)", () => {
    const s = store();
    const plan = { steps: [], summary: { changes: 0 } } as never;
    const apply = { outcomes: [], transient: false } as never;
    s.passFinished(passResult({ plan, apply, resources: [resource("project/shop", "Synced")], message: "done" }), false);
    const last = s.lastResult!;
    expect(last.plan).toBeUndefined();
    expect(last.apply).toBeUndefined();
    expect(last.resources).toEqual([]);
    expect(last.message).toBe("done");
    // What /status serves still comes from the pass.
    expect(s.snapshot().resources).toEqual([expect.objectContaining({ key: "project/shop", sync: "Synced" })]);
    expect(s.snapshot().lastPass?.message).toBe("done");
  });
});
