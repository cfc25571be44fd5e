import { afterEach, describe, expect, it } from "vitest";
import { createCommentApi } from "../../../src/comment/providers.ts";
import { upsertComment } from "../../../src/comment/upsert.ts";
import { commentMarker, planCommentBody } from "../../../src/comment/body.ts";
import { CommentPostError, type CommentTarget, type ProviderName, type TokenKind } from "../../../src/comment/types.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { startFakeProvider, type FakeProvider } from "../../helpers/fake-git-providers.ts";
import { application, change, plan, realisticPlan, secretChange, step } from "../../helpers/plan-builders.ts";

const TOKEN = "tok_s3cret_provider_token";
const TOKEN_KIND: Record<ProviderName, TokenKind> = { github: "bearer", gitea: "gitea-token", gitlab: "gitlab-private" };
const REPO: Record<ProviderName, string> = { github: "acme/infra", gitea: "acme/infra", gitlab: "acme/platform/infra" };

let fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(provider: ProviderName, opts: { maxPerPage?: number; token?: string } = {}) {
  const fake = await startFakeProvider(provider, { token: TOKEN, ...(opts.maxPerPage ? { maxPerPage: opts.maxPerPage } : {}) });
  fakes.push(fake);
  const target: CommentTarget = {
    provider, apiUrl: fake.apiUrl, repo: REPO[provider], pr: 5, token: opts.token ?? TOKEN, tokenKind: TOKEN_KIND[provider], requestTimeoutMs: 5_000,
  };
  const redactor = new Redactor();
  const api = createCommentApi(target, redactor);
  const post = (instance: string, dir: string, p = realisticPlan(), r = redactor) =>
    upsertComment(api, commentMarker(instance, dir), planCommentBody(p, { instance, directory: dir, maxLength: api.maxBodyLength, redactor: r }));
  return { fake, api, post, redactor };
}

const writes = (fake: FakeProvider) => fake.requests.filter((r) => r.method !== "GET");

describe.each<ProviderName>(["github", "gitea", "gitlab"])("%s comments", (provider) => {
  const editMethod = provider === "gitlab" ? "PUT" : "PATCH";

  it("creates one comment on the first run and updates it on the second", async () => {
    const { fake, post } = await setup(provider);
    const first = await post("default", "deploy");
    expect(first.action).toBe("created");
    expect(fake.comments.get(5)).toHaveLength(1);

    const changed = plan([step("update", application("web"), { changes: [change("/spec/replicas", 3, 4)] })]);
    const second = await post("default", "deploy", changed);
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(fake.comments.get(5)).toHaveLength(1);
    expect(fake.comments.get(5)![0]!.body).toContain("/spec/replicas: 4");
    expect(writes(fake).map((r) => r.method)).toEqual(["POST", editMethod]);
  });

  it("sends the token the way the provider expects, and the body as JSON", async () => {
    const { fake, post } = await setup(provider);
    await post("default", "deploy");
    const req = writes(fake)[0]!;
    if (provider === "gitlab") expect(req.headers["private-token"]).toBe(TOKEN);
    else expect(req.headers.authorization).toBe(provider === "github" ? `Bearer ${TOKEN}` : `token ${TOKEN}`);
    expect(req.path).toBe(
      provider === "gitlab" ? "/api/v4/projects/acme%2Fplatform%2Finfra/merge_requests/5/notes"
        : `${provider === "gitea" ? "/api/v1" : ""}/repos/acme/infra/issues/5/comments`,
    );
    expect(JSON.parse(req.body).body.startsWith(commentMarker("default", "deploy"))).toBe(true);
  });

  it("gives another directory or another instance its own comment", async () => {
    const { fake, post } = await setup(provider);
    await post("default", "deploy");
    await post("default", "deploy/staging");
    await post("staging", "deploy");
    await post("default", "deploy");
    expect(fake.comments.get(5)).toHaveLength(3);
    expect(writes(fake).map((r) => r.method)).toEqual(["POST", "POST", "POST", editMethod]);
  });

  it("finds its comment across pages of other comments", async () => {
    const { fake, post } = await setup(provider, { maxPerPage: 10 });
    fake.seed(5, Array.from({ length: 37 }, (_, i) => `LGTM ${i}`));
    const first = await post("default", "deploy");
    fake.seed(5, Array.from({ length: 15 }, (_, i) => `more ${i}`));
    const second = await post("default", "deploy");
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(fake.comments.get(5)!.filter((c) => c.body.startsWith("<!-- dokploy-gitops"))).toHaveLength(1);
    const pages = fake.requests.filter((r) => r.method === "GET").map((r) => r.query.page);
    expect(pages).toEqual(["1", "2", "3", "4", "1", "2", "3", "4", "5", "6"]);
  });

  it("reports a 4xx with the provider, the status and the provider's message, never the token", async () => {
    const { fake, post } = await setup(provider);
    fake.failNext("POST", 403, { message: `Resource not accessible by integration (token ${TOKEN})` });
    const err = await post("default", "deploy").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommentPostError);
    const message = (err as Error).message;
    const title = { github: "GitHub", gitea: "Gitea", gitlab: "GitLab" }[provider];
    expect(message).toMatch(new RegExp(`^${title}: POST http://127\\.0\\.0\\.1:\\d+/\\S+ failed: HTTP 403: Resource not accessible by integration`));
    expect(message).toContain("does the token have permission");
    expect(message).not.toContain(TOKEN);
    expect((err as CommentPostError).status).toBe(403);
  });

  it("reports a bad token as a 401 naming the provider", async () => {
    const { post } = await setup(provider, { token: "wrong-token-value" });
    await expect(post("default", "deploy")).rejects.toThrow(/HTTP 401: .*\(is the token valid\?\)/);
    await expect(post("default", "deploy")).rejects.not.toThrow(/wrong-token-value/);
  });

  it("never sends a secret, even one that slipped into a plan's changes", async () => {
    const canary = "canary-pr-comment-0xDEADBEEF";
    const { fake, post, redactor } = await setup(provider);
    redactor.add(canary);
    const leaky = plan([
      step("update", application("web"), {
        changes: [change("/spec/env/OOPS", "old", canary), { ...secretChange("/spec/env/DB_PASSWORD"), before: canary, after: canary }],
        reasons: [`application/shop/production/web: ${canary}`],
      }),
    ], { warnings: [`warning mentioning ${canary}`] });
    await post("default", "deploy", leaky, redactor);
    await post("default", "deploy", leaky, redactor);
    expect(fake.requests.length).toBeGreaterThan(2);
    for (const r of fake.requests) {
      expect(r.body).not.toContain(canary);
      expect(r.path + JSON.stringify(r.query)).not.toContain(canary);
    }
    expect(fake.comments.get(5)![0]!.body).toContain("(secret changed)");
  });
});

describe("pagination without headers", () => {
  it("walks every page when the server caps the page size and sends no Link", async () => {
    const fake = await startFakeProvider("gitea", { token: TOKEN, maxPerPage: 7, paginationHeaders: false });
    fakes.push(fake);
    const marker = commentMarker("default", ".");
    fake.seed(5, [...Array.from({ length: 20 }, (_, i) => `c${i}`), `${marker}\nold plan`, "after"]);
    const api = createCommentApi({ provider: "gitea", apiUrl: fake.apiUrl, repo: "a/b", pr: 5, token: TOKEN, tokenKind: "gitea-token", requestTimeoutMs: 5_000 }, new Redactor());
    const res = await upsertComment(api, marker, `${marker}\nnew plan`);
    expect(res.action).toBe("updated");
    expect(fake.requests.filter((r) => r.method === "GET").map((r) => r.query.page)).toEqual(["1", "2", "3", "4"]);
  });
});

describe("gitlab specifics", () => {
  it("ignores system notes even if they quote the marker", async () => {
    const { fake, post } = await setup("gitlab");
    fake.seed(5, [`${commentMarker("default", "deploy")}\nadded 1 commit`], { system: true });
    const res = await post("default", "deploy");
    expect(res.action).toBe("created");
  });

  it("sends a CI job token as JOB-TOKEN", async () => {
    const fake = await startFakeProvider("gitlab", { token: TOKEN });
    fakes.push(fake);
    const api = createCommentApi({ provider: "gitlab", apiUrl: fake.apiUrl, repo: "42", pr: 1, token: TOKEN, tokenKind: "gitlab-job", requestTimeoutMs: 5_000 }, new Redactor());
    await api.createComment("hello");
    expect(fake.requests[0]!.headers["job-token"]).toBe(TOKEN);
    expect(fake.requests[0]!.path).toBe("/api/v4/projects/42/merge_requests/1/notes");
  });
});

describe("github enterprise", () => {
  it("works under /api/v3", async () => {
    const fake = await startFakeProvider("github", { token: TOKEN, enterprise: true });
    fakes.push(fake);
    const api = createCommentApi({ provider: "github", apiUrl: fake.apiUrl, repo: "a/b", pr: 3, token: TOKEN, tokenKind: "bearer", requestTimeoutMs: 5_000 }, new Redactor());
    const res = await upsertComment(api, "<!-- m -->", "<!-- m -->\nbody");
    expect(res.action).toBe("created");
    expect(fake.requests.at(-1)!.path).toBe("/api/v3/repos/a/b/issues/3/comments");
  });

  it("reports an unreachable server clearly", async () => {
    const fake = await startFakeProvider("github", { token: TOKEN });
    const apiUrl = fake.apiUrl;
    await fake.close();
    const api = createCommentApi({ provider: "github", apiUrl, repo: "a/b", pr: 3, token: TOKEN, tokenKind: "bearer", requestTimeoutMs: 5_000 }, new Redactor());
    await expect(api.listComments()).rejects.toThrow(/^GitHub: GET http:\/\/127\.0\.0\.1:\d+\/repos\/a\/b\/issues\/3\/comments\?per_page=100&page=1 failed: cannot reach the server \(ECONNREFUSED\)/);
  });
});
