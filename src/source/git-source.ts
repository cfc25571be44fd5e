/**
 * Git sources: a remote repository (https or ssh) or a local checkout, fetched
 * into a private repository in the work dir and checked out there, so each
 * pass reads exactly one commit while the user's checkout or the remote moves
 * on. The URL is passed to each fetch and never stored in the work dir's git
 * config; an https token travels as an `http.extraHeader` through git's
 * environment (never argv, never a URL), and everything git prints goes
 * through the `Redactor` before it becomes an error message.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { redactUrl, type Redactor } from "../util/redact.ts";
import type { SourceInfo } from "../reconcile/status-store.ts";
import { hostKeyFailure, hostKeyHint, PUBLISHED_KNOWN_HOSTS, sshTarget } from "./known-hosts.ts";
import { SourceError, type Snapshot, type Source } from "./types.ts";
import { watchPaths } from "./watch.ts";

/** Credentials for git; each optional. Never logged. */
export interface GitAuth {
  /** https token (env `GIT_TOKEN`), sent as basic auth `x-access-token:<token>`. */
  token?: string;
  /** Private key file for ssh URLs. */
  sshKeyFile?: string;
  /** known_hosts for ssh; without it, only the published keys of the big hosts (`known-hosts.ts`) are trusted. */
  knownHostsFile?: string;
  /** Trust an unknown ssh host key on first use (remembered in the work dir); a changed key is still refused. */
  insecureAcceptNewHostKeys?: boolean;
}

export interface GitSourceOptions {
  /** Remote URL, or the path of a local checkout (with `local: true`). */
  url: string;
  /** A local checkout: follow its HEAD (whatever is checked out), and watch it for new commits. */
  local?: boolean;
  /** Branch to follow; default: the remote's default branch (for a local checkout: its HEAD). */
  branch?: string;
  /** Subdirectory holding the manifests. */
  path?: string;
  /** Private directory for the fetched repository; created if missing. */
  workDir: string;
  auth?: GitAuth;
  /** Base environment for git (PATH, HOME); nothing else is inherited. */
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  /** Bound on each git command without output progress. Default 120 s. */
  timeoutMs?: number;
  /** Debounce of the local checkout watch. */
  debounceMs?: number;
}

/** Environment variables the git commands may carry (simple-git blocks every other `GIT_*`). */
const GIT_ENV_KEYS = [
  "GIT_TERMINAL_PROMPT", "GIT_SSH_COMMAND", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0",
  "GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
];

/** Where the fetched commit is kept (and checked out from). */
const CURRENT_REF = "refs/dokploy-gitops/current";

/** The published host keys, written into the work dir for ssh to read. */
const PUBLISHED_KNOWN_HOSTS_FILE = "published_known_hosts";

/** Quotes a path for the `GIT_SSH_COMMAND` shell line. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Ensures `--path` names a directory inside the repository (no absolute path, no `..`). */
export function checkSubPath(sub: string | undefined): string {
  if (sub === undefined || sub === "" || sub === "." || sub === "./") return "";
  const normalized = path.posix.normalize(sub.replace(/\\/g, "/")).replace(/\/+$/, "");
  if (path.posix.isAbsolute(normalized) || normalized === ".." || normalized.startsWith("../")) {
    throw new SourceError(`--path: expected a directory inside the repository, got "${sub}"`, false);
  }
  return normalized === "." ? "" : normalized;
}

/** Fetches and checks out a git source into the work dir. */
export class GitSource implements Source {
  readonly #options: GitSourceOptions;
  readonly #repoDir: string;
  readonly #subPath: string;
  #branch: string | undefined;

  constructor(options: GitSourceOptions) {
    this.#options = options;
    this.#repoDir = path.join(options.workDir, "repo");
    this.#subPath = checkSubPath(options.path);
    this.#branch = options.branch;
    const { auth, redactor } = options;
    redactor.add(auth?.token);
    if (auth?.token) redactor.add(Buffer.from(`x-access-token:${auth.token}`).toString("base64"));
    try {
      const u = new URL(options.url);
      redactor.add(decodeURIComponent(u.password), u.password);
      if (u.username && !u.password) redactor.add(decodeURIComponent(u.username), u.username);
    } catch {
      // scp-like ssh URL (git@host:org/repo) or a local path: no credentials to register.
    }
  }

  describe(): SourceInfo {
    return {
      url: this.#options.local ? this.#options.url : redactUrl(this.#options.url),
      ...(this.#branch ? { branch: this.#branch } : {}),
      ...(this.#subPath ? { path: this.#subPath } : {}),
    };
  }

  /** The branch being followed, once known. */
  get branch(): string | undefined {
    return this.#branch;
  }

  #env(): Record<string, string> {
    const { env, auth, workDir } = this.#options;
    const out: Record<string, string> = {};
    for (const key of ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"]) {
      const v = env[key];
      if (v !== undefined) out[key] = v;
    }
    out.GIT_TERMINAL_PROMPT = "0";
    out.GIT_CONFIG_NOSYSTEM = "1";
    out.GIT_AUTHOR_NAME = out.GIT_COMMITTER_NAME = "dokploy-gitops";
    out.GIT_AUTHOR_EMAIL = out.GIT_COMMITTER_EMAIL = "dokploy-gitops@localhost";
    const ssh = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "-o", "UpdateHostKeys=no"];
    if (auth?.sshKeyFile) ssh.push("-i", shellQuote(auth.sshKeyFile), "-o", "IdentitiesOnly=yes");
    // The trusted keys: the operator's file, or the published ones; never ~/.ssh or /etc/ssh.
    const trusted = auth?.knownHostsFile ?? path.join(workDir, PUBLISHED_KNOWN_HOSTS_FILE);
    if (auth?.insecureAcceptNewHostKeys) {
      // Learned keys go to the first user file; the trusted ones still apply, and a changed key is still refused.
      ssh.push("-o", `UserKnownHostsFile=${shellQuote(path.join(workDir, "known_hosts"))}`, "-o", `GlobalKnownHostsFile=${shellQuote(trusted)}`);
      ssh.push("-o", "StrictHostKeyChecking=accept-new");
    } else {
      ssh.push("-o", `UserKnownHostsFile=${shellQuote(trusted)}`, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes");
    }
    out.GIT_SSH_COMMAND = ssh.join(" ");
    if (auth?.token && /^https?:/i.test(this.#options.url)) {
      const basic = Buffer.from(`x-access-token:${auth.token}`).toString("base64");
      out.GIT_CONFIG_COUNT = "1";
      out.GIT_CONFIG_KEY_0 = "http.extraHeader";
      out.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
    }
    return out;
  }

  #git(signal?: AbortSignal): SimpleGit {
    return simpleGit({
      baseDir: this.#repoDir,
      timeout: { block: this.#options.timeoutMs ?? 120_000 },
      unsafe: { allowUnsafeSshCommand: true, allowUnsafeConfigEnvCount: true },
      allowEnvironment: GIT_ENV_KEYS,
      ...(signal ? { abort: signal } : {}),
    }).env(this.#env());
  }

  /** Wraps a git failure into a redacted `SourceError`, deciding whether retrying can help. */
  #fail(what: string, err: unknown): SourceError {
    const raw = err instanceof Error ? err.message : String(err);
    const target = sshTarget(this.#options.url);
    const refused = target ? hostKeyFailure(raw) : undefined;
    if (target && refused) {
      return new SourceError(`${redactUrl(this.#options.url)}: ${what}: ${hostKeyHint(target, refused, this.#options.auth?.knownHostsFile)}`, false);
    }
    const message = this.#options.redactor.redact(raw.trim().split("\n").filter(Boolean).slice(-3).join(" / "));
    const terminal = /couldn't find remote ref|not found|does not appear to be a git repository|Authentication failed|Permission denied|could not read Username|invalid credentials|403/i.test(raw);
    const label = this.#options.local ? this.#options.url : redactUrl(this.#options.url);
    return new SourceError(`${label}: ${what}: ${message}`, !terminal, { cause: undefined });
  }

  async #ensureRepo(git: SimpleGit): Promise<void> {
    if (existsSync(path.join(this.#repoDir, ".git"))) return;
    await git.init();
  }

  /** Asks the remote for its default branch (`HEAD` symref). */
  async #defaultBranch(git: SimpleGit): Promise<string> {
    const out = await git.raw(["ls-remote", "--symref", this.#options.url, "HEAD"]);
    const m = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(out);
    if (!m) {
      throw new SourceError(`${redactUrl(this.#options.url)}: cannot tell the remote's default branch (its HEAD names no existing branch); pass --branch`, false);
    }
    return m[1]!;
  }

  async prepare(signal?: AbortSignal): Promise<Snapshot> {
    await mkdir(this.#repoDir, { recursive: true });
    if (!this.#options.auth?.knownHostsFile && !this.#options.local && sshTarget(this.#options.url)) {
      await writeFile(path.join(this.#options.workDir, PUBLISHED_KNOWN_HOSTS_FILE), PUBLISHED_KNOWN_HOSTS, { mode: 0o644 });
    }
    const git = this.#git(signal);
    let sha: string;
    try {
      await this.#ensureRepo(git);
      // The fetched commit goes straight into our own ref: it stays referenced (no gc), in one git run.
      const fetch = ["fetch", "--no-tags", "--force", "--quiet"];
      if (this.#options.local && !this.#options.branch) {
        await git.raw([...fetch, this.#options.url, `+HEAD:${CURRENT_REF}`]);
        this.#branch = await this.#localBranch(signal);
      } else if (this.#options.local) {
        await git.raw([...fetch, this.#options.url, `+refs/heads/${this.#branch}:${CURRENT_REF}`]);
      } else {
        this.#branch ??= await this.#defaultBranch(git);
        await git.raw([...fetch, "--depth", "1", this.#options.url, `+refs/heads/${this.#branch}:${CURRENT_REF}`]);
      }
      sha = await this.#fetchedCommit(git);
      // Every pass, even on the same revision: the snapshot is exactly the commit, whatever touched the work dir.
      await git.raw(["checkout", "--force", "--detach", "--quiet", sha]);
      await git.raw(["clean", "-ffdxq"]);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw this.#fail("fetch failed", err);
    }
    const root = this.#subPath ? path.join(this.#repoDir, this.#subPath) : this.#repoDir;
    const st = await stat(root).catch(() => undefined);
    if (!st?.isDirectory()) {
      throw new SourceError(`--path ${this.#subPath}: no such directory in revision ${sha.slice(0, 12)}`, false);
    }
    // Symlinks must not lead the loader outside the checked-out tree.
    const real = await realpath(root);
    const realRepo = await realpath(this.#repoDir);
    if (real !== realRepo && !real.startsWith(realRepo + path.sep)) {
      throw new SourceError(`--path ${this.#subPath}: leads outside the repository (symlink)`, false);
    }
    return { root, revision: sha };
  }

  /**
   * The commit just fetched, from `FETCH_HEAD`'s first line (it starts with
   * the object name), read as a file to spare a git run per pass. What we
   * fetch is a branch or a checkout's HEAD, and git keeps both on commits
   * (a push of anything else to a branch is refused). Asks git when the file
   * does not look as expected.
   */
  async #fetchedCommit(git: SimpleGit): Promise<string> {
    const text = await readFile(path.join(this.#repoDir, ".git", "FETCH_HEAD"), "utf8").catch(() => "");
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t/.exec(text);
    return m ? m[1]! : (await git.revparse(["FETCH_HEAD^{commit}"])).trim();
  }

  async #localBranch(signal?: AbortSignal): Promise<string | undefined> {
    try {
      const name = (await simpleGit({ baseDir: this.#options.url, ...(signal ? { abort: signal } : {}) }).revparse(["--abbrev-ref", "HEAD"])).trim();
      return name === "HEAD" ? undefined : name;
    } catch {
      return undefined;
    }
  }

  /** Local checkouts: a commit, a checkout or a branch switch changes `.git/HEAD` or a ref. */
  async watch(onChange: () => void): Promise<() => Promise<void>> {
    if (!this.#options.local) return async () => {};
    const gitDir = path.join(this.#options.url, ".git");
    const rel = (p: string): string => path.relative(gitDir, p).split(path.sep).join("/");
    return watchPaths([gitDir], onChange, {
      debounceMs: this.#options.debounceMs ?? 300,
      depth: 4,
      // Objects, logs and lock files churn on every commit; HEAD and refs are what say "a new revision".
      ignore: (p) => /^(objects|logs|hooks|info|lfs|modules|worktrees)(\/|$)/.test(rel(p)) || p.endsWith(".lock"),
      relevant: (p) => /^(HEAD|packed-refs|refs\/heads(\/.*)?)$/.test(rel(p)),
    });
  }

  async close(): Promise<void> {}
}
