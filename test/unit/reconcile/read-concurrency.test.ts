import { describe, expect, it } from "vitest";
import { resolveEngine } from "../../../src/cli/engine-flags.ts";
import { DEFAULT_READ_CONCURRENCY, poolSize } from "../../../src/reconcile/plan-revision.ts";

describe("read concurrency and the connection pool", () => {
  it("sizes the pool for the larger of reads and writes in flight", () => {
    expect(poolSize({ concurrency: 4 })).toBe(DEFAULT_READ_CONCURRENCY);
    expect(poolSize({ concurrency: 4, readConcurrency: 8 })).toBe(8);
    expect(poolSize({ concurrency: 64, readConcurrency: 8 })).toBe(64);
  });

  it("defaults --read-concurrency to 32 and refuses anything but a whole number >= 1", () => {
    expect(resolveEngine({}, "default", "detect").readConcurrency).toBe(32);
    expect(resolveEngine({ "read-concurrency": "5" }, "default", "detect").readConcurrency).toBe(5);
    expect(() => resolveEngine({ "read-concurrency": "0" }, "default", "detect")).toThrow(/--read-concurrency: expected a whole number from 1 to 256, got "0"/);
    expect(() => resolveEngine({ "read-concurrency": "many" }, "default", "detect")).toThrow(/--read-concurrency/);
  });
});
