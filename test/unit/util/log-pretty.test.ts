/**
 * pino-pretty is loaded only for a terminal: a daemon logging JSON (the
 * container) never loads it, and a pretty logger still works.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";

const LOG_MODULE = fileURLToPath(new URL("../../../src/util/log.ts", import.meta.url));

const REDACT_MODULE = fileURLToPath(new URL("../../../src/util/redact.ts", import.meta.url));

/** Runs `body` in a fresh Node process after importing the logger and the redactor; returns its output (colours stripped). */
function inChild(body: string): { stdout: string; stderr: string } {
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});
    const { Redactor } = await import(${JSON.stringify(REDACT_MODULE)});
    ${body}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000});
  return { stdout: stripVTControlCharacters(r.stdout), stderr: r.stderr };
}

/** Creates a logger in a fresh Node process and says whether pino-pretty got loaded. */
function prettyLoaded(pretty: boolean): boolean {
  const r = inChild(`
    createLogger({ level: "silent", redactor: new Redactor(), pretty: ${pretty}, destination: { write() {} } });
    const { createRequire } = await import("node:module");
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((k) => k.includes("pino-pretty")));`);
  expect(r.stderr).toBe("");
  return r.stdout.trim() === "true";
}

const SECRET = "s3cr3t-token-value";

describe("createLogger and pino-pretty", () => {
  it("does not load pino-pretty for JSON logs", () => {
    expect(prettyLoaded(false)).toBe(false);
  });

  it("loads it for a terminal", () => {
    expect(prettyLoaded(true)).toBe(true);
  });

  it("writes human-readable lines to stdout for a terminal, redacted like JSON lines", () => {
    const r = inChild(`
      const log = createLogger({ level: "info", redactor: new Redactor().add(${JSON.stringify(SECRET)}), pretty: true });
      log.info({ project: "shop", token: ${JSON.stringify(SECRET)} }, "pass finished with key ${SECRET}");
      log.debug("below the level");`);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: pass finished with key \*\*\*$/);
    expect(r.stdout).toContain(`project: "shop"`);
    expect(r.stdout).toContain(`token: "***"`);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain("below the level");
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
