/**
 * A plain directory as a source (e.g. `examples/` while editing): copied into
 * the work dir at the start of each pass, so a pass reads one consistent set
 * of files even while an editor keeps saving, and named by a hash of its
 * content so an unchanged directory is recognised as the same revision.
 * Watched with chokidar, debounced, so an edit reconciles within a second or two.
 */
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SourceInfo } from "../reconcile/status-store.ts";
import { checkSubPath } from "./git-source.ts";
import { SourceError, type Snapshot, type Source } from "./types.ts";
import { watchPaths } from "./watch.ts";

export interface DirSourceOptions {
  /** The directory given to `--source`. */
  dir: string;
  /** Subdirectory holding the manifests. */
  path?: string;
  workDir: string;
  /** Quiet time after the last change before a pass is asked for. Default 300 ms. */
  debounceMs?: number;
  /** Called when watching fails (the interval still runs). */
  onWatchError?: (err: unknown) => void;
}

/** Directories never read: VCS metadata and dependency trees are not manifests. */
const SKIPPED_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);
/** Bounds that keep a mistaken `--source /` from copying a disk. */
const MAX_FILES = 5_000;
const MAX_BYTES = 64 * 1024 * 1024;

interface FileEntry {
  rel: string;
  content: Buffer;
}

/** Reads a directory tree (regular files only; symlinks are skipped so nothing outside is read). */
async function collect(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  let bytes = 0;
  async function walk(dir: string, rel: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await walk(path.join(dir, e.name), childRel);
      } else if (e.isFile()) {
        const content = await readFile(path.join(dir, e.name));
        bytes += content.length;
        out.push({ rel: childRel, content });
        if (out.length > MAX_FILES || bytes > MAX_BYTES) {
          throw new SourceError(`${root}: more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MiB; point --source/--path at the manifests directory`, false);
        }
      }
    }
  }
  await walk(root, "");
  return out;
}

/** A plain directory, snapshotted per pass and watched for edits. */
export class DirSource implements Source {
  readonly #options: DirSourceOptions;
  readonly #root: string;
  readonly #subPath: string;
  #current: Snapshot | undefined;

  constructor(options: DirSourceOptions) {
    this.#options = options;
    this.#subPath = checkSubPath(options.path);
    this.#root = this.#subPath ? path.join(options.dir, this.#subPath) : options.dir;
  }

  describe(): SourceInfo {
    return { url: this.#options.dir, ...(this.#subPath ? { path: this.#subPath } : {}) };
  }

  async prepare(): Promise<Snapshot> {
    const st = await lstat(this.#root).catch(() => undefined);
    if (!st?.isDirectory()) throw new SourceError(`${this.#root}: not a directory (or missing)`, true);
    let files: FileEntry[];
    try {
      files = await collect(this.#root);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`${this.#root}: cannot read: ${(err as Error).message}`, true);
    }
    const hash = createHash("sha256");
    for (const f of files) hash.update(f.rel).update("\0").update(String(f.content.length)).update("\0").update(f.content);
    const hex = hash.digest("hex");
    const revision = `dir:${hex.slice(0, 12)}`;
    if (this.#current?.revision === revision) return this.#current;

    const snapshots = path.join(this.#options.workDir, "snapshots");
    const dest = path.join(snapshots, hex.slice(0, 16));
    await rm(dest, { recursive: true, force: true });
    for (const f of files) {
      const target = path.join(dest, ...f.rel.split("/"));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.content);
    }
    await mkdir(dest, { recursive: true });
    const previous = this.#current;
    this.#current = { root: dest, revision };
    if (previous) await rm(previous.root, { recursive: true, force: true });
    return this.#current;
  }

  async watch(onChange: () => void): Promise<() => Promise<void>> {
    return watchPaths([this.#root], onChange, {
      debounceMs: this.#options.debounceMs ?? 300,
      ignore: (p) => p.split(path.sep).some((part) => SKIPPED_DIRS.has(part)),
      ...(this.#options.onWatchError ? { onError: this.#options.onWatchError } : {}),
    });
  }

  async close(): Promise<void> {}
}
