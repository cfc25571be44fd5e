/**
 * What `export` works with: each live object it writes, as a manifest in the
 * making, and what it leaves out and why. The pipeline is
 * collect (live -> objects) -> drop defaults -> secrets -> render -> validate
 * -> self-check, all pure; only the command reads Dokploy and writes files.
 */
import type { ExportInput } from "../kinds/types.ts";
import type { Kind, ResourceIdentity } from "../model/resource.ts";
import type { View } from "../plan/views.ts";

/** The choices of one `export` run, resolved from its flags. */
export interface ExportOptions {
  /** The tool instance whose objects count as already managed. */
  instance: string;
  /** `--project`: projects to export (every project when empty and no `environments`). */
  projects: readonly string[];
  /** `--environment P/E`: environments to export (with their project's manifest). */
  environments: readonly string[];
  /** `--adopt`: annotate every object this instance does not own yet. */
  adopt: boolean;
  /** `--plain-env`: env keys (or globs with `*`, `?`) kept as literals instead of secrets. */
  plainEnv: readonly string[];
}

/** One live object on its way to a manifest document. */
export interface ExportObject {
  kind: Kind;
  identity: ResourceIdentity;
  key: string;
  /** The key of the object it lives in (undefined for a project). */
  parentKey?: string;
  /** `metadata` of the document: name, parent names, annotations. */
  metadata: Record<string, unknown>;
  /** The manifest's spec: live values, then defaults dropped, then secrets replaced. */
  spec: Record<string, unknown>;
  /** Files beside the manifest, with the name the field at `pointer` gives them once laid out. */
  inputs: Array<ExportInput & { file?: string }>;
  /** The live object in the diff's shape: what the manifest must plan to. */
  live: View;
  /** Already ours (this instance's marker): written without the adopt annotation. */
  owned: boolean;
  /** A service's appName (its host): what a variable of another service may hold, written as a reference. */
  appName?: string;
}

/** An object left out of the export, and why. */
export interface SkippedObject {
  /** `application/shop/production/web`, or the Dokploy list and name for a kind not managed. */
  label: string;
  reason: string;
}

/** A variable `.env.example` lists: a secret's name and where it is used. */
export interface SecretVariable {
  name: string;
  /** The resource label and field pointer, for the comment above it. */
  label: string;
  pointer: string;
}

/** A file `export` writes, relative to the output directory. */
export interface ExportFile {
  path: string;
  content: string;
}

/** Everything one export produces; nothing in it holds a secret value. */
export interface ExportResult {
  files: ExportFile[];
  /** Exported objects per kind, in registry order. */
  counts: Array<{ kind: Kind; count: number }>;
  /** Child list entries written in their services' specs (ports, mounts...), per kind, in registry order. */
  entries: Array<{ kind: Kind; count: number }>;
  /** How many of them this instance manages already (written without the adopt annotation). */
  owned: number;
  skipped: SkippedObject[];
  variables: SecretVariable[];
  /** Fields that will not plan clean, by resource (should be empty; each is a bug to report). */
  problems: string[];
}
