import type { CliIo } from "./io.ts";

/** `dokploy-gitops comment`: being built (see the issue list). */
export async function commentCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("comment: not implemented yet\n");
  return 1;
}
