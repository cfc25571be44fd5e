/**
 * A manifest document after loading and validation, with the source positions
 * every later error message needs (file:line:column of the document and of
 * each field, by JSON pointer).
 */
import type { Kind, ResourceIdentity } from "./resource.ts";
import type { DeletionPolicy, SpecByKind } from "./spec.ts";

/** A position in a manifest file; line and column are 1-based. */
export interface SourcePosition {
  /** Path relative to the manifest root directory, with `/` separators. */
  file: string;
  line: number;
  column: number;
}

/** A validated manifest document of one kind. */
export interface Manifest<K extends Kind = Kind> {
  apiVersion: "dokploy-gitops/v1";
  kind: K;
  metadata: {
    name: string;
    project?: string;
    environment?: string;
    application?: string;
    compose?: string;
    annotations?: Record<string, string>;
  };
  spec: SpecByKind[K];
  /** Identity derived from kind and metadata. */
  identity: ResourceIdentity;
  /** `resourceKey(identity)`. */
  key: string;
  /** Where the document starts. */
  source: SourcePosition;
  /** Position of a field by JSON pointer (e.g. `/spec/source/branch`), falling back to the document. */
  positionOf(pointer: string): SourcePosition;
  /** `dokploy-gitops/adopt: "true"` */
  adopt: boolean;
  /** `dokploy-gitops/deletion-policy`, default `delete`. */
  deletionPolicy: DeletionPolicy;
  /**
   * Files the manifest references (a compose file, a mount's content), read
   * from the same revision: their text by the JSON pointer of the field that
   * names them. A change to one is a change of the manifest.
   */
  inputs?: Readonly<Record<string, string>>;
}

export type AnyManifest = { [K in Kind]: Manifest<K> }[Kind];

/** One problem found while loading or validating manifests. */
export interface Diagnostic {
  severity: "error" | "warning";
  file: string;
  line: number;
  column: number;
  /** `KIND/NAME` when the document got that far, else undefined. */
  resource?: string;
  /** JSON pointer of the field at fault, when there is one. */
  pointer?: string;
  /** Stable machine code, e.g. `schema`, `yaml-syntax`, `duplicate-identity`, `unknown-reference`. */
  code: string;
  /** Human message naming the field and what was expected. */
  message: string;
}

/** The desired state of one revision: every manifest under the root, validated. */
export interface DesiredState {
  manifests: AnyManifest[];
  /** Number of manifest files read (an empty revision has zero manifests). */
  fileCount: number;
}

/** Result of loading a directory: manifests when there are no errors, plus every diagnostic. */
export interface LoadResult {
  desired?: DesiredState;
  diagnostics: Diagnostic[];
}
