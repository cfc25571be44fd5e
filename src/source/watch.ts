/**
 * Debounced file watching (chokidar): an editor saving a file emits several
 * events, a `git checkout` hundreds; the daemon wants one "look again" after
 * the burst settles.
 */
import { watch } from "chokidar";

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` fires. */
  debounceMs: number;
  /** Paths (or path fragments) whose events are ignored, e.g. `.git`, `node_modules`. */
  ignore?: (path: string) => boolean;
  /** Only events on paths this accepts count (all when absent). */
  relevant?: (path: string) => boolean;
  /** How deep below each watched directory to look (unlimited when absent). */
  depth?: number;
  /** Watch errors (a directory removed, too many watches); the daemon keeps its interval either way. */
  onError?: (err: unknown) => void;
}

/**
 * Watches `paths` and calls `onChange` once per burst of changes. Resolves when
 * the initial scan is done (so a change made after it is seen), with a
 * function that stops watching.
 */
export async function watchPaths(paths: string[], onChange: () => void, options: WatchOptions): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(paths, {
    ignoreInitial: true,
    persistent: true,
    ...(options.ignore ? { ignored: options.ignore } : {}),
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
  });
  watcher.on("all", (_event, changed) => {
    if (options.relevant && !options.relevant(changed)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, options.debounceMs);
  });
  // A watch error must not kill the daemon: report it and keep going.
  watcher.on("error", (err) => options.onError?.(err));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
