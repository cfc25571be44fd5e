/**
 * A source of manifests: a remote git repository, a local git checkout, or a
 * plain directory. Each pass asks it for a snapshot: one directory holding one
 * consistent revision, which stays unchanged until the next `prepare`.
 */
import type { SourceInfo } from "../reconcile/status-store.ts";

/** One revision of the manifests, ready to read. */
export interface Snapshot {
  /** Directory holding the manifests (the `--path` subdirectory already applied). */
  root: string;
  /** Commit sha for git sources; a content hash (`dir:<hex>`) for plain directories. */
  revision: string;
}

/** Raised when the source cannot produce a snapshot; `transient` says whether retrying can help. */
export class SourceError extends Error {
  override readonly name = "SourceError";
  readonly transient: boolean;
  constructor(message: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.transient = transient;
  }
}

export interface Source {
  /** How `/status` shows the source (credentials stripped); the branch may be known only after `prepare`. */
  describe(): SourceInfo;
  /** Fetches (if remote) and materialises the newest revision. Rejects with `SourceError`. */
  prepare(signal?: AbortSignal): Promise<Snapshot>;
  /**
   * Calls `onChange` when the source changed on disk (plain directories, local
   * checkouts). Returns a function that stops watching. Remote sources don't watch.
   */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
  /** Releases resources (watchers); the work dir is left for the next start. */
  close(): Promise<void>;
}
