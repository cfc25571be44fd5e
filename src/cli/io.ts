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
