/**
 * The daemon gives a pass's memory back with a memory-reducing collection when
 * Node exposes `gc` (the image's NODE_OPTIONS), and does nothing without it.
 */
import { describe, expect, it } from "vitest";
import { releaseHeap, type ExposedGc } from "../../../src/reconcile/daemon.ts";

describe("releaseHeap", () => {
  it("runs one synchronous, memory-reducing full collection and says how long it took", () => {
    const calls: Array<Parameters<ExposedGc>[0]> = [];
    const ms = releaseHeap((options) => void calls.push(options));
    expect(calls).toEqual([{ type: "major", execution: "sync", flavor: "last-resort" }]);
    expect(typeof ms).toBe("number");
  });

  it("is a no-op when Node was started without --expose-gc", () => {
    expect(releaseHeap(undefined)).toBeUndefined();
  });
});
