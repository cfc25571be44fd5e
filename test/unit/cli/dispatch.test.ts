/**
 * The top-level dispatch: `help COMMAND` is `COMMAND --help` (it printed the
 * general usage before), and a mistyped command gets a "did you mean", as a
 * mistyped flag does.
 */
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli-in-process.ts";

describe("dokploy-gitops help COMMAND", () => {
  it.each(["validate", "plan", "apply", "run", "comment", "doctor", "export", "simulator"])("help %s prints that command's help", async (name) => {
    const viaHelp = await runCliInProcess(["help", name], {});
    const viaFlag = await runCliInProcess([name, "--help"], {});
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain(`Usage: dokploy-gitops ${name}`);
  });

  it("help of an unknown command is an unknown command", async () => {
    const r = await runCliInProcess(["help", "aply"], {});
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe('error: unknown command "aply"; did you mean "apply"? (see dokploy-gitops --help)');
  });
});

describe("--dry-run, which apply and run do not have", () => {
  it.each([
    [["apply", "--dry-run"], 'error: apply: unknown flag "--dry-run": `dokploy-gitops plan` shows what apply would do without writing (with --detailed-exitcode for scripts) (see dokploy-gitops apply --help)'],
    [["run", "--source", ".", "--dry-run"], 'error: run: unknown flag "--dry-run": --mode detect reports drift without writing (see dokploy-gitops run --help)'],
  ])("%j says what does that instead", async (argv, line) => {
    const r = await runCliInProcess(argv, {});
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${line}\n`);
  });
});

describe("an unknown command", () => {
  it.each([
    ["valdiate", '; did you mean "validate"?'],
    ["frobnicate", ""],
  ])("%s: one line, with a suggestion when one is close, then the usage", async (name, hint) => {
    const r = await runCliInProcess([name], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const [first, blank, usage] = r.stderr.split("\n");
    expect(first).toBe(`error: unknown command "${name}"${hint} (see dokploy-gitops --help)`);
    expect(blank).toBe("");
    expect(usage).toBe("Usage: dokploy-gitops <command> [options]");
  });
});
