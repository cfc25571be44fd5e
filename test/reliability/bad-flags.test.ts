/**
 * No stack trace for any user input: every flag of every command (found in
 * the commands' own `--help`, so a flag or command added later is covered
 * without editing this file), every environment variable a help names, and
 * every command's directory argument get a handful of bad values: negative,
 * zero, huge, empty, malformed, a missing directory. Each run must end with
 * no stack trace and no "unexpected failure"; a refused value must be one
 * `error: COMMAND: ...` line naming what was wrong.
 *
 * Commands run in-process (hundreds of runs in seconds). Each gets a context
 * that makes it stop quickly even when the bad value is accepted: manifests
 * that fail validation (no Dokploy call), a Dokploy URL where nothing
 * listens, and a listen address that is taken (so `run` and `simulator`
 * fail to bind instead of serving). `DUMP_FUZZ=FILE` appends every run's
 * command line and output to FILE, for reading the messages.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverCli, runCliInProcess, type CommandSurface, type InProcessResult } from "../helpers/cli.ts";

const root = mkdtempSync(path.join(tmpdir(), "dg-bad-flags-"));
let missing = 0;
/**
 * The bad values, relative ones landing in a scratch working directory (a
 * value a flag accepts may create a file or directory, e.g. `--work-dir 0`),
 * and a missing directory that is new for every run.
 */
function badValues(): string[] {
  return ["-1", "0", "99999999999999999999", "", "%%not:a/valid value%%", path.join(root, `missing-${++missing}`, "dir", "x.json")];
}

const invalid = path.join(root, "invalid");
mkdirSync(invalid);
writeFileSync(path.join(invalid, "app.yaml"), "apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: web }\nspec: { replicas: two }\n");

let taken: Server;
let takenAddress: string;
let closedUrl: string;
let surface: CommandSurface[];
const cwd = process.cwd();

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  takenAddress = `127.0.0.1:${(taken.address() as { port: number }).port}`;
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
  await new Promise((resolve) => probe.close(resolve));
  surface = await discoverCli();
  const scratch = path.join(root, "cwd");
  mkdirSync(scratch);
  process.chdir(scratch);
}, 60_000);
afterAll(async () => {
  process.chdir(cwd);
  await new Promise((resolve) => taken?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** The flags (as pairs) and positionals each command starts from; unknown commands get none. */
function baseArgs(command: string): { flags: Array<[string, string?]>; positionals: string[] } {
  switch (command) {
    case "validate":
    case "plan":
    case "apply":
      return { flags: [], positionals: [invalid] };
    case "comment":
      return { flags: [["--dry-run"]], positionals: [invalid] };
    case "run":
      return { flags: [["--source", invalid], ["--listen", takenAddress], ["--work-dir", path.join(root, "work")], ["--interval", "1h"]], positionals: [] };
    case "simulator":
      return { flags: [["--listen", takenAddress]], positionals: [] };
    default:
      return { flags: [], positionals: [] };
  }
}

function baseEnv(): NodeJS.ProcessEnv {
  return { DOKPLOY_URL: closedUrl, DOKPLOY_API_KEY: "bad-flags-test-key" };
}

/** The argv of `command` with `flag` given `value` (replacing the base's own value for that flag). */
function argvWith(command: string, flag: string, value: string | undefined): string[] {
  const base = baseArgs(command);
  const flags = base.flags.filter(([f]) => f !== flag).flat().filter((x): x is string => x !== undefined);
  return [command, ...flags, ...(value === undefined ? [flag] : [flag, value]), ...base.positionals];
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

function expectNoCrash(r: InProcessResult, what: string): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(all, `${what}: a stack trace`).not.toMatch(STACK);
  expect(all, `${what}: an unexpected failure`).not.toMatch(/unexpected failure/);
  expect([0, 1, 2], `${what}: exit code ${r.code}`).toContain(r.code);
}

/** When the error line names `subject`, it is the only line on stderr and starts with the command. */
function expectOneClearLine(r: InProcessResult, command: string, subject: string, what: string): boolean {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  const naming = lines.filter((l) => l.startsWith("error: ") && l.includes(subject));
  if (naming.length === 0) return false;
  expect(r.code, what).toBe(1);
  expect(lines, `${what}: one line`).toEqual([naming[0]]);
  expect(naming[0], what).toMatch(new RegExp(`^error: ${command}: `));
  return true;
}

describe("bad values for every flag of every command", () => {
  it("finds the commands and their flags in --help", () => {
    const names = surface.map((c) => c.name);
    for (const known of ["validate", "plan", "apply", "run", "comment", "simulator", "doctor"]) expect(names).toContain(known);
    expect(surface.find((c) => c.name === "run")!.flags).toContain("--interval");
  });

  it("no stack trace, and a refused value is one line naming the flag", { timeout: 120_000 }, async () => {
    let runs = 0;
    let refused = 0;
    for (const command of surface) {
      for (const flag of command.flags) {
        if (flag === "--help" || flag === "-h") continue;
        for (const value of [undefined, ...badValues()]) {
          const argv = argvWith(command.name, flag, value);
          const what = `dokploy-gitops ${argv.map((a) => JSON.stringify(a)).join(" ")}`;
          const r = await runCliInProcess(argv, baseEnv());
          if (process.env.DUMP_FUZZ) (await import("node:fs")).appendFileSync(process.env.DUMP_FUZZ, `${what} => ${r.code}\n${r.stderr}${r.stdout.slice(0, 300)}\n`);
          runs++;
          expectNoCrash(r, what);
          if (expectOneClearLine(r, command.name, flag, what)) refused++;
        }
      }
    }
    // Most of these values are wrong for most flags; the count guards against a fuzz that silently ran nothing.
    expect(runs).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(runs / 2);
  });

  it("no stack trace for bad directory arguments and bad environment variables", { timeout: 60_000 }, async () => {
    for (const command of surface) {
      for (const dir of [path.join(root, "missing", "dir"), "", path.join(invalid, "app.yaml"), "a b c"]) {
        const argv = [command.name, ...baseArgs(command.name).flags.flat().filter((x): x is string => x !== undefined), dir];
        expectNoCrash(await runCliInProcess(argv, baseEnv()), `dokploy-gitops ${argv.join(" ")}`);
      }
      const variables = new Set([...command.help.matchAll(/\b((?:DOKPLOY|GIT|GITHUB|GITEA|GITLAB)_[A-Z_]+)\b/g)].map((m) => m[1]!));
      for (const variable of variables) {
        for (const value of badValues()) {
          const argv = argvWith(command.name, "--never-a-flag", undefined).filter((a) => a !== "--never-a-flag");
          const env = { ...baseEnv(), [variable]: value };
          const what = `${variable}=${JSON.stringify(value)} dokploy-gitops ${argv.join(" ")}`;
          const r = await runCliInProcess(argv, env);
          expectNoCrash(r, what);
          expectOneClearLine(r, command.name, variable, what);
        }
      }
    }
  });
});
