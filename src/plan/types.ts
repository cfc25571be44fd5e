/**
 * The plan: what one pass would do, per resource. One object, several readers:
 * rendered as text, Markdown and JSON, shown as drift by the status endpoint,
 * and executed by the applier. It never contains a secret value.
 */
import type { AnyManifest } from "../model/manifest.ts";
import type { Kind, ResourceIdentity } from "../model/resource.ts";
import type { Marker } from "../model/marker.ts";

export type Action =
  /** The object does not exist: create it (and mark it ours). */
  | "create"
  /** Ours, and some managed field differs. */
  | "update"
  /** Exists, not ours, and the manifest says `dokploy-gitops/adopt: "true"`: mark it ours, then converge. */
  | "adopt"
  /** Ours and in sync. */
  | "noop"
  /** Exists with this identity but is not ours (or several objects claim it): reported, never touched. */
  | "conflict"
  /** Ours, its manifest was removed, pruning is on: delete it. */
  | "delete"
  /** Ours, its manifest was removed with `deletion-policy: orphan`: remove our marker, keep the object. */
  | "orphan"
  /** Ours, its manifest was removed, pruning is off (or refused by a guard): listed, left alone. */
  | "would-prune";

export const ACTIONS: readonly Action[] = [
  "create", "update", "adopt", "noop", "conflict", "delete", "orphan", "would-prune",
];

/** How a secret field compares; its value never enters a plan. */
export type SecretComparison = "changed" | "unchanged" | "unresolved";

/** One field that differs between desired and live, in manifest terms. */
export interface FieldChange {
  /** JSON pointer in the manifest, e.g. `/spec/env/LOG_LEVEL`, `/spec/source/branch`. */
  path: string;
  op: "add" | "remove" | "replace";
  /** Live value (absent for `add`); `"(secret)"` style masking is done here, never later. */
  before?: unknown;
  /** Desired value (absent for `remove`). */
  after?: unknown;
  /** Set when the field holds a secret: before/after are then absent. */
  secret?: SecretComparison;
  /**
   * Set when the desired value comes from a reference not known yet:
   * `after-apply` (its resource is created by this apply; `after` then reads
   * "(known after apply)") or `unresolved` (it cannot be: see the warnings).
   */
  pending?: "after-apply" | "unresolved";
}

/** A field of another resource that a step's manifest references (`{ref, field}`). */
export interface StepReference {
  /** The referenced resource's key. */
  target: string;
  field: string;
  /** A secret: its value never enters a plan. */
  secret: boolean;
  /** The value, when known at plan time and not secret (the applier uses it instead of reading again). */
  value?: string;
  /** A field its manifest decides, of the referrer itself or of something inside it (its own domain): orders nothing. */
  within?: true;
}

/** One resource's planned action. */
export interface PlanStep {
  key: string;
  kind: Kind;
  identity: ResourceIdentity;
  action: Action;
  /** The live object's Dokploy id, when it exists. */
  dokployId?: string;
  /** Field-level diff (update, adopt; for create, the fields being set). */
  changes: FieldChange[];
  /** Why a conflict/would-prune/etc., plain sentences starting with the subject. */
  reasons: string[];
  /** Applications: a deploy is needed after this step (new app, or a change that only takes effect on deploy). */
  deploy: boolean;
  /** Applications: desired `state` differs from live (start or stop). */
  lifecycle?: "start" | "stop";
  /** The manifest (create/update/adopt/noop/conflict). */
  manifest?: AnyManifest;
  /** The marker the object should carry after this step (create/update/adopt/noop when it must be rewritten). */
  marker?: Marker;
  /** True when the live marker differs from `marker` (pending id, domain records, adoption). */
  markerWrite: boolean;
  /** Keys of steps that must succeed first (parent creates; for deletes, children). */
  dependsOn: string[];
  /** Key of the parent resource (absent for projects). */
  parentKey?: string;
  /**
   * A live child list entry (a port, a mount...) of a service we manage that
   * this tool does not own: listed so people see it, never touched (noop).
   */
  unmanaged?: boolean;
  /** The parent's Dokploy id when it exists at plan time (else the applier learns it from the parent's create). */
  parentDokployId?: string;
  /** The fields of other resources its manifest references; their steps come first (`dependsOn`). */
  references?: StepReference[];
}

/** A guard that refused part of the plan. */
export interface GuardRefusal {
  guard: "empty-revision" | "max-deletions";
  message: string;
}

export interface PlanSummary {
  counts: Record<Action, number>;
  /** Steps that would write to Dokploy. */
  changes: number;
}

export interface Plan {
  instance: string;
  /** Git revision of the desired state, when known. */
  revision?: string;
  steps: PlanStep[];
  summary: PlanSummary;
  /** Guards that refused deletions; the deletions are demoted to `would-prune`. */
  refusals: GuardRefusal[];
  /** Plain-sentence warnings (conflicts, unresolved secrets...). */
  warnings: string[];
  /** API calls spent observing live state. */
  apiCalls?: number;
}

/** Settings the planner needs; all of them, nothing read from the environment. */
export interface PlanSettings {
  instance: string;
  prune: boolean;
  /** Allow pruning when the revision has zero manifests. */
  allowEmpty: boolean;
  /** Refuse a plan that deletes more than this. */
  maxDeletions: number;
  /** Service keys whose deploy is forced this pass (`POST /reconcile?redeploy=KEY`), e.g. after a failed build. */
  redeploy?: ReadonlySet<string>;
}
