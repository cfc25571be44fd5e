import type { CliIo } from "./io.ts";

/** `dokploy-gitops plan`: being built (see the issue list). */
export async function planCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("plan: not implemented yet\n");
  return 1;
}
