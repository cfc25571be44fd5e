/**
 * The last few passes, for the status page: `/status` shows only the last
 * one, but "is it flapping, and since when?" needs a short history. Fed by
 * the daemon's pass observer; holds redacted, small records only (never a
 * plan or resources), so it costs nothing on a large fleet.
 */
import type { PassReason, PassResult } from "../reconcile/types.ts";
import { passMessage } from "../reconcile/conditions.ts";
import type { Redactor } from "../util/redact.ts";

/** One finished pass as the page lists it. */
export interface PassRecord {
  reconcileId: string;
  revision: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: "succeeded" | "failed";
  reason: PassReason;
  message: string;
  apiCalls: number;
}

/** How many passes the page lists. */
export const HISTORY_LENGTH = 10;

/** A ring of the last passes, newest first. */
export class PassHistory {
  readonly #redactor: Redactor;
  readonly #limit: number;
  #records: PassRecord[] = [];

  constructor(redactor: Redactor, limit = HISTORY_LENGTH) {
    this.#redactor = redactor;
    this.#limit = limit;
  }

  /** Records a finished pass. */
  add(result: PassResult, durationMs: number): void {
    const record: PassRecord = {
      reconcileId: result.reconcileId,
      revision: result.revision ?? null,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      durationMs: Math.round(durationMs),
      outcome: result.outcome,
      reason: result.reason,
      message: this.#redactor.redact(passMessage(result)),
      apiCalls: result.apiCalls,
    };
    this.#records = [record, ...this.#records].slice(0, this.#limit);
  }

  /** Newest first (a copy). */
  list(): PassRecord[] {
    return [...this.#records];
  }
}
