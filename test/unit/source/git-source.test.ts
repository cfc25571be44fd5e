import { readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitSource } from "../../../src/source/git-source.ts";
import { createSource, classifySource } from "../../../src/source/index.ts";
import { SourceError } from "../../../src/source/types.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { createTestRepo, git, tempDir, type TestRepo } from "../../helpers/git-repo.ts";
import { eventually } from "../../helpers/eventually.ts";

const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function repo(): TestRepo {
  const r = createTestRepo();
  cleanups.push(r.cleanup);
  return r;
}
function work(): string {
  const d = tempDir("dg-work-");
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe("GitSource (remote)", () => {
  it("clones the default branch, then follows new commits", async () => {
    const r = repo();
    const first = r.commit({ "manifests/app.yaml": "v: 1\n" });
    const workDir = work();
    const src = new GitSource({ url: r.url, path: "manifests", workDir, env, redactor: new Redactor() });
    const snap1 = await src.prepare();
    expect(snap1.revision).toBe(first);
    // The snapshot's commit is kept referenced (safe from gc) and is what is checked out.
    const inWork = (...args: string[]): string => git(path.join(workDir, "repo"), ...args);
    expect(inWork("rev-parse", "refs/dokploy-gitops/current")).toBe(first);
    expect(inWork("rev-parse", "HEAD")).toBe(first);
    expect(readFileSync(path.join(snap1.root, "app.yaml"), "utf8")).toBe("v: 1\n");
    expect(src.describe()).toEqual({ url: r.url, branch: "main", path: "manifests" });

    const second = r.commit({ "manifests/app.yaml": "v: 2\n", "manifests/gone.yaml": null });
    const snap2 = await src.prepare();
    expect(snap2.revision).toBe(second);
    expect(inWork("rev-parse", "refs/dokploy-gitops/current")).toBe(second);
    expect(readFileSync(path.join(snap2.root, "app.yaml"), "utf8")).toBe("v: 2\n");
  });

  it("removes files deleted upstream and untracked leftovers from the snapshot", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n", "b.yaml": "b\n" });
    const src = new GitSource({ url: r.url, workDir: work(), env, redactor: new Redactor() });
    const snap1 = await src.prepare();
    writeFileSync(path.join(snap1.root, "stray.yaml"), "x\n");
    r.commit({ "b.yaml": null });
    const snap2 = await src.prepare();
    expect(existsSync(path.join(snap2.root, "b.yaml"))).toBe(false);
    expect(existsSync(path.join(snap2.root, "stray.yaml"))).toBe(false);
    expect(existsSync(path.join(snap2.root, "a.yaml"))).toBe(true);
  });

  it("follows an explicit branch and ignores others", async () => {
    const r = repo();
    const main = r.commit({ "a.yaml": "main\n" });
    const rel = r.commitOn("release", { "a.yaml": "release\n" });
    const src = new GitSource({ url: r.url, branch: "release", workDir: work(), env, redactor: new Redactor() });
    expect((await src.prepare()).revision).toBe(rel);
    r.commit({ "a.yaml": "main 2\n" });
    expect((await src.prepare()).revision).toBe(rel);
    expect(main).not.toBe(rel);
  });

  it("reports a missing branch as a terminal SourceError", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    const src = new GitSource({ url: r.url, branch: "nope", workDir: work(), env, redactor: new Redactor() });
    const err = await src.prepare().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).transient).toBe(false);
    expect((err as SourceError).message).toContain("nope");
  });

  it("reports an unreachable remote as transient, with credentials redacted", async () => {
    const redactor = new Redactor();
    const src = new GitSource({
      url: "http://user:s3cr3t-pass@127.0.0.1:9/org/repo.git", branch: "main", workDir: work(), env, redactor,
      auth: { token: "tok-abcdef-123" }, timeoutMs: 20_000,
    });
    const err = (await src.prepare().catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.transient).toBe(true);
    expect(err.message).not.toContain("s3cr3t-pass");
    expect(err.message).not.toContain("tok-abcdef-123");
    expect(src.describe().url).not.toContain("s3cr3t-pass");
    expect(redactor.redact("x s3cr3t-pass y")).toBe("x *** y");
  });

  it("refuses a --path that leaves the repository or does not exist", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    expect(() => new GitSource({ url: r.url, path: "../etc", workDir: work(), env, redactor: new Redactor() })).toThrow(/inside the repository/);
    const src = new GitSource({ url: r.url, path: "missing", workDir: work(), env, redactor: new Redactor() });
    await expect(src.prepare()).rejects.toThrow(/--path missing: no such directory/);
  });

  it("survives a restart with the same work dir", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    const dir = work();
    await new GitSource({ url: r.url, workDir: dir, env, redactor: new Redactor() }).prepare();
    const next = r.commit({ "a.yaml": "b\n" });
    const again = await new GitSource({ url: r.url, workDir: dir, env, redactor: new Redactor() }).prepare();
    expect(again.revision).toBe(next);
  });
});

describe("GitSource (local checkout)", () => {
  it("reads the checkout's HEAD, not its uncommitted edits, and sees new commits via watch", async () => {
    const r = repo();
    const first = r.commit({ "a.yaml": "committed\n" });
    expect(classifySource(r.work)).toBe("git-local");
    const src = createSource({ source: r.work, workDir: work(), env, redactor: new Redactor(), debounceMs: 50 });
    writeFileSync(path.join(r.work, "a.yaml"), "uncommitted\n");
    const snap = await src.prepare();
    expect(snap.revision).toBe(first);
    expect(readFileSync(path.join(snap.root, "a.yaml"), "utf8")).toBe("committed\n");
    expect(src.describe().branch).toBe("main");

    let changes = 0;
    const stop = await src.watch!(() => changes++);
    try {
      git(r.work, "commit", "--quiet", "-am", "second");
      await eventually(() => expect(changes).toBeGreaterThan(0), { timeoutMs: 5_000 });
      const snap2 = await src.prepare();
      expect(snap2.revision).toBe(git(r.work, "rev-parse", "HEAD"));
      expect(readFileSync(path.join(snap2.root, "a.yaml"), "utf8")).toBe("uncommitted\n");
    } finally {
      await stop();
    }
  });
});

describe("GitSource credentials", () => {
  it("sends the https token as a basic-auth header (never in the URL) and keeps it out of errors", async () => {
    const { createServer } = await import("node:http");
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("forbidden");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const token = "ghp_exampleToken1234567890";
      const redactor = new Redactor();
      const src = new GitSource({ url: `http://127.0.0.1:${port}/org/repo.git`, branch: "main", workDir: work(), env, redactor, auth: { token } });
      const err = (await src.prepare().catch((e: unknown) => e)) as SourceError;
      expect(err).toBeInstanceOf(SourceError);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen).toContain(`Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`);
      expect(err.message).not.toContain(token);
      expect(err.message).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64"));
      expect(redactor.leaks(err.message)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("a bare repository given by path", () => {
  it("is a git remote, not a directory of manifests (regression: it was read as a plain directory and retried as transient)", async () => {
    const r = repo();
    const sha = r.commit({ "deploy/app.yaml": "v: 1\n" });
    expect(classifySource(r.bare)).toBe("git-remote");
    const src = createSource({ source: r.bare, path: "deploy", workDir: work(), env, redactor: new Redactor() });
    const snap = await src.prepare();
    expect(snap.revision).toBe(sha);
    expect(readFileSync(path.join(snap.root, "app.yaml"), "utf8")).toBe("v: 1\n");
    await src.close();
  });
});
