/**
 * Which forge a source URL names, and how `run` resolves the commit status
 * and notification flags (errors name the flag and say what to do).
 */
import { describe, expect, it } from "vitest";
import { resolveReport, type ReportContext } from "../../../src/cli/report-flags.ts";
import { detectForge, forgeApiUrl } from "../../../src/forge/detect.ts";
import { pageUrlFor } from "../../../src/report/reporters.ts";

describe("detectForge", () => {
  it.each([
    ["https://github.com/acme/infra.git", "github", "https://api.github.com", "acme/infra"],
    ["git@github.com:acme/infra.git", "github", "https://api.github.com", "acme/infra"],
    ["ssh://git@gitlab.com/group/sub/infra.git", "gitlab", "https://gitlab.com/api/v4", "group/sub/infra"],
    ["https://gitlab.example.com/platform/infra", "gitlab", "https://gitlab.example.com/api/v4", "platform/infra"],
    ["https://codeberg.org/acme/infra.git", "gitea", "https://codeberg.org/api/v1", "acme/infra"],
    ["https://git.gitea.example.net/acme/infra.git", "gitea", "https://git.gitea.example.net/api/v1", "acme/infra"],
  ])("%s is %s at %s, repository %s", (url, forge, api, repo) => {
    const d = detectForge(url);
    expect(d).toMatchObject({ forge, repo });
    expect(forgeApiUrl(d.forge!, d.origin!)).toBe(api);
  });

  it("cannot tell a private host or a file URL, and GitHub Enterprise gets /api/v3", () => {
    expect(detectForge("https://git.example.com/acme/infra.git").forge).toBeUndefined();
    expect(detectForge("file:///srv/git/infra.git")).toEqual({});
    expect(forgeApiUrl("github", "https://github.acme.com")).toBe("https://github.acme.com/api/v3");
  });
});

const ctx: ReportContext = { source: "https://github.com/acme/infra.git", sourceIsGit: true, instance: "prod", requestTimeoutMs: 30_000 };

describe("resolveReport", () => {
  it("resolves commit statuses from the source URL and a token from the environment", () => {
    expect(resolveReport({ "commit-status": true }, { GITHUB_TOKEN: "ghp_x" }, ctx)).toEqual({
      commitStatus: { forge: "github", apiUrl: "https://api.github.com", repo: "acme/infra", token: "ghp_x", tokenKind: "bearer", context: "dokploy-gitops/prod", requestTimeoutMs: 30_000 },
    });
  });

  it.each([
    [{ "commit-status": true }, {}, ctx, "run: --commit-status needs a token: --commit-status-token-file FILE or env DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN"],
    [{ "commit-status": true }, { GIT_TOKEN: "t" }, { ...ctx, source: "https://git.example.com/a/b.git" }, "run: --commit-status: cannot tell the forge from https://git.example.com/a/b.git: pass --commit-status-forge github|gitea|gitlab"],
    [{ "commit-status": true }, { GIT_TOKEN: "t" }, { ...ctx, source: "./deploy", sourceIsGit: false }, "run: --commit-status needs a git --source (a plain directory has no commits)"],
    [{ "commit-status-repo": "a/b" }, {}, ctx, "run: --commit-status-repo needs --commit-status"],
    [{ "commit-status": true, "commit-status-forge": "bitbucket" }, {}, ctx, 'run: --commit-status-forge: expected one of github, gitea, gitlab, got "bitbucket"'],
    [{ notify: ["https://hooks.example.com/x"] }, {}, ctx, "run: notify: the generic webhook webhook:hooks.example.com needs a signing secret: --notify-secret-file FILE, DOKPLOY_GITOPS_NOTIFY_SECRET, or secret: in --notify-config"],
    [{ "public-url": "gitops.example.com" }, {}, ctx, 'run: --public-url: expected an http(s) URL such as https://gitops.example.com/, got "gitops.example.com"'],
  ])("refuses %j with a clear message", (values, env, context, message) => {
    expect(() => resolveReport(values, env, context)).toThrow(message);
  });

  it("takes notification URLs from flags and the environment, with the signing secret and ntfy token from the environment", () => {
    const report = resolveReport(
      { notify: ["https://hooks.slack.com/services/T/B/X"], "notify-renotify": "30m" },
      { DOKPLOY_GITOPS_NOTIFY: "https://hooks.example.com/a\nntfy+https://push.example.com/deploys", DOKPLOY_GITOPS_NOTIFY_SECRET: "s3cret", DOKPLOY_GITOPS_NTFY_TOKEN: "tk_1" },
      ctx,
    );
    expect(report?.notify).toEqual({
      targets: [
        { kind: "slack", url: "https://hooks.slack.com/services/T/B/X" },
        { kind: "webhook", url: "https://hooks.example.com/a", secret: "s3cret" },
        { kind: "ntfy", url: "https://push.example.com/deploys", token: "tk_1" },
      ],
      renotifyMs: 1_800_000,
      rateLimit: { burst: 10, refillMs: 60_000 },
    });
  });
});

describe("pageUrlFor", () => {
  it.each([
    ["https://gitops.example.com", "http://127.0.0.1:8080", "https://gitops.example.com/"],
    [undefined, "http://127.0.0.1:8080", "http://127.0.0.1:8080/"],
    [undefined, "http://0.0.0.0:8080", undefined],
    [undefined, "http://[::]:8080", undefined],
  ])("public %s, listening on %s: links to %s", (publicUrl, listen, expected) => {
    expect(pageUrlFor(publicUrl, listen)).toBe(expected);
  });
});
