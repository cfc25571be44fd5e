import type { CliIo } from "./io.ts";

/** `dokploy-gitops validate`: being built (see the issue list). */
export async function validateCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr.write("validate: not implemented yet\n");
  return 1;
}
