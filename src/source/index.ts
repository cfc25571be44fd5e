/**
 * Picks the source implementation for `--source`: a URL is a remote git
 * repository; a directory with its own `.git` is a local checkout read at its
 * HEAD; any other directory (including a subdirectory of a checkout, such as
 * `examples/`) is a plain directory, watched for edits.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Redactor } from "../util/redact.ts";
import { DirSource } from "./dir-source.ts";
import { GitSource, type GitAuth } from "./git-source.ts";
import type { Source } from "./types.ts";

export { SourceError, type Snapshot, type Source } from "./types.ts";
export { GitSource, type GitAuth } from "./git-source.ts";
export { DirSource } from "./dir-source.ts";

/** What kind of source a `--source` value names. */
export type SourceKind = "git-remote" | "git-local" | "dir";

export interface SourceSpec {
  source: string;
  branch?: string;
  path?: string;
  workDir: string;
  auth?: GitAuth;
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  debounceMs?: number;
  onWatchError?: (err: unknown) => void;
}

/** True for `https://`, `ssh://`, `git://`, `file://` URLs and scp-like `git@host:org/repo.git`. */
export function isGitUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[\w.-]+@[\w.-]+:[^/\\]/.test(source);
}

/** True for the directory of a bare git repository. */
function isBareRepository(dir: string): boolean {
  return existsSync(path.join(dir, "HEAD")) && existsSync(path.join(dir, "objects")) && existsSync(path.join(dir, "refs"));
}

/**
 * Classifies `--source`. Throws a plain Error (the CLI turns it into a usage
 * error) when a local path does not exist or is not a directory.
 */
export function classifySource(source: string): SourceKind {
  if (isGitUrl(source)) return "git-remote";
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new Error(`--source: ${source}: no such directory (expected a git URL or a local directory)`);
  }
  if (!st.isDirectory()) throw new Error(`--source: ${source}: not a directory (expected a git URL or a local directory)`);
  if (existsSync(path.join(source, ".git"))) return "git-local";
  // A bare repository (`repo.git`: HEAD, objects/ and refs/, no work tree) is a remote reached by path, not a directory of manifests.
  if (isBareRepository(source)) return "git-remote";
  return "dir";
}

/** Builds the source for `--source`. */
export function createSource(spec: SourceSpec): Source {
  const kind = classifySource(spec.source);
  const common = {
    workDir: spec.workDir,
    ...(spec.path !== undefined ? { path: spec.path } : {}),
    ...(spec.debounceMs !== undefined ? { debounceMs: spec.debounceMs } : {}),
  };
  if (kind === "dir") {
    return new DirSource({ dir: path.resolve(spec.source), ...common, ...(spec.onWatchError ? { onWatchError: spec.onWatchError } : {}) });
  }
  return new GitSource({
    url: kind === "git-local" ? path.resolve(spec.source) : spec.source,
    local: kind === "git-local",
    ...(spec.branch !== undefined ? { branch: spec.branch } : {}),
    ...common,
    ...(spec.auth ? { auth: spec.auth } : {}),
    env: spec.env,
    redactor: spec.redactor,
  });
}
