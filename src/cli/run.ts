import type { CliIo } from "./io.ts";

/** `dokploy-gitops run`: being built (see the issue list). */
export async function runCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("run: not implemented yet\n");
  return 1;
}
