/**
 * How long simulated builds take and how many run at once. The defaults are a
 * real server's: Dokploy builds one job at a time per server
 * (`buildsConcurrency` 1, apps/dokploy/server/queues/concurrency.ts) and a
 * build takes minutes, so the defaults are 90 s per build and 15 s per
 * (synchronous) database deploy, each drawn within ±20% from a seeded
 * generator so that runs are reproducible. An explicit duration is exact
 * unless a jitter is given with it: tests and benchmarks that chose a duration
 * get that duration. Benchmarks that measure the API cost alone set
 * `buildsConcurrency: "unlimited"`.
 */
import { Random } from "./random.ts";
import type { BuildSettings, SimulatorOptions } from "./types.ts";

/** A build's default duration. */
export const DEFAULT_DEPLOY_DURATION_MS = 90_000;
/** A database deploy's default duration (image pull and service start). */
export const DEFAULT_DATABASE_DEPLOY_DURATION_MS = 15_000;
/** The default spread of a defaulted duration. */
export const DEFAULT_JITTER = 0.2;

/** Throws a specific error for a bad setting (`where` prefixes it: "simulator", "setBuilds"...). */
export function checkBuildSettings(s: BuildSettings, where: string): void {
  for (const k of ["deployDurationMs", "databaseDeployDurationMs"] as const) {
    const v = s[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw new Error(`${where}: ${k} must be a non-negative number of milliseconds, got ${JSON.stringify(v)}`);
    }
  }
  const j = s.deployJitter;
  if (j !== undefined && (typeof j !== "number" || !(j >= 0 && j <= 1))) {
    throw new Error(`${where}: deployJitter must be a fraction between 0 and 1, got ${JSON.stringify(j)}`);
  }
  const c = s.buildsConcurrency;
  if (c !== undefined && c !== "unlimited" && !(typeof c === "number" && c >= 1 && (Number.isInteger(c) || c === Infinity))) {
    throw new Error(`${where}: buildsConcurrency must be an integer >= 1 or "unlimited", got ${JSON.stringify(c)}`);
  }
}

/** The current build timing of one simulator. */
export class BuildTiming {
  readonly #random: Random;
  #buildMs = DEFAULT_DEPLOY_DURATION_MS;
  #buildJitter = DEFAULT_JITTER;
  #databaseMs = DEFAULT_DATABASE_DEPLOY_DURATION_MS;
  #databaseJitter = DEFAULT_JITTER;
  #concurrency = 1;

  /** `seed` as the simulator's; the draws use their own stream, so ids stay what they were. */
  constructor(options: SimulatorOptions) {
    this.#random = new Random(options.seed === undefined ? undefined : (options.seed ^ 0x2545f491) >>> 0);
    this.set(options);
  }

  /** Applies the given settings; an explicit duration without a jitter is exact. */
  set(s: BuildSettings): void {
    if (s.deployDurationMs !== undefined) {
      this.#buildMs = s.deployDurationMs;
      this.#buildJitter = 0;
    }
    if (s.databaseDeployDurationMs !== undefined) {
      this.#databaseMs = s.databaseDeployDurationMs;
      this.#databaseJitter = 0;
    }
    if (s.deployJitter !== undefined) {
      this.#buildJitter = s.deployJitter;
      this.#databaseJitter = s.deployJitter;
    }
    if (s.buildsConcurrency !== undefined) {
      this.#concurrency = s.buildsConcurrency === "unlimited" ? Number.POSITIVE_INFINITY : s.buildsConcurrency;
    }
  }

  /** The duration of the next build. */
  buildMs(): number {
    return this.#draw(this.#buildMs, this.#buildJitter);
  }

  /** The duration of the next database deploy. */
  databaseDeployMs(): number {
    return this.#draw(this.#databaseMs, this.#databaseJitter);
  }

  /** Builds at once. */
  concurrency(): number {
    return this.#concurrency;
  }

  #draw(mean: number, jitter: number): number {
    if (jitter === 0 || mean === 0) return mean;
    return Math.max(0, Math.round(mean * (1 + jitter * (2 * this.#random.next() - 1))));
  }
}
