import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseListenAddress, resolveRunSettings } from "../../../src/cli/run.ts";
import { UsageError } from "../../../src/cli/io.ts";
import type { DaemonSettings } from "../../../src/reconcile/daemon.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dg-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secretFile = path.join(dir, "secret");
writeFileSync(secretFile, "from-file-secret\n");

const base = ["--simulator", "--source", dir];
const resolve = (args: string[], env: NodeJS.ProcessEnv = {}): DaemonSettings => resolveRunSettings([...base, ...args], env) as DaemonSettings;

describe("run flags", () => {
  it("applies the documented defaults and freezes the result", () => {
    const s = resolve([]);
    expect(s).toMatchObject({
      sourceKind: "dir",
      intervalMs: 60_000,
      suspend: false,
      listen: { host: "0.0.0.0", port: 8080 },
      logLevel: "info",
      pass: { mode: "apply", prune: false, allowEmpty: false, maxDeletions: 10, concurrency: 4, deployTimeoutMs: 600_000, waitForDeploys: false },
    });
    expect(s.webhookSecret).toBeUndefined();
    expect(s.workDir.startsWith(tmpdir())).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.pass)).toBe(true);
  });

  it("reads every flag", () => {
    const s = resolve([
      "--schedule", "*/5 * * * *", "--mode", "detect", "--prune", "--allow-empty", "--max-deletions", "3", "--concurrency", "2",
      "--deploy-timeout", "90s", "--suspend", "--listen", "[::1]:9000", "--log-level", "debug", "--work-dir", dir, "--path", "apps",
      "--webhook-secret-file", secretFile, "--status-token", "tok-tok-tok",
    ]);
    expect(s).toMatchObject({
      schedule: "*/5 * * * *", suspend: true, listen: { host: "::1", port: 9000 }, logLevel: "debug", workDir: dir, path: "apps",
      webhookSecret: "from-file-secret", statusToken: "tok-tok-tok",
      pass: { mode: "detect", prune: true, allowEmpty: true, maxDeletions: 3, concurrency: 2, deployTimeoutMs: 90_000 },
    });
    expect(s.intervalMs).toBeUndefined();
  });

  it("takes secrets and the git token from the environment", () => {
    const s = resolve([], { DOKPLOY_GITOPS_WEBHOOK_SECRET: "env-webhook", DOKPLOY_GITOPS_STATUS_TOKEN: "env-token", GIT_TOKEN: "env-git" });
    expect(s).toMatchObject({ webhookSecret: "env-webhook", statusToken: "env-token", git: { token: "env-git" } });
    expect(resolve([], { DOKPLOY_GITOPS_GIT_TOKEN: "alt-git" }).git.token).toBe("alt-git");
  });

  it("answers --help", () => {
    expect(resolveRunSettings(["--help"], {})).toBe("help");
  });

  it.each([
    [[], /--source is required/, false],
    [["--source", "/does/not/exist"], /no such directory/, false],
    [["--interval", "5m", "--schedule", "* * * * *"], /exclude each other/, true],
    [["--schedule", "every minute"], /--schedule: expected a cron expression/, true],
    [["--interval", "soon"], /--interval: expected a duration/, true],
    [["--interval", "100ms"], /at least 1s/, true],
    [["--mode", "sync"], /--mode: expected apply or detect, got "sync"/, true],
    [["--max-deletions", "many"], /--max-deletions: expected a whole number from 0 to 1000000, got "many"/, true],
    [["--concurrency", "0"], /--concurrency: expected a whole number from 1 to 64/, true],
    [["--listen", "8080"], /--listen: expected HOST:PORT/, true],
    [["--log-level", "loud"], /--log-level: expected one of/, true],
    [["--webhook-secret-file", "/nope/secret"], /--webhook-secret-file: cannot read \/nope\/secret/, true],
    [["--git-ssh-key", "/nope/key"], /--git-ssh-key: cannot read/, true],
    [["--branch", "main"], /plain directory, not a git checkout/, true],
    [["--frobnicate"], /run: unknown flag "--frobnicate" \(see dokploy-gitops run --help\)/, true],
  ] as const)("%j is refused: %s", (args, message, withBase) => {
    const argv = withBase ? [...base, ...args] : ["--simulator", ...args];
    expect(() => resolveRunSettings(argv, {})).toThrow(UsageError);
    expect(() => resolveRunSettings(argv, {})).toThrow(message);
  });

  it("needs --simulator for --simulator-state, and a Dokploy URL without --simulator", () => {
    expect(() => resolveRunSettings(["--source", dir, "--simulator-state", "x.json"], { DOKPLOY_URL: "http://d", DOKPLOY_API_KEY: "k" })).toThrow(/needs --simulator/);
    expect(() => resolveRunSettings(["--source", dir], {})).toThrow(/no Dokploy URL/);
  });

  it.each([
    ["0.0.0.0:8080", { host: "0.0.0.0", port: 8080 }],
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    ["[::]:80", { host: "::", port: 80 }],
  ])("parses --listen %s", (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });
});
