/**
 * Shared shapes of the PR-comment feature: where a comment goes (provider,
 * API base URL, repository, pull request, token) and the small port each
 * provider implements. The upsert logic and the CLI depend on the port only,
 * so GitHub, Gitea and GitLab differ in one file each.
 */

/** The code hosts `comment` can post to. */
export type ProviderName = "github" | "gitea" | "gitlab";

export const PROVIDERS: readonly ProviderName[] = ["github", "gitea", "gitlab"];

/** How the token is sent; GitLab distinguishes personal/project tokens from CI job tokens. */
export type TokenKind = "bearer" | "gitea-token" | "gitlab-private" | "gitlab-job";

/** Everything needed to reach one pull request's comments; frozen once resolved. */
export interface CommentTarget {
  provider: ProviderName;
  /** API base URL without a trailing slash: `https://api.github.com`, `https://gitea.example.com/api/v1`, `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  /** `owner/name` (GitHub, Gitea), or a GitLab project id or path (`group/sub/project`). */
  repo: string;
  /** Pull request number (GitLab: merge request IID). */
  pr: number;
  /** Never printed; every message passes through a Redactor that knows it. */
  token: string;
  tokenKind: TokenKind;
  /** Per-request timeout. */
  requestTimeoutMs: number;
}

/** A comment as listed by a provider: only what finding our own needs. */
export interface ExistingComment {
  id: string;
  body: string;
}

/** One provider's comment API for one pull request. */
export interface CommentApi {
  readonly provider: ProviderName;
  /** Largest body the provider accepts, in characters. */
  readonly maxBodyLength: number;
  /** Every comment of the pull request, following pagination. */
  listComments(): Promise<ExistingComment[]>;
  createComment(body: string): Promise<{ id: string; url?: string }>;
  updateComment(id: string, body: string): Promise<{ id: string; url?: string }>;
}

/** Provider comment size limits (characters). Gitea has no documented cap; GitHub's is used to stay safe. */
export const COMMENT_LIMITS: Record<ProviderName, number> = {
  github: 65_536,
  gitea: 65_536,
  gitlab: 1_000_000,
};

/** The display name used in messages. */
export const PROVIDER_TITLE: Record<ProviderName, string> = { github: "GitHub", gitea: "Gitea", gitlab: "GitLab" };

/**
 * A failure to talk to the code host. The message names the provider, the
 * request, the HTTP status and the provider's own message; the token never
 * appears (messages are redacted before this is built).
 */
export class CommentPostError extends Error {
  override readonly name = "CommentPostError";
  readonly provider: ProviderName;
  readonly status: number | undefined;
  constructor(provider: ProviderName, message: string, status?: number) {
    super(message);
    this.provider = provider;
    this.status = status;
  }
}

/** Bad or missing settings for `comment` (no PR number, unknown provider...): a usage problem, exit 1. */
export class CommentSetupError extends Error {
  override readonly name = "CommentSetupError";
}
