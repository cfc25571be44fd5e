/**
 * Computes the plan of a manifest directory for `comment`, reading Dokploy
 * only (a real one through the client, or the embedded simulator with
 * `--simulator`). Kept apart from the CLI so the command stays about flags
 * and output, and apart from the engine so `comment --plan-file` never loads it.
 */
import type { ConnectionSettings } from "../cli/connection.ts";
import type { Diagnostic } from "../model/manifest.ts";
import type { Plan } from "../plan/types.ts";
import type { Redactor } from "../util/redact.ts";

export interface DirectoryPlanInput {
  root: string;
  connection: ConnectionSettings;
  revision?: string;
  prune: boolean;
  allowEmpty: boolean;
  /** Absent: the engine's default guard. */
  maxDeletions?: number;
  redactor: Redactor;
  /** Where `fromEnv` secrets are resolved (their values only ever become hashes in the plan). */
  env: NodeJS.ProcessEnv;
}

/** A plan (or the validation problems that prevented one), or an error message already naming its subject. */
export type DirectoryPlanResult = { plan?: Plan; diagnostics: Diagnostic[] } | { error: string };

/** Plans `input.root` against Dokploy without writing to it. */
export async function computeDirectoryPlan(_input: DirectoryPlanInput): Promise<DirectoryPlanResult> {
  return {
    error:
      "computing a plan from a directory is not available in this build yet; " +
      "pass --plan-file FILE (written by `dokploy-gitops plan --output json`)",
  };
}
