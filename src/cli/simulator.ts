import type { CliIo } from "./io.ts";

/** `dokploy-gitops simulator`: being built (see the issue list). */
export async function simulatorCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("simulator: not implemented yet\n");
  return 1;
}
