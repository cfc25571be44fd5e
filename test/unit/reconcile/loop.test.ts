import { afterEach, describe, expect, it } from "vitest";
import { Backoff } from "../../../src/reconcile/backoff.ts";
import { ReconcileLoop, type LoopDeps, type LoopOptions, type LoopPassInput } from "../../../src/reconcile/loop.ts";
import type { PassReads } from "../../../src/reconcile/plan-revision.ts";
import { StatusStore } from "../../../src/reconcile/status-store.ts";
import type { PassResult } from "../../../src/reconcile/types.ts";
import { SourceError, type Snapshot, type Source } from "../../../src/source/types.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { eventually } from "../../helpers/eventually.ts";
import { passResult, resource, silentLogger } from "../../helpers/daemon-fakes.ts";

/** A source whose revision the test moves by hand ("a push"). */
class FakeSource implements Source {
  revision = 1;
  failWith: SourceError | undefined;
  describe() {
    return { url: "file:///fake", branch: "main" };
  }
  async prepare(): Promise<Snapshot> {
    if (this.failWith) throw this.failWith;
    return { root: "/fake", revision: `rev-${this.revision}` };
  }
  async close(): Promise<void> {}
}

/** A gate the scripted pass waits on, so the test controls when a pass ends. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

interface Harness {
  loop: ReconcileLoop;
  source: FakeSource;
  status: StatusStore;
  inputs: LoopPassInput[];
}

let current: ReconcileLoop | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

function harness(script: (input: LoopPassInput, n: number) => Promise<PassResult> | PassResult, options: LoopOptions = {}, suspended = false, beginPass?: LoopDeps["beginPass"]): Harness {
  const source = new FakeSource();
  const redactor = new Redactor().add("hunter2-secret");
  const status = new StatusStore({ instance: "default", source: source.describe(), mode: "apply", suspended, redactor });
  const inputs: LoopPassInput[] = [];
  const loop = new ReconcileLoop(
    { backoff: { initialMs: 10, maxMs: 40, jitter: 0 }, ...options },
    {
      source, status, redactor, log: silentLogger(), ...(beginPass ? { beginPass } : {}),
      runPass: async (input) => {
        inputs.push(input);
        return script(input, inputs.length);
      },
    },
  );
  current = loop;
  return { loop, source, status, inputs };
}

const ok = (input: LoopPassInput): PassResult => passResult({ reconcileId: input.reconcileId, revision: input.revision });

describe("ReconcileLoop", () => {
  it("coalesces 10 triggers during a pass into exactly one more pass, on the newest revision", async () => {
    const first = gate();
    const h = harness(async (input, n) => {
      if (n === 1) await first.wait;
      return ok(input);
    });
    await h.loop.start();
    await eventually(() => expect(h.inputs).toHaveLength(1));
    for (let i = 0; i < 10; i++) {
      h.source.revision++;
      expect(h.loop.trigger("webhook")).toBe("accepted");
    }
    first.open();
    await eventually(() => h.loop.idle && h.inputs.length === 2);
    expect(h.loop.passes).toBe(2);
    expect(h.inputs[1]!.revision).toBe("rev-11");
    expect(h.inputs[1]!.triggers).toEqual(["webhook"]);
    expect(h.status.snapshot().revision).toEqual({ applied: "rev-11", attempted: "rev-11" });
  });

  it("runs on the interval without any trigger", async () => {
    const h = harness(ok, { intervalMs: 20 });
    await h.loop.start();
    await eventually(() => expect(h.inputs.length).toBeGreaterThanOrEqual(3));
    expect(h.inputs[1]!.triggers).toEqual(["interval"]);
  });

  it("backs off after transient failures, then recovers and resets", async () => {
    const h = harness((input, n) =>
      n <= 3 ? passResult({ reconcileId: input.reconcileId, revision: input.revision, reason: "DokployUnavailable", transient: true }) : ok(input),
    );
    await h.loop.start();
    await eventually(() => {
      const c = h.status.snapshot().conditions.find((x) => x.type === "Reconciling");
      expect(c).toMatchObject({ status: "True", reason: "ProgressingWithRetry" });
    });
    // Retries happen by themselves (no trigger, no interval configured) until the pass succeeds.
    await eventually(() => h.loop.idle && h.inputs.length === 4);
    expect(h.inputs.slice(1).map((i) => i.triggers)).toEqual([["retry"], ["retry"], ["retry"]]);
    const s = h.status.snapshot();
    expect(s.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "True" });
    expect(s.conditions.find((c) => c.type === "Reconciling")).toMatchObject({ status: "False" });
  });

  it("does not re-run a revision that failed validation, except when asked; a new revision runs", async () => {
    const h = harness((input) =>
      input.revision === "rev-1"
        ? passResult({
            reconcileId: input.reconcileId, revision: input.revision, reason: "ValidationFailed", transient: false, message: "1 manifest error",
            diagnostics: [{ severity: "error", file: "apps/web.yaml", line: 7, column: 3, code: "schema", message: "spec.port: expected an integer" }],
          })
        : ok(input),
    );
    await h.loop.start();
    await eventually(() => h.loop.idle && h.inputs.length === 1);
    const stalled = h.status.snapshot().conditions.find((c) => c.type === "Stalled");
    expect(stalled).toMatchObject({ status: "True", reason: "ValidationFailed" });
    expect(stalled!.message).toContain("apps/web.yaml:7:3");

    h.loop.trigger("interval");
    h.loop.trigger("webhook");
    await eventually(() => h.loop.idle && h.loop.skipped === 1);
    expect(h.inputs).toHaveLength(1);

    h.loop.trigger("manual");
    await eventually(() => h.loop.idle && h.inputs.length === 2);

    h.source.revision = 2;
    h.loop.trigger("webhook");
    await eventually(() => h.loop.idle && h.inputs.length === 3);
    expect(h.status.snapshot().conditions.find((c) => c.type === "Stalled")).toMatchObject({ status: "False" });
  });

  it("keeps serving the last good resources when a later revision fails validation", async () => {
    const h = harness((input, n) =>
      n === 1
        ? passResult({ reconcileId: input.reconcileId, revision: input.revision, resources: [resource("Project/shop", "Synced")] })
        : passResult({ reconcileId: input.reconcileId, revision: input.revision, reason: "ValidationFailed", transient: false }),
    );
    await h.loop.start();
    await eventually(() => h.loop.idle && h.inputs.length === 1);
    h.source.revision = 2;
    h.loop.trigger("webhook");
    await eventually(() => h.loop.idle && h.inputs.length === 2);
    const s = h.status.snapshot();
    expect(s.resources.map((r) => r.key)).toEqual(["Project/shop"]);
    expect(s.revision).toEqual({ applied: "rev-1", attempted: "rev-2" });
    expect(s.lastPass).toMatchObject({ outcome: "failed", reason: "ValidationFailed" });
  });

  it("suspend ignores triggers; resume runs a pass right away", async () => {
    const h = harness(ok);
    await h.loop.start();
    await eventually(() => h.loop.idle && h.inputs.length === 1);
    h.loop.suspend();
    expect(h.loop.trigger("manual")).toBe("suspended");
    expect(h.status.snapshot().suspended).toBe(true);
    h.loop.resume();
    await eventually(() => h.loop.idle && h.inputs.length === 2);
    expect(h.inputs[1]!.triggers).toEqual(["resume"]);
  });

  it("starting suspended runs nothing until resumed", async () => {
    const h = harness(ok, {}, true);
    await h.loop.start();
    expect(h.loop.trigger("webhook")).toBe("suspended");
    expect(h.inputs).toHaveLength(0);
    h.loop.resume();
    await eventually(() => h.inputs.length === 1);
  });

  it("stop() aborts the running pass through its signal and resolves", async () => {
    let aborted = false;
    const h = harness(
      (input) =>
        new Promise<PassResult>((resolve) => {
          input.signal.addEventListener("abort", () => {
            aborted = true;
            resolve(passResult({ reconcileId: input.reconcileId, reason: "ApplyFailed", message: "cancelled" }));
          });
        }),
    );
    await h.loop.start();
    await eventually(() => h.loop.busy);
    await h.loop.stop();
    expect(aborted).toBe(true);
    expect(h.loop.trigger("manual")).toBe("stopping");
  });

  it("records an unreachable source as SourceFailed (redacted) and retries", async () => {
    const h = harness(ok);
    h.source.failWith = new SourceError("https://***@git.example/repo: unable to access, token hunter2-secret", true);
    await h.loop.start();
    await eventually(() => expect(h.status.snapshot().lastPass).toMatchObject({ reason: "SourceFailed" }));
    expect(JSON.stringify(h.status.snapshot())).not.toContain("hunter2-secret");
    h.source.failWith = undefined;
    await eventually(() => h.loop.idle && h.inputs.length === 1);
    expect(h.status.snapshot().lastPass).toMatchObject({ reason: "ReconciliationSucceeded" });
  });

  it("begins each pass's reads before fetching, hands them to the pass, and stops them when the fetch fails", async () => {
    const begun: Array<{ stopped: number; signal: AbortSignal }> = [];
    const beginPass = (signal: AbortSignal): PassReads => {
      const entry = { stopped: 0, signal };
      begun.push(entry);
      return {
        counted: { api: undefined as never, counts: () => ({ "project.all": 1, "project.one": 2 }), total: () => 3 },
        live: { stopReadingAhead: () => void entry.stopped++ } as never,
      };
    };
    const h = harness(ok, {}, false, beginPass);
    h.source.failWith = new SourceError("git: unreachable", true);
    await h.loop.start();
    await eventually(() => expect(h.status.snapshot().lastPass).toMatchObject({ reason: "SourceFailed" }));
    // The reads made while the fetch failed are the pass's calls; the read-ahead is stopped.
    expect(h.status.snapshot().lastPass).toMatchObject({ apiCalls: 3 });
    expect(begun[0]!.stopped).toBeGreaterThan(0);
    h.source.failWith = undefined;
    await eventually(() => h.loop.idle && h.inputs.length === 1);
    expect(h.inputs[0]!.reads).toBeDefined();
    expect(begun.length).toBeGreaterThanOrEqual(2);
    expect(begun.at(-1)!.signal).toBe(h.inputs[0]!.signal);
  });

  it("survives a pass that throws", async () => {
    const h = harness((input, n) => {
      if (n === 1) throw new Error("boom");
      return ok(input);
    });
    const seen: string[] = [];
    const record = h.status.passFinished.bind(h.status);
    h.status.passFinished = (result, retry) => {
      seen.push(`${result.outcome}:${result.message}:${retry}`);
      record(result, retry);
    };
    await h.loop.start();
    await eventually(() => h.loop.idle && h.inputs.length === 2);
    expect(seen).toEqual(["failed:internal error: boom:true", "succeeded:ReconciliationSucceeded:false"]);
    expect(h.inputs[1]!.triggers).toEqual(["retry"]);
  });
});

describe("Backoff", () => {
  it("doubles up to the cap and resets on success", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 500, jitter: 0 });
    expect([b.fail(), b.fail(), b.fail(), b.fail(), b.fail()]).toEqual([100, 200, 400, 500, 500]);
    b.reset();
    expect(b.fail()).toBe(100);
  });

  it("jitter only shortens the wait, within its fraction", () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2, random: () => 0.999 });
    const wait = b.fail();
    expect(wait).toBeGreaterThanOrEqual(800);
    expect(wait).toBeLessThanOrEqual(1000);
  });

  it("rejects nonsense bounds", () => {
    expect(() => new Backoff({ initialMs: 0, maxMs: 10, jitter: 0 })).toThrow(/initialMs/);
  });
});

describe("ReconcileLoop with a cron schedule", () => {
  it("runs a pass at each tick of the schedule", async () => {
    const h = harness(ok, { schedule: "* * * * * *" });
    await h.loop.start();
    await eventually(() => expect(h.inputs.some((i) => i.triggers.includes("schedule"))).toBe(true), { timeoutMs: 5_000 });
  });
});

describe("readiness", () => {
  const base = { instance: "default", source: { url: "x" }, mode: "apply" as const, redactor: new Redactor() };

  it("is not ready when started suspended: no pass has shown Dokploy usable", () => {
    expect(new StatusStore({ ...base, suspended: true }).readiness()).toEqual({ ready: false, message: "suspended before the first reconciliation: POST /resume to start" });
  });

  it("waits for a pass that reached Dokploy with the key accepted; passes that stop before Dokploy do not count", () => {
    const s = new StatusStore({ ...base, suspended: false });
    expect(s.readiness()).toEqual({ ready: false, message: "the first reconciliation has not finished yet" });
    s.passFinished(passResult({ reason: "ValidationFailed", outcome: "failed", message: "invalid manifests" }), false);
    expect(s.readiness()).toMatchObject({ ready: false, message: expect.stringMatching(/^no reconciliation has reached Dokploy yet; last pass: ValidationFailed/) });
    s.passFinished(passResult({ reason: "DokployUnavailable", outcome: "failed", message: "connect ECONNREFUSED" }), true);
    expect(s.readiness()).toMatchObject({ ready: false, message: expect.stringMatching(/DokployUnavailable/) });
    s.passFinished(passResult({ reason: "ConflictsFound", outcome: "failed" }), false);
    expect(s.readiness()).toEqual({ ready: true, message: "ok" });
  });

  it("is not ready while the key is refused, and ready again once accepted", () => {
    const s = new StatusStore({ ...base, suspended: false });
    s.passFinished(passResult(), false);
    s.passFinished(passResult({ reason: "Unauthorized", outcome: "failed", message: "Dokploy answered 401" }), false);
    expect(s.readiness()).toMatchObject({ ready: false, message: expect.stringMatching(/^Dokploy refuses the API key/) });
    // A validation failure says nothing about Dokploy: still not ready after Unauthorized.
    s.passFinished(passResult({ reason: "ValidationFailed", outcome: "failed" }), false);
    expect(s.readiness().ready).toBe(false);
    s.passFinished(passResult(), false);
    expect(s.readiness().ready).toBe(true);
  });

  it("stays ready when Dokploy goes down after a success, saying so", () => {
    const s = new StatusStore({ ...base, suspended: false });
    s.passFinished(passResult(), false);
    s.passFinished(passResult({ reason: "DokployUnavailable", outcome: "failed", message: "connect ECONNREFUSED" }), true);
    expect(s.readiness()).toMatchObject({ ready: true, message: expect.stringMatching(/^Dokploy was unreachable on the last pass, retrying/) });
  });
});
