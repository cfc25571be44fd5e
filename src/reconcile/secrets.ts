/**
 * Resolving `fromEnv` / `fromFile` secret references: the only place secret
 * values enter the process. Every value is registered with the Redactor at
 * once, before anything could print it.
 */
import { readFile } from "node:fs/promises";
import type { AnyManifest, DesiredState } from "../model/manifest.ts";
import { isSecretRef, type SecretRef } from "../model/spec.ts";
import { resourceLabel } from "../model/resource.ts";
import { SecretValues, describeSecretRef } from "../plan/secrets.ts";
import type { Redactor } from "../util/redact.ts";

export interface SecretProblem {
  resource: string;
  pointer: string;
  message: string;
}

/**
 * Every secret reference of a manifest, with its JSON pointer: a walk of the
 * whole spec, so a kind's new secret-capable field (a database password, a
 * basic-auth password) is covered without a list to keep in step.
 */
export function secretRefsOf(m: AnyManifest): Array<{ pointer: string; ref: SecretRef }> {
  const out: Array<{ pointer: string; ref: SecretRef }> = [];
  const walk = (v: unknown, pointer: string): void => {
    if (isSecretRef(v)) {
      out.push({ pointer, ref: v });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
  };
  walk(m.spec, "/spec");
  return out;
}

/** Resolves every reference of the revision; problems are reported, never thrown. */
export async function resolveSecrets(
  desired: DesiredState,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  options: { placeholders?: boolean } = {},
): Promise<{ secrets: SecretValues; problems: SecretProblem[]; placeholders: string[] }> {
  const placeholders: string[] = [];
  const secrets = new SecretValues();
  const problems: SecretProblem[] = [];
  const seen = new Map<string, string | Error>();
  for (const m of desired.manifests) {
    for (const { pointer, ref } of secretRefsOf(m)) {
      const id = "fromEnv" in ref ? `env:${ref.fromEnv}` : `file:${ref.fromFile}`;
      if (!seen.has(id)) seen.set(id, await readRef(ref, env));
      const value = seen.get(id)!;
      if (value instanceof Error && options.placeholders) {
        // Only against the embedded simulator: a stand-in so the tool can be tried without real secrets.
        secrets.set(ref, `placeholder-for-${id.replace(/[^A-Za-z0-9_]/g, "-")}`);
        placeholders.push(`${resourceLabel(m.identity)}: ${pointer}: ${value.message}; using a placeholder value (simulator only)`);
      } else if (value instanceof Error) {
        secrets.fail(ref, value.message);
        problems.push({ resource: resourceLabel(m.identity), pointer, message: `${resourceLabel(m.identity)}: ${pointer}: ${value.message}` });
      } else {
        redactor.add(value);
        secrets.set(ref, value);
      }
    }
  }
  return { secrets, problems, placeholders };
}

async function readRef(ref: SecretRef, env: NodeJS.ProcessEnv): Promise<string | Error> {
  if ("fromEnv" in ref) {
    const v = env[ref.fromEnv];
    return v === undefined ? new Error(`${describeSecretRef(ref)} is not set`) : v;
  }
  try {
    return (await readFile(ref.fromFile, "utf8")).replace(/\r?\n$/, "");
  } catch (err) {
    return new Error(`${describeSecretRef(ref)} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
