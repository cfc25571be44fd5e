import { describe, expect, it } from "vitest";
import { detectCi, normalizeApiUrl, resolveCommentTarget, tokenFor } from "../../../src/comment/ci-detect.ts";
import { CommentSetupError } from "../../../src/comment/types.ts";

const EVENT_PATH = "/ci/event.json";
const prEvent = JSON.stringify({ pull_request: { number: 42, head: { sha: "abcdef1234567890" } } });
const files = (content: string | undefined) => (p: string): string => {
  if (p === EVENT_PATH && content !== undefined) return content;
  throw Object.assign(new Error("no such file"), { code: "ENOENT" });
};
const flags = { requestTimeoutMs: 5_000 };

const githubEnv = {
  GITHUB_ACTIONS: "true",
  GITHUB_REPOSITORY: "acme/infra",
  GITHUB_EVENT_PATH: EVENT_PATH,
  GITHUB_API_URL: "https://api.github.com",
  GITHUB_SHA: "merge-sha",
  GITHUB_TOKEN: "ghs_faketoken123",
};
const giteaEnv = {
  ...githubEnv,
  GITEA_ACTIONS: "true",
  GITHUB_SERVER_URL: "https://git.example.com/",
  GITHUB_API_URL: "https://git.example.com/api/v1",
  GITEA_TOKEN: "gitea-token-abc",
};
const gitlabEnv = {
  GITLAB_CI: "true",
  CI_API_V4_URL: "https://gitlab.example.com/api/v4",
  CI_PROJECT_ID: "1234",
  CI_MERGE_REQUEST_IID: "7",
  CI_COMMIT_SHA: "0123456789abcdef",
  CI_JOB_TOKEN: "job-token-xyz",
};

describe("CI detection", () => {
  it("reads GitHub Actions: repository, PR number from the event, API URL, token, head sha", () => {
    const { target, ci } = resolveCommentTarget(flags, githubEnv, files(prEvent));
    expect(target).toEqual({
      provider: "github", apiUrl: "https://api.github.com", repo: "acme/infra", pr: 42,
      token: "ghs_faketoken123", tokenKind: "bearer", requestTimeoutMs: 5_000,
    });
    expect(ci?.revision).toBe("abcdef1234567890");
  });

  it("reads GitHub Enterprise's API URL", () => {
    const { target } = resolveCommentTarget(flags, { ...githubEnv, GITHUB_API_URL: "https://ghe.example.com/api/v3" }, files(prEvent));
    expect(target.apiUrl).toBe("https://ghe.example.com/api/v3");
  });

  it("reads the PR number of an issue_comment event on a pull request", () => {
    const event = JSON.stringify({ issue: { number: 9, pull_request: { url: "x" } } });
    expect(resolveCommentTarget(flags, githubEnv, files(event)).target.pr).toBe(9);
  });

  it("says why when the event is not a pull request", () => {
    const run = () => resolveCommentTarget(flags, githubEnv, files(JSON.stringify({ ref: "refs/heads/main" })));
    expect(run).toThrow(CommentSetupError);
    expect(run).toThrow(/no pull request number: pass --pr N \(the event is not a pull request/);
  });

  it("says why when the event file cannot be read", () => {
    expect(() => resolveCommentTarget(flags, githubEnv, files(undefined))).toThrow(/cannot read the event file \/ci\/event.json: ENOENT/);
  });

  it("recognises Gitea Actions before GitHub (Gitea sets GITHUB_* too), with the server's /api/v1 and GITEA_TOKEN", () => {
    const { target } = resolveCommentTarget(flags, giteaEnv, files(prEvent));
    expect(target).toMatchObject({ provider: "gitea", apiUrl: "https://git.example.com/api/v1", repo: "acme/infra", pr: 42, token: "gitea-token-abc", tokenKind: "gitea-token" });
  });

  it("falls back to GITHUB_TOKEN on Gitea", () => {
    const { GITEA_TOKEN: _unused, ...env } = giteaEnv;
    expect(resolveCommentTarget(flags, env, files(prEvent)).target).toMatchObject({ token: "ghs_faketoken123", tokenKind: "gitea-token" });
  });

  it("reads GitLab CI: API URL, project id, MR IID; the job token when no GITLAB_TOKEN", () => {
    const { target, ci } = resolveCommentTarget(flags, gitlabEnv, files(undefined));
    expect(target).toMatchObject({ provider: "gitlab", apiUrl: "https://gitlab.example.com/api/v4", repo: "1234", pr: 7, token: "job-token-xyz", tokenKind: "gitlab-job" });
    expect(ci?.revision).toBe("0123456789abcdef");
  });

  it("prefers GITLAB_TOKEN (sent as PRIVATE-TOKEN) over the job token", () => {
    expect(tokenFor("gitlab", { ...gitlabEnv, GITLAB_TOKEN: "glpat-abc" })).toEqual({ token: "glpat-abc", kind: "gitlab-private", variable: "GITLAB_TOKEN" });
  });

  it("explains a GitLab pipeline that is not a merge request pipeline", () => {
    const { CI_MERGE_REQUEST_IID: _unused, ...env } = gitlabEnv;
    expect(() => resolveCommentTarget(flags, env, files(undefined))).toThrow(/CI_MERGE_REQUEST_IID is not set/);
  });

  it("lets flags override what CI says", () => {
    const { target } = resolveCommentTarget({ ...flags, repo: "other/repo", pr: "#5", apiUrl: "http://127.0.0.1:9/" }, githubEnv, files(prEvent));
    expect(target).toMatchObject({ repo: "other/repo", pr: 5, apiUrl: "http://127.0.0.1:9" });
  });

  it("ignores another CI's values when --provider names a different one", () => {
    const run = () => resolveCommentTarget({ ...flags, provider: "gitlab" }, { ...githubEnv, GITLAB_TOKEN: "glpat-x" }, files(prEvent));
    expect(run).toThrow(/no repository: pass --repo PROJECT_ID_OR_PATH/);
  });

  it("returns nothing outside CI", () => {
    expect(detectCi({}, files(undefined))).toBeUndefined();
  });

  it.each<[string, Record<string, string>, Record<string, string>, RegExp]>([
    ["no provider", {}, {}, /cannot tell where to comment: pass --provider github\|gitea\|gitlab/],
    ["an unknown provider", { provider: "bitbucket" }, {}, /--provider: expected one of github, gitea, gitlab, got "bitbucket"/],
    ["a bad PR number", { provider: "github", repo: "a/b", pr: "abc" }, { GITHUB_TOKEN: "t0k3n" }, /--pr: expected a pull request number such as 42, got "abc"/],
    ["a bad repo", { provider: "github", repo: "just-a-name", pr: "1" }, { GITHUB_TOKEN: "t0k3n" }, /--repo: expected OWNER\/NAME such as acme\/infra, got "just-a-name"/],
    ["no token", { provider: "github", repo: "a/b", pr: "1" }, {}, /no github token: set GITHUB_TOKEN/],
    ["Gitea without a URL", { provider: "gitea", repo: "a/b", pr: "1" }, { GITEA_TOKEN: "t0k3n" }, /no gitea API URL: pass --api-url/],
    ["an API URL with credentials", { provider: "github", repo: "a/b", pr: "1", apiUrl: "https://u:p@h.example" }, { GITHUB_TOKEN: "t0k3n" }, /must not contain credentials/],
  ])("rejects %s clearly", (_name, f, env, message) => {
    expect(() => resolveCommentTarget({ ...flags, ...f }, env, files(undefined))).toThrow(message);
  });
});

describe("normalizeApiUrl", () => {
  it.each([
    ["github", "https://api.github.com/", "https://api.github.com"],
    ["github", "http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["github", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3"],
    ["gitea", "https://git.example.com", "https://git.example.com/api/v1"],
    ["gitea", "https://git.example.com/sub/api/v1", "https://git.example.com/sub/api/v1"],
    ["gitlab", "https://gitlab.example.com", "https://gitlab.example.com/api/v4"],
    ["gitlab", "https://gitlab.example.com/api/v4/", "https://gitlab.example.com/api/v4"],
  ] as const)("%s %s -> %s", (provider, raw, out) => {
    expect(normalizeApiUrl(provider, raw)).toBe(out);
  });

  it("rejects a non-http URL", () => {
    expect(() => normalizeApiUrl("github", "ftp://x")).toThrow(/--api-url: expected an http\(s\) URL/);
  });
});
