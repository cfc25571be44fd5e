/**
 * The daemon gives a pass's memory back with a memory-reducing collection when
 * Node exposes `gc` (the image's NODE_OPTIONS), and does nothing without it.
 * Checked against V8's real `gc` in a child process started with
 * --expose-gc: an object that has reached the old generation is gone as soon
 * as `releaseHeap` returns, which only a synchronous major collection does.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { releaseHeap } from "../../../src/reconcile/daemon.ts";

const DAEMON_MODULE = fileURLToPath(new URL("../../../src/reconcile/daemon.ts", import.meta.url));

/** In a child with --expose-gc: promotes an object to the old generation, drops it, calls releaseHeap and reports what is left. */
const SCRIPT = `
  const { releaseHeap } = await import(${JSON.stringify(DAEMON_MODULE)});
  let target = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  for (let i = 0; i < 3; i++) globalThis.gc({ type: "minor" }); // survives scavenges: now in the old generation
  target = undefined;
  await new Promise((r) => setImmediate(r)); // a WeakRef keeps its target until the end of the job that made it
  const ms = releaseHeap(globalThis.gc);
  console.log(JSON.stringify({ collected: ref.deref() === undefined, ms }));`;

describe("releaseHeap", () => {
  it("collects an old-generation object before it returns (a synchronous major collection) and says how long it took", () => {
    const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", SCRIPT], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout.trim()) as { collected: boolean; ms: unknown };
    expect(out.collected).toBe(true);
    expect(out.ms).toEqual(expect.any(Number));
    expect(out.ms as number).toBeGreaterThanOrEqual(0);
  });

  it("is a no-op when Node was started without --expose-gc", () => {
    expect(releaseHeap(undefined)).toBeUndefined();
  });
});
