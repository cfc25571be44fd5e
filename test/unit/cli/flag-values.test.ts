/**
 * The shared flag parsers: one grammar for durations, counts and listen
 * addresses in every command, and one wording for flag mistakes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputFile, formatDuration, parseCount, parseDuration, parseListenAddress } from "../../../src/cli/flag-values.ts";
import { UsageError, parseCommandArgs } from "../../../src/cli/io.ts";

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000], ["1m30s", 90_000], ["1h2m3s", 3_723_000], ["500ms", 500], ["1.5h", 5_400_000], ["2d", 172_800_000], [" 10m ", 600_000], ["1m500ms", 60_500],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text, "--interval")).toBe(ms);
  });

  it.each([
    ["90", '--interval: "90" has no unit: write 90s for seconds or 90m for minutes (units: ms, s, m, h, d)'],
    ["", '--interval: expected a duration such as 30s, 1m30s, 2h or 500ms, got ""'],
    ["soon", '--interval: expected a duration such as 30s, 1m30s, 2h or 500ms, got "soon"'],
    ["1m30", '--interval: expected a duration such as 30s, 1m30s, 2h or 500ms, got "1m30"'],
    ["-5s", '--interval: expected a duration such as 30s, 1m30s, 2h or 500ms, got "-5s"'],
    ["0s", '--interval: expected at least 1ms, got "0s"'],
    ["999999h", '--interval: expected at most 24d20h31m23s647ms, got "999999h"'],
  ])("refuses %j", (text, message) => {
    expect(() => parseDuration(text, "--interval")).toThrow(new UsageError(message));
  });

  it("applies bounds and formats them", () => {
    expect(() => parseDuration("500ms", "--interval", { minMs: 1000 })).toThrow('--interval: expected at least 1s, got "500ms"');
    expect(formatDuration(90_000)).toBe("1m30s");
  });
});

describe("parseCount", () => {
  it.each([["-1"], ["1.5"], ["many"], [""], ["65"], ["1e3"]])("refuses %j", (text) => {
    expect(() => parseCount(text, "--concurrency", 4, 1, 64)).toThrow(`--concurrency: expected a whole number from 1 to 64, got "${text}"`);
  });
  it("takes the fallback when absent", () => {
    expect(parseCount(undefined, "--concurrency", 4, 1, 64)).toBe(4);
    expect(parseCount("64", "--concurrency", 4, 1, 64)).toBe(64);
  });
});

describe("parseListenAddress", () => {
  it.each([
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    [":8080", { host: "0.0.0.0", port: 8080 }],
    ["[::1]:9000", { host: "::1", port: 9000 }],
  ])("parses %s", (text, expected) => {
    expect(parseListenAddress(text, "--listen", "0.0.0.0:8080")).toEqual(expected);
  });
  it.each([["8080"], ["host:99999"], [""], ["a:b"]])("refuses %j", (text) => {
    expect(() => parseListenAddress(text, "--listen", "0.0.0.0:8080")).toThrow(`--listen: expected HOST:PORT such as 0.0.0.0:8080, got "${text}"`);
  });
});

describe("checkOutputFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-out-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("accepts a file in an existing directory and refuses the rest before any work", () => {
    expect(() => checkOutputFile(join(dir, "plan.json"), "--out")).not.toThrow();
    expect(() => checkOutputFile(join(dir, "missing/plan.json"), "--out")).toThrow(`--out: cannot write ${join(dir, "missing/plan.json")}: directory ${join(dir, "missing")} does not exist`);
    expect(() => checkOutputFile(dir, "--out")).toThrow(`--out: cannot write ${dir}: it is a directory`);
  });
});

describe("parseCommandArgs", () => {
  const options = { url: { type: "string" }, prune: { type: "boolean" }, concurrency: { type: "string" }, output: { type: "string", short: "o" } } as const;
  const parse = (argv: string[], allowPositionals = true) => parseCommandArgs("plan", argv, options, { allowPositionals });

  it("parses flags, short flags, inline values and positionals", () => {
    expect(parse(["--url", "http://x", "-o", "json", "--prune", "dir", "--concurrency=2"])).toEqual({
      values: { url: "http://x", output: "json", prune: true, concurrency: "2" },
      positionals: ["dir"],
    });
  });

  it("takes a negative number as a value, for the range check to refuse", () => {
    expect(parse(["--concurrency", "-1"]).values.concurrency).toBe("-1");
  });

  it.each([
    [["--prunee"], 'plan: unknown flag "--prunee"; did you mean "--prune"? (see dokploy-gitops plan --help)'],
    [["--frobnicate"], 'plan: unknown flag "--frobnicate" (see dokploy-gitops plan --help)'],
    [["-x"], 'plan: unknown flag "-x" (see dokploy-gitops plan --help)'],
    [["--url"], "plan: --url needs a value (see dokploy-gitops plan --help)"],
    [["--url", "--prune"], 'plan: --url needs a value (got "--prune" next; if that is the value, write --url=--prune) (see dokploy-gitops plan --help)'],
    [["--prune=yes"], 'plan: --prune takes no value, got "--prune=yes" (see dokploy-gitops plan --help)'],
  ])("%j: %s", (argv, message) => {
    expect(() => parse(argv)).toThrow(new UsageError(message));
  });

  it("refuses positionals for commands that take none", () => {
    expect(() => parse(["dir"], false)).toThrow('plan: unexpected argument "dir": plan takes flags only (see dokploy-gitops plan --help)');
  });
});
