/**
 * Fault injection per route: the failures a reconciler must survive against
 * a real Dokploy (slow answers, 500s, connection resets, hung requests, a
 * write that succeeded but whose answer was lost, and the 401 of an exhausted
 * rate-limited key: packages/server/src/lib/auth.ts `validateRequest`
 * swallows the api-key plugin's limit error). Dice come from their own seeded generator so
 * that adding a fault rule does not change the ids a seeded run generates.
 */
import { globMatch } from "./glob.ts";
import type { Random } from "./random.ts";
import type { FaultRule } from "./types.ts";

/** What to do with one call. */
export interface FaultDecision {
  latencyMs: number;
  action?: "error" | "reset" | "timeout" | "lost" | "unauthorized";
}

interface ActiveRule {
  rule: FaultRule;
  applied: number;
  passedAuth: number;
}

const RATES = ["errorRate", "resetRate", "timeoutRate", "lostResponseRate"] as const;

/** Checks a rule list from a test or the HTTP control route; throws a specific message on bad input. */
export function checkFaultRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new Error(`faults: expected an array of fault rules, got ${typeof rules}`);
  return rules.map((r, i) => {
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new Error(`faults[${i}]: expected an object`);
    const rule = r as Record<string, unknown>;
    const known = new Set(["route", "method", "latencyMs", "unauthorizedAfter", "count", ...RATES]);
    for (const key of Object.keys(rule)) {
      if (!known.has(key)) throw new Error(`faults[${i}].${key}: unknown field (expected one of ${[...known].join(", ")})`);
    }
    if (rule.route !== undefined && typeof rule.route !== "string") throw new Error(`faults[${i}].route: expected a string such as "application.*"`);
    if (rule.method !== undefined && rule.method !== "GET" && rule.method !== "POST") {
      throw new Error(`faults[${i}].method: expected "GET" or "POST", got ${JSON.stringify(rule.method)}`);
    }
    for (const key of RATES) {
      const v = rule[key];
      if (v !== undefined && (typeof v !== "number" || !(v >= 0 && v <= 1))) {
        throw new Error(`faults[${i}].${key}: expected a number from 0 to 1, got ${JSON.stringify(v)}`);
      }
    }
    for (const key of ["latencyMs", "unauthorizedAfter", "count"]) {
      const v = rule[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
        throw new Error(`faults[${i}].${key}: expected a non-negative integer, got ${JSON.stringify(v)}`);
      }
    }
    return rule as FaultRule;
  });
}

/** The active fault rules and their counters. */
export class Faults {
  #rules: ActiveRule[] = [];
  readonly #dice: Random;

  constructor(dice: Random) {
    this.#dice = dice;
  }

  /** Replaces the rules; counters (count, unauthorizedAfter) start from zero. */
  set(rules: FaultRule[]): void {
    this.#rules = checkFaultRules(rules).map((rule) => ({ rule: { ...rule }, applied: 0, passedAuth: 0 }));
  }

  clear(): void {
    this.#rules = [];
  }

  #matching(endpoint: string, method: string): ActiveRule[] {
    return this.#rules.filter(({ rule }) => {
      if (rule.method && rule.method !== method) return false;
      // `health` is liveness, not the Dokploy API: only a rule naming it matches it.
      if (rule.route === undefined) return endpoint !== "health";
      return globMatch(rule.route, endpoint);
    });
  }

  /** Decides a call's fate (latency and at most one fault); counts and expires rules that applied. */
  decide(endpoint: string, method: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of this.#matching(endpoint, method)) {
      const { rule } = active;
      let applied = false;
      if (rule.latencyMs) {
        decision.latencyMs += rule.latencyMs;
        applied = true;
      }
      if (!decision.action) {
        if (rule.unauthorizedAfter !== undefined && active.passedAuth >= rule.unauthorizedAfter) decision.action = "unauthorized";
        else if (this.#dice.chance(rule.errorRate)) decision.action = "error";
        else if (this.#dice.chance(rule.resetRate)) decision.action = "reset";
        else if (this.#dice.chance(rule.timeoutRate)) decision.action = "timeout";
        else if (this.#dice.chance(rule.lostResponseRate)) decision.action = "lost";
        if (decision.action) applied = true;
      }
      if (applied) active.applied++;
    }
    this.#rules = this.#rules.filter((a) => a.rule.count === undefined || a.applied < a.rule.count);
    return decision;
  }

  /** Counts a call that got past authentication (what a rate-limited key spends). */
  passedAuth(endpoint: string, method: string): void {
    for (const active of this.#matching(endpoint, method)) if (active.rule.unauthorizedAfter !== undefined) active.passedAuth++;
  }
}
