import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { closestMatch } from "../manifest/suggest.ts";

/** What a command may touch of its process: arguments come separately. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A command: parses its own flags, returns the exit code. */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Thrown for bad flags; the CLI prints the message and exits 1 (2 is reserved for `--detailed-exitcode`). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** How a command takes positional arguments. */
export interface ParseOptions {
  /** False for commands that take none (`run`, `simulator`). Default true. */
  allowPositionals?: boolean;
  /** For flags people expect from other tools but this command lacks: flag name -> what to do instead. */
  elsewhere?: Readonly<Record<string, string>>;
}

/** A value that is a number, not a flag: `--max-deletions -1` should be refused by the number check, not as a missing value. */
const NEGATIVE_NUMBER = /^-\d/;

/**
 * Strict flag parsing for a command, with one wording for every command's
 * mistakes: `unknown flag "--x"` (with the closest flag when it is a likely
 * typo), `--url needs a value`, `--prune takes no value`, `unexpected
 * argument "x"`, each followed by a pointer to the command's `--help`. A
 * negative number after a flag is taken as its value (Node's own parser
 * calls it "ambiguous"), so the flag's range check can say what it expects.
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(command: string, argv: string[], options: T, parse: ParseOptions = {}) {
  const help = `(see dokploy-gitops ${command} --help)`;
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message} ${help}`);
  };
  const loose = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const names = Object.keys(options);
  for (const token of loose.tokens) {
    if (token.kind === "positional") {
      if (parse.allowPositionals === false) fail(`unexpected argument "${token.value}": ${command} takes flags only`);
      if (token.value.trim() === "") fail("an empty argument: give a directory, or leave it out for the current one");
      continue;
    }
    if (token.kind !== "option") continue;
    const spec = options[token.name];
    if (spec === undefined) {
      const instead = parse.elsewhere?.[token.name];
      if (instead !== undefined) fail(`unknown flag "${token.rawName}": ${instead}`);
      const near = closestMatch(token.name, names);
      fail(`unknown flag "${token.rawName}"${near ? `; did you mean "--${near}"?` : ""}`);
    }
    if (spec!.type === "boolean") {
      if (token.value !== undefined) fail(`${token.rawName} takes no value, got "${token.rawName}=${token.value}"`);
      continue;
    }
    const value = token.value;
    if (value === undefined) fail(`${token.rawName} needs a value`);
    // `--url --prune`: the next flag was swallowed as the value; say the value is missing.
    if (!token.inlineValue && value!.startsWith("-") && !NEGATIVE_NUMBER.test(value!)) {
      fail(`${token.rawName} needs a value (got "${value}" next; if that is the value, write ${token.rawName}=${value})`);
    }
  }
  // Validated above: the loose result has exactly the strict shape.
  type Strict = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>;
  return { values: loose.values, positionals: loose.positionals } as Pick<Strict, "values" | "positionals">;
}

/**
 * A manifest file as problem lines show it: the directory as the user typed
 * it joined with the file's path under it (`deploy/shop/web.yaml`), so
 * `validate`, `plan` and `apply` print the same clickable path.
 */
export function displayPath(dir: string, file: string): string {
  if (dir === "." || dir === "./") return file;
  return `${dir.replace(/\/+$/, "")}/${file}`;
}
