import { mkdirSync, readFileSync, rmSync, writeFileSync, symlinkSync, existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DirSource } from "../../../src/source/dir-source.ts";
import { classifySource, createSource, isGitUrl } from "../../../src/source/index.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { tempDir } from "../../helpers/git-repo.ts";
import { eventually } from "../../helpers/eventually.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

describe("DirSource", () => {
  it("snapshots the directory and names it by content", async () => {
    const dir = temp("dg-src-");
    writeFileSync(path.join(dir, "a.yaml"), "one\n");
    const src = new DirSource({ dir, workDir: temp("dg-work-") });
    const s1 = await src.prepare();
    expect(s1.revision).toMatch(/^dir:[0-9a-f]{12}$/);
    expect(readFileSync(path.join(s1.root, "a.yaml"), "utf8")).toBe("one\n");
    // The snapshot does not change when the directory does.
    writeFileSync(path.join(dir, "a.yaml"), "two\n");
    expect(readFileSync(path.join(s1.root, "a.yaml"), "utf8")).toBe("one\n");
    const s2 = await src.prepare();
    expect(s2.revision).not.toBe(s1.revision);
    expect(readFileSync(path.join(s2.root, "a.yaml"), "utf8")).toBe("two\n");
    expect(existsSync(s1.root)).toBe(false);
    // Unchanged content: same revision, same snapshot.
    expect((await src.prepare()).revision).toBe(s2.revision);
  });

  it("skips symlinks and .git so nothing outside the directory is read", async () => {
    const dir = temp("dg-src-");
    const outside = temp("dg-out-");
    writeFileSync(path.join(outside, "secret.yaml"), "secret\n");
    symlinkSync(path.join(outside, "secret.yaml"), path.join(dir, "link.yaml"));
    mkdirSync(path.join(dir, "nested"));
    writeFileSync(path.join(dir, "nested", "b.yaml"), "b\n");
    const snap = await new DirSource({ dir, workDir: temp("dg-work-") }).prepare();
    expect(existsSync(path.join(snap.root, "link.yaml"))).toBe(false);
    expect(readFileSync(path.join(snap.root, "nested", "b.yaml"), "utf8")).toBe("b\n");
  });

  it("calls back once per burst of edits (debounced)", async () => {
    const dir = temp("dg-src-");
    writeFileSync(path.join(dir, "a.yaml"), "one\n");
    const src = new DirSource({ dir, workDir: temp("dg-work-"), debounceMs: 150 });
    let calls = 0;
    const stop = await src.watch(() => calls++);
    try {
      for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, "a.yaml"), `v${i}\n`);
      await eventually(() => expect(calls).toBe(1), { timeoutMs: 5_000 });
      writeFileSync(path.join(dir, "c.yaml"), "new\n");
      await eventually(() => expect(calls).toBe(2), { timeoutMs: 5_000 });
    } finally {
      await stop();
    }
  });

  it("fails clearly on a missing directory", async () => {
    const src = new DirSource({ dir: "/nonexistent/dg", workDir: temp("dg-work-") });
    await expect(src.prepare()).rejects.toThrow(/\/nonexistent\/dg: not a directory/);
  });
});

describe("classifySource", () => {
  it.each([
    ["https://github.com/org/repo.git", true],
    ["ssh://git@host/org/repo.git", true],
    ["git@github.com:org/repo.git", true],
    ["file:///tmp/x.git", true],
    ["./examples", false],
    ["/srv/manifests", false],
  ])("isGitUrl(%s) = %s", (value, expected) => {
    expect(isGitUrl(value)).toBe(expected);
  });

  it("treats a subdirectory of a checkout as a plain directory", () => {
    const dir = temp("dg-src-");
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "examples"));
    expect(classifySource(dir)).toBe("git-local");
    expect(classifySource(path.join(dir, "examples"))).toBe("dir");
    expect(() => classifySource(path.join(dir, "missing"))).toThrow(/no such directory/);
    expect(createSource({ source: path.join(dir, "examples"), workDir: temp("dg-w-"), env: {}, redactor: new Redactor() })).toBeInstanceOf(DirSource);
  });
});
