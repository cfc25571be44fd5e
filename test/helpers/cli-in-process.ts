/**
 * Runs a CLI command in this process (`runCli` with its own io), for tests
 * that run hundreds of commands against an in-process simulator: the same
 * code path as the binary minus the process start. Output is captured.
 */
import { Writable } from "node:stream";
import { runCli } from "../../src/cli/index.ts";

/** A finished in-process run. */
export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

/** `dokploy-gitops <args>` with exactly `env` as its environment. */
export async function runCliInProcess(args: string[], env: Record<string, string | undefined>): Promise<InProcessResult> {
  const out = sink();
  const err = sink();
  const code = await runCli(args, { env: { NO_COLOR: "1", ...env }, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
