/**
 * The daemon benchmark runs the daemon with the image's memory settings, read
 * from the Dockerfile's ENV (so the figures follow the image, not a copy).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { imageRuntimeEnv } from "../../../bench/lib/daemon-process.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dockerfile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-dockerfile-"));
  dirs.push(dir);
  writeFileSync(join(dir, "Dockerfile"), text);
  return join(dir, "Dockerfile");
}

describe("imageRuntimeEnv", () => {
  it("reads the repository's Dockerfile: the flags the image runs the daemon with", () => {
    const env = imageRuntimeEnv();
    expect(env.NODE_OPTIONS?.split(" ")).toEqual(expect.arrayContaining(["--expose-gc", "--max-semi-space-size=8"]));
    expect(env).not.toHaveProperty("HOME");
  });

  it("keeps NODE_OPTIONS and MALLOC_* only, across line continuations and quotes", () => {
    const file = dockerfile('FROM node:24\nENV NODE_ENV=production \\\n    NODE_OPTIONS="--a=1 --b" \\\n    MALLOC_ARENA_MAX=2\nENV HOME=/x\n');
    expect(imageRuntimeEnv(file)).toEqual({ NODE_OPTIONS: "--a=1 --b", MALLOC_ARENA_MAX: "2" });
  });

  it("says so when the Dockerfile sets no NODE_OPTIONS", () => {
    const file = dockerfile("FROM node:24\nENV NODE_ENV=production\n");
    expect(() => imageRuntimeEnv(file)).toThrow(/no ENV NODE_OPTIONS=\.\.\. found/);
  });
});
