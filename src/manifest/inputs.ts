/**
 * Inputs of a manifest: files it references (a compose file, a mount's
 * content file), read from the same revision. A path is relative to the
 * manifest's own file and must stay inside the manifest root; a missing file
 * is a validation error at the field that names it. An input is part of the
 * manifest's desired state (a change to it is a change of the manifest), never
 * a manifest itself, even when it is YAML.
 */
import { readFileSync } from "node:fs";
import { posix, resolve, sep } from "node:path";
import type { AnyManifest, Diagnostic } from "../model/manifest.ts";
import { kindModule } from "../kinds/registry.ts";
import type { CheckedDocument } from "./validate.ts";

/** Reads a root-relative file of the revision; undefined when there is none. */
export type ReadInput = (file: string) => string | undefined;

/** The largest input read (a compose file or a config file, not a data set). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Reads `file` under `root`; undefined when it does not exist or is not a file. */
export function readInputFile(root: string, file: string): string | undefined {
  const base = resolve(root);
  const full = resolve(base, file);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  try {
    const text = readFileSync(full, "utf8");
    return text;
  } catch {
    return undefined;
  }
}

/** What `resolveInputs` found: the files that are inputs, their problems, and how to attach them. */
export interface ResolvedInputs {
  /** Root-relative paths of every referenced file (left out of the manifest set). */
  inputFiles: ReadonlySet<string>;
  diagnostics: Diagnostic[];
  /** The manifest with its inputs attached (the same object when it has none). */
  withInputs(m: AnyManifest): AnyManifest;
}

/** Resolves every valid document's inputs through `read`. */
export function resolveInputs(documents: readonly CheckedDocument[], read: ReadInput): ResolvedInputs {
  const inputFiles = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const byManifest = new Map<AnyManifest, Record<string, string>>();
  for (const d of documents) {
    const m = d.manifest;
    if (!m) continue;
    const refs = kindModule(m.kind).inputs?.(m as never) ?? [];
    if (refs.length === 0) continue;
    const found: Record<string, string> = {};
    for (const { pointer, path } of refs) {
      const problem = (message: string): void => {
        diagnostics.push({ severity: "error", ...m.positionOf(pointer), resource: `${m.kind}/${m.metadata.name}`, pointer, code: "input-file", message: `${pointer}: ${message}` });
      };
      if (posix.isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path)) {
        problem(`"${path}" must be a path relative to this manifest's file, inside the repository`);
        continue;
      }
      const file = posix.normalize(posix.join(posix.dirname(m.source.file), path));
      if (file === ".." || file.startsWith("../")) {
        problem(`"${path}" points outside the manifest directory; keep referenced files beside the manifests, in the same revision`);
        continue;
      }
      const text = read(file);
      if (text === undefined) {
        problem(`file "${path}" not found (looked for ${file} relative to the manifest root)`);
        continue;
      }
      if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
        problem(`file "${path}" is larger than ${MAX_INPUT_BYTES} bytes`);
        continue;
      }
      inputFiles.add(file);
      found[pointer] = text;
    }
    byManifest.set(m, found);
  }
  return {
    inputFiles,
    diagnostics,
    withInputs: (m) => {
      const inputs = byManifest.get(m);
      return inputs && Object.keys(inputs).length > 0 ? ({ ...m, inputs } as AnyManifest) : m;
    },
  };
}
