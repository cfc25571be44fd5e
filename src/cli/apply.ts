import type { CliIo } from "./io.ts";

/** `dokploy-gitops apply`: being built (see the issue list). */
export async function applyCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("apply: not implemented yet\n");
  return 1;
}
