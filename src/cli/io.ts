import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

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

/**
 * Strict flag parsing for a command: unknown flags and missing values become
 * a UsageError that points at the command's `--help`.
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (see dokploy-gitops ${command} --help)`);
  }
}
