import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../src/dokploy/breaker.ts";
import type { BreakerState } from "../../../src/dokploy/breaker.ts";

function setup(failureThreshold = 3, coolDownMs = 1_000) {
  let t = 0;
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker({ failureThreshold, coolDownMs, now: () => t, onChange: (s) => changes.push(s) });
  return { breaker, changes, advance: (ms: number) => (t += ms) };
}

function fail(b: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    const ticket = b.acquire();
    if (!ticket) throw new Error("expected a ticket");
    ticket.failure();
  }
}

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures and fails fast", () => {
    const { breaker, changes } = setup(3);
    fail(breaker, 2);
    expect(breaker.state()).toBe("closed");
    fail(breaker, 1);
    expect(breaker.state()).toBe("open");
    expect(breaker.acquire()).toBeUndefined();
    expect(changes).toEqual(["open"]);
  });

  it("resets the count on a success", () => {
    const { breaker } = setup(3);
    fail(breaker, 2);
    breaker.acquire()?.success();
    fail(breaker, 2);
    expect(breaker.state()).toBe("closed");
  });

  it("lets one probe through after the cool-down and closes on its success", () => {
    const { breaker, changes, advance } = setup(2, 1_000);
    fail(breaker, 2);
    advance(999);
    expect(breaker.acquire()).toBeUndefined();
    advance(1);
    expect(breaker.state()).toBe("half-open");
    const probe = breaker.acquire();
    expect(probe).toBeDefined();
    expect(breaker.acquire()).toBeUndefined(); // only one probe
    probe?.success();
    expect(breaker.state()).toBe("closed");
    expect(changes).toEqual(["open", "half-open", "closed"]);
    expect(breaker.acquire()).toBeDefined();
  });

  it("re-opens when the probe fails and waits a full cool-down again", () => {
    const { breaker, changes, advance } = setup(2, 1_000);
    fail(breaker, 2);
    advance(1_000);
    breaker.acquire()?.failure();
    expect(breaker.state()).toBe("open");
    advance(500);
    expect(breaker.acquire()).toBeUndefined();
    advance(500);
    expect(breaker.acquire()).toBeDefined();
    expect(changes).toEqual(["open", "half-open", "open", "half-open"]);
  });

  it("a released probe frees the slot without changing state", () => {
    const { breaker, advance } = setup(1, 10);
    fail(breaker, 1);
    advance(10);
    breaker.acquire()?.release();
    expect(breaker.state()).toBe("half-open");
    expect(breaker.acquire()).toBeDefined();
  });

  it("counts a ticket's outcome once", () => {
    const { breaker } = setup(2);
    const t = breaker.acquire();
    t?.failure();
    t?.failure();
    expect(breaker.state()).toBe("closed");
  });

  it.each([
    [0, 1_000, /failureThreshold/],
    [Number.NaN, 1_000, /failureThreshold/],
    [3, -1, /coolDownMs/],
  ])("rejects threshold %d / cool-down %d", (failureThreshold, coolDownMs, message) => {
    expect(() => new CircuitBreaker({ failureThreshold, coolDownMs, now: () => 0 })).toThrow(message);
  });
});
