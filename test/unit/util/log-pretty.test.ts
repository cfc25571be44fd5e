/**
 * pino-pretty is loaded only for a terminal: a daemon logging JSON (the
 * container) never loads it, and a pretty logger still works.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/util/log.ts";
import { Redactor } from "../../../src/util/redact.ts";

const LOG_MODULE = fileURLToPath(new URL("../../../src/util/log.ts", import.meta.url));

/** Creates a logger in a fresh Node process and says whether pino-pretty got loaded. */
function prettyLoaded(pretty: boolean): boolean {
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});
    const { Redactor } = await import(${JSON.stringify(fileURLToPath(new URL("../../../src/util/redact.ts", import.meta.url)))});
    createLogger({ level: "silent", redactor: new Redactor(), pretty: ${pretty}, destination: { write() {} } });
    const { createRequire } = await import("node:module");
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((k) => k.includes("pino-pretty")));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  expect(r.stderr).toBe("");
  return r.stdout.trim() === "true";
}

describe("createLogger and pino-pretty", () => {
  it("does not load pino-pretty for JSON logs", () => {
    expect(prettyLoaded(false)).toBe(false);
  });

  it("loads it for a terminal", () => {
    expect(prettyLoaded(true)).toBe(true);
  });

  it("builds a working pretty logger", () => {
    const log = createLogger({ level: "silent", redactor: new Redactor(), pretty: true });
    expect(() => log.info("quiet")).not.toThrow();
  });
});
