/**
 * The call log: every Dokploy API call the simulator saw (never the
 * `/__simulator/` controls), so tests can assert "plan made no write" or count
 * calls per endpoint.
 */
import type { CallRecord } from "./types.ts";

/** Append-only log with a reset. */
export class CallLog {
  #records: CallRecord[] = [];
  #seq = 0;

  /** Appends a record; `seq` is assigned here and keeps counting across resets. */
  add(record: Omit<CallRecord, "seq">): void {
    this.#records.push({ seq: ++this.#seq, ...record });
  }

  /** A copy of the records since start or the last reset. */
  list(): CallRecord[] {
    return structuredClone(this.#records);
  }

  reset(): void {
    this.#records = [];
  }
}
