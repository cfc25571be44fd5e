/**
 * README's command tables against the commands' own `--help`: every command
 * has a row, every flag a row names is a flag of that command, and the shared
 * flags are flags of every command said to share them. A flag renamed or
 * dropped in the code, or documented for the wrong command, fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, discoverCli, type CommandSurface } from "../../helpers/cli.ts";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const section = readme.split(/^## Commands$/m)[1]!.split(/^## /m)[0]!;

/** Table rows (`| a | b |`) of a Markdown fragment, as cells, header and separator left out. */
function rows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|[-| ]+\|$/.test(l))
    .slice(1)
    .map((l) => l.replace(/\\\|/g, "¦").split("|").slice(1, -1).map((c) => c.trim()));
}
function flagsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!))];
}

const [commandTable, sharedTable] = section.split(/^Flags shared by/m) as [string, string];
let cli: Map<string, CommandSurface>;
beforeAll(async () => {
  cli = new Map((await discoverCli()).map((c) => [c.name, c]));
});

describe("README's command table", () => {
  it("has one row per command of `dokploy-gitops --help`", () => {
    const documented = rows(commandTable).map((r) => /^`([a-z]+)/.exec(r[0]!)?.[1]);
    expect(documented.sort()).toEqual([...cli.keys()].sort());
  });

  it("names only flags the command has", () => {
    for (const row of rows(commandTable)) {
      const name = /^`([a-z]+)/.exec(row[0]!)![1]!;
      const help = cli.get(name)!;
      for (const flag of flagsIn(row.join(" "))) expect(help.flags, `${name} ${flag}`).toContain(flag);
    }
  });
});

describe("README's shared flags", () => {
  it("are flags of plan, apply, run and comment", () => {
    const flags = rows(sharedTable).flatMap((r) => flagsIn(r[0]!));
    expect(flags.length).toBeGreaterThan(8);
    for (const name of ["plan", "apply", "run", "comment"]) {
      for (const flag of flags) expect(cli.get(name)!.flags, `${name} ${flag}`).toContain(flag);
    }
  });
});
