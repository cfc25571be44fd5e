/**
 * Real git repositories in temp dirs for tests: a bare "remote" and a working
 * clone that commits and pushes to it. Never a mocked git.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Environment for test git commands: fixed identity, no user/system config, no prompts. */
export const GIT_TEST_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/** Runs git in `cwd` and returns its trimmed stdout; throws with stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_TEST_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A bare remote plus a working clone. */
export interface TestRepo {
  /** Temp dir holding everything; removed by `cleanup`. */
  dir: string;
  /** Path of the bare repository; usable as a `--source` URL via `url`. */
  bare: string;
  /** `file://` URL of the bare repository. */
  url: string;
  /** The working clone that commits and pushes. */
  work: string;
  branch: string;
  /** Writes files (path -> content; `null` deletes) into the working clone, commits, pushes; returns the sha. */
  commit(files: Record<string, string | null>, message?: string): string;
  /** Creates and pushes a commit on another branch; returns the sha. */
  commitOn(branch: string, files: Record<string, string | null>, message?: string): string;
  /** The sha the remote's branch points at. */
  head(): string;
  cleanup(): void;
}

/** Creates a bare remote with default branch `branch` (default `main`) and a working clone. */
export function createTestRepo(options: { branch?: string } = {}): TestRepo {
  const branch = options.branch ?? "main";
  const dir = mkdtempSync(path.join(tmpdir(), "dg-git-"));
  const bare = path.join(dir, "remote.git");
  const work = path.join(dir, "work");
  git(dir, "init", "--quiet", "--bare", `--initial-branch=${branch}`, bare);
  git(dir, "init", "--quiet", `--initial-branch=${branch}`, work);
  git(work, "remote", "add", "origin", bare);

  const write = (files: Record<string, string | null>): void => {
    for (const [rel, content] of Object.entries(files)) {
      const target = path.join(work, rel);
      if (content === null) rmSync(target, { force: true });
      else {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
  };
  const commitAndPush = (onBranch: string, files: Record<string, string | null>, message: string): string => {
    write(files);
    git(work, "add", "--all");
    git(work, "commit", "--quiet", "--allow-empty", "-m", message);
    git(work, "push", "--quiet", "--force", "origin", `HEAD:refs/heads/${onBranch}`);
    return git(work, "rev-parse", "HEAD");
  };

  return {
    dir, bare, url: `file://${bare}`, work, branch,
    commit: (files, message = "update") => commitAndPush(branch, files, message),
    commitOn: (other, files, message = "other branch") => {
      git(work, "checkout", "--quiet", "-B", other);
      try {
        return commitAndPush(other, files, message);
      } finally {
        git(work, "checkout", "--quiet", branch);
      }
    },
    head: () => git(bare, "rev-parse", `refs/heads/${branch}`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh temp dir (removed by the caller). */
export function tempDir(prefix = "dg-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
