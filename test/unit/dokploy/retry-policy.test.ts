import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ENDPOINTS } from "../../../src/dokploy/port.ts";
import {
  backoffDelay, mayRetry, parseRetryAfter, RETRY_POLICY, retrySafetyOf,
} from "../../../src/dokploy/retry-policy.ts";

const settings = { baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };

describe("RETRY_POLICY", () => {
  it("classifies every endpoint of the port", () => {
    for (const endpoint of Object.keys(ENDPOINTS)) {
      expect(RETRY_POLICY, endpoint).toHaveProperty([endpoint]);
    }
  });

  it("retries every GET", () => {
    for (const [endpoint, method] of Object.entries(ENDPOINTS)) {
      if (method === "GET") expect(retrySafetyOf(endpoint, method), endpoint).toBe("read");
    }
  });

  it.each([
    ["project.create", "once"],
    ["environment.create", "once"],
    ["application.create", "once"],
    ["domain.create", "once"],
    ["application.deploy", "once"],
    ["application.redeploy", "once"],
    ["project.update", "idempotent"],
    ["environment.update", "idempotent"],
    ["application.update", "idempotent"],
    ["domain.update", "idempotent"],
    ["application.saveGithubProvider", "idempotent"],
    ["application.saveEnvironment", "idempotent"],
    ["application.saveBuildType", "idempotent"],
    ["application.start", "idempotent"],
    ["application.stop", "idempotent"],
    ["project.remove", "delete"],
    ["environment.remove", "delete"],
    ["application.delete", "delete"],
    ["domain.delete", "delete"],
  ] as const)("%s is %s", (endpoint, safety) => {
    expect(retrySafetyOf(endpoint, ENDPOINTS[endpoint])).toBe(safety);
  });

  it("never retries a create or a deploy", () => {
    for (const endpoint of Object.keys(ENDPOINTS)) {
      if (/\.create$|\.deploy$|\.redeploy$/.test(endpoint)) {
        expect(mayRetry(retrySafetyOf(endpoint, "POST")), endpoint).toBe(false);
      }
    }
  });

  it("treats an unclassified write as send-once and an unclassified read as a read", () => {
    expect(retrySafetyOf("compose.create", "POST")).toBe("once");
    expect(retrySafetyOf("compose.one", "GET")).toBe("read");
  });
});

describe("backoffDelay", () => {
  it.each([
    [1, 0.5, 100],
    [2, 0.5, 200],
    [3, 0.5, 400],
    [6, 0.5, 2_500],
    [30, 0.5, 2_500],
    [3, 0, 0],
    [3, 0.999, 799],
  ])("retry %i with random %d waits %i ms", (retry, r, expected) => {
    expect(backoffDelay(retry, settings, () => r)).toBe(expected);
  });

  it("stays within [0, min(max, base * 2^(n-1))] for any jitter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, r) => {
        const d = backoffDelay(retry, settings, () => r);
        const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1));
        return d >= 0 && d <= ceiling && Number.isInteger(d);
      }),
    );
  });

  it("clamps a misbehaving random source", () => {
    expect(backoffDelay(2, settings, () => 7)).toBe(400);
    expect(backoffDelay(2, settings, () => -3)).toBe(0);
  });

  it("honours Retry-After, capped", () => {
    expect(backoffDelay(1, settings, () => 0, 2_000)).toBe(2_000);
    expect(backoffDelay(1, settings, () => 0, 3_600_000)).toBe(30_000);
    expect(backoffDelay(1, settings, () => 0, -5)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");
  it.each([
    ["3", 3_000],
    ["0", 0],
    [" 12 ", 12_000],
    ["Sat, 21 Nov 2026 12:00:10 GMT", 10_000],
    ["Sat, 21 Nov 2026 11:00:00 GMT", 0],
    [["5", "9"], 5_000],
  ] as const)("%j -> %i ms", (value, ms) => {
    expect(parseRetryAfter(value as string | string[], now)).toBe(ms);
  });

  it.each([undefined, "", "soon", "1.5", "-3", "Not a date at all"])("%j is ignored", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
