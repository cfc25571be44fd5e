/**
 * What a kind is: everything specific to one kind of Dokploy object, declared
 * in one module (`src/kinds/<kind>.ts`), the way a Terraform provider declares
 * a resource (schema + CRUD) and Crossplane an external client. The planner,
 * applier, observer, prune, status and renderers iterate over the registry
 * (`registry.ts`) and hold the protocols that no kind may skip: the pending
 * marker and lost-create recovery on create, two proofs and a re-read before
 * a delete, "not found" counts as deleted, and refusal of a delete that
 * would cascade to something that is not ours.
 *
 * Three families, because Dokploy has three:
 * - containers (Project, Environment): the hierarchy itself, with the
 *   `production` environment's quirks kept on purpose in `plan/containers.ts`;
 * - services (Application, Compose, the databases): live in an environment,
 *   carry the ownership marker in their own description, are read with one
 *   `*.one` call, deploy, and have health;
 * - records (Domain): objects without a description, owned through a record
 *   in their service's marker, identified live by a natural key;
 * - child lists (Port, Mount, Redirect, Security, Schedule): entries of a
 *   list on the service's own spec, owned like records through the service's
 *   marker (`child-list.ts`); a database's mounts are entries too.
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { DeploymentRow, DomainRow } from "../dokploy/types.ts";
import type { AnyManifest, Manifest } from "../model/manifest.ts";
import type { ChildField, Marker } from "../model/marker.ts";
import type { ObservedEnvironment, ObservedService } from "../model/observed.ts";
import type { Kind, ResourceIdentity } from "../model/resource.ts";
import type { SecretRef } from "../model/spec.ts";
import type { PlanStep } from "../plan/types.ts";
import type { View } from "../plan/views.ts";
import type { HealthStatus } from "../reconcile/types.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { DeployCalls } from "./service.ts";
import type { DeployOutcome, StepOutcome } from "../apply/types.ts";
import type { DeletionPolicy } from "../model/spec.ts";
import type { FieldChange } from "../plan/types.ts";

/** Metadata references that place an object in the hierarchy. */
export type RefName = "project" | "environment" | "application" | "compose";

/** The fields of a kind's view that need special treatment by the diff and the planner. */
export interface KindFields {
  /** Paths under which a change only takes effect on the next deploy. */
  readonly deploy: readonly string[];
  /** Maps whose every value is a secret (never shown, compared by hash). */
  readonly secretMaps: readonly string[];
  /** Env-like maps whose live values are hidden (they often hold secrets typed into the UI). */
  readonly hiddenLiveMaps: readonly string[];
}

/**
 * What is known of a live object when a reference to it is resolved: at plan
 * time its observed state, in an apply what its create answered (or a
 * re-read of it).
 */
export interface LiveFacts {
  id: string;
  name: string;
  /** Services: Dokploy's appName, the service's host name on its internal network. */
  appName?: string;
  /** The kind's own row (a create's answer) or `*.one` answer. */
  raw?: unknown;
}

/**
 * A field other resources may reference (`{ref: "<Kind>/<name>", field}`).
 * Declared by the kind's module; validation, the plan, the applier, the
 * JSON Schemas and the manifest reference all read the declaration.
 */
export interface ReferenceableField<K extends Kind = Kind> {
  /** A secret: resolved at apply time, compared by hash, never shown, allowed only where live values are hidden. */
  readonly secret: boolean;
  /**
   * `manifest`: decided by the manifest (a name, a domain's URL, a database's
   * password), so known when planning; `live`: chosen by Dokploy (appName),
   * known once the object exists, and "(known after apply)" before. A `live`
   * field must be one this tool's updates never change.
   */
  readonly source: "manifest" | "live";
  /** One sentence for the docs and the schema. */
  readonly description: string;
  /**
   * The value, from the manifest or the live object; undefined when it needs
   * a live object that does not exist yet. A secret the manifest holds as a
   * secret reference is returned as that reference.
   */
  read(m: Manifest<K>, live: LiveFacts | undefined): string | SecretRef | undefined;
}

/** What a step executor returns. */
export type StepResult = Partial<StepOutcome>;

/** A step executor: one kind's calls for create, update, adopt, delete and orphan. */
export type Executor = (ctx: ApplyContext, step: PlanStep) => Promise<StepResult>;

/** What every kind declares. */
export interface KindBase<K extends Kind = Kind> {
  readonly kind: K;
  readonly family: "container" | "service" | "record" | "child";
  /**
   * Metadata references, in key order. A record kind whose parent can be of
   * several kinds lists the alternatives in `parentRefs` instead of here.
   */
  readonly refs: readonly RefName[];
  /** The file of its JSON Schema in `manifests-schema/`. */
  readonly schemaFile: string;
  readonly fields: KindFields;
  /** The manifest projected into the diff's shape, every default filled in. */
  desiredView(m: Manifest<K>): View;
  /**
   * Files the manifest names (a compose file, a mount's content): read by the
   * loader from the same revision, relative to the manifest's file, and
   * handed to the views as `manifest.inputs[pointer]`.
   */
  inputs?(m: Manifest<K>): Array<{ pointer: string; path: string }>;
  readonly apply: Executor;
  /** The fields other resources may reference, by name (none when absent). */
  readonly referenceable?: Readonly<Record<string, ReferenceableField<K>>>;
  /** One line for the docs and `--help`: what the kind is in Dokploy. */
  readonly summary: string;
  /**
   * The deletion policy when the manifest has no `dokploy-gitops/deletion-policy`
   * annotation (default `delete`; databases `orphan`: data is never lost by default).
   */
  readonly defaultDeletionPolicy?: DeletionPolicy;
}

/**
 * A live object as `export` writes it: the inverse of the kind's views.
 * Values are live and in clear, every field the kind manages set (Dokploy's
 * defaults included): the exporter drops each field whose removal leaves
 * `desiredView` unchanged, replaces secret values with `{fromEnv}` references
 * and checks that the manifest it wrote plans to the live view (see
 * docs/DESIGN.md, "Adding a kind").
 */
export interface ExportedSpec {
  /**
   * The manifest's `spec`. Keys the views do not compare (e.g. `state`) are
   * never dropped by the exporter: leave them out when they are the default.
   */
  spec: Record<string, unknown>;
  /** Annotations the object needs to plan as it is (e.g. a volume policy recorded in its marker). */
  annotations?: Record<string, string>;
  /**
   * Files written beside the manifest (a compose file): the field at
   * `pointer` is set to `./<name>.<suffix>` and the file holds `content`.
   */
  inputs?: ExportInput[];
  /**
   * Parts of the live object its manifest cannot take over (a database's
   * backups made by hand), listed by `export` as left out, with why:
   * `label` is appended to the object's own (`backup:<appName>`).
   */
  leftOut?: Array<{ label: string; reason: string }>;
}

/** A file `export` writes beside a manifest, named by the field at `pointer`. */
export interface ExportInput {
  pointer: string;
  suffix: string;
  content: string;
}

/** What `export` reads of a project or environment (a `project.one` row). */
export interface ContainerLive {
  name: string;
  description: string | null;
  env: string | null;
  isDefault?: boolean;
}

/** Projects and environments. */
export interface ContainerKind<K extends Kind = Kind> extends KindBase<K> {
  readonly family: "container";
  /** `export`: the live row as a manifest spec. */
  exportSpec(live: ContainerLive): ExportedSpec;
}

/** The minimal live summary every service has in `project.one`. */
export interface ServiceSummary {
  id: string;
  name: string;
  description: string | null;
  appName: string;
  status: string;
}

/** A service's detail as its `*.one` read returns it, reduced to what the engine uses. */
export interface ServiceDetail extends ServiceSummary {
  /** Deployments, newest last or unordered (the engine sorts). Databases have none. */
  deployments: DeploymentRow[];
  /** Domains attached to it (application and compose). */
  domains: DomainRow[];
  /** The kind's own typed answer (ApplicationDetail, ComposeDetail...). */
  raw: unknown;
  /**
   * Live entries of the child lists, by list (`ports`, `mounts`...): from the
   * `one` answer, or from the one extra call of a list that is not part of it
   * (schedules), made only when the list is declared or recorded. Absent: not read.
   */
  children?: Partial<Record<ChildField, unknown[]>>;
}

/** What the planner decided about a service's deploy and lifecycle. */
export interface DeployDecision {
  deploy: boolean;
  lifecycle?: "start" | "stop";
  reasons: string[];
}

/** Inputs of a service's deploy decision. */
export interface DeployContext<K extends Kind = Kind> {
  manifest: Manifest<K>;
  detail: ServiceDetail;
  /** This instance's marker as read live (undefined when adopting). */
  liveMarker: Marker | undefined;
  owned: boolean;
  /** True when a field under `fields.deploy` changed. */
  deployRelevant: boolean;
  /**
   * Whether Dokploy's build queue holds a job for this service now
   * (`deployment.queueList`); undefined when the queue was not read (then a
   * bounded grace after the marker's `queuedAt` stands in for it).
   */
  queued: boolean | undefined;
  now: number;
  label: string;
}

/** Live facts beyond the services themselves that a kind's plan may need (read only when a manifest needs them). */
export interface PlanLookups {
  /** Dokploy's backup destinations, id by name (`destination.all`); undefined when not read. */
  destinations: ReadonlyMap<string, string> | undefined;
}

/** A kind's verdict on a diff: what cannot be applied in place. */
export interface ChangeReview {
  /** The changes left to apply. */
  changes: FieldChange[];
  /** Changes Dokploy cannot make in place: the step becomes a conflict (nothing is written). */
  conflicts: string[];
  /** Changes that need a manual step: dropped from the plan and reported. */
  manual: string[];
}

/** Services: Application, Compose and the databases. */
export interface ServiceKind<K extends Kind = Kind> extends KindBase<K> {
  readonly family: "service";
  /** The array of a `project.one` environment that lists this kind, and its id column. */
  readonly listField: string;
  readonly idField: string;
  readonly statusField: string;
  /** Kinds of objects Dokploy names in messages ("application", "compose"...). */
  readonly noun: string;
  /** The live services of this kind in an environment (default: `env.services` of this kind). */
  liveIn?(env: ObservedEnvironment): ObservedService[];
  /**
   * Kind-specific fields of the marker, from the manifest (recorded while the
   * manifest exists) and, for an object that is ours, its live marker
   * (records of children kept in it, such as a database's backups).
   */
  kindMarker?(m: Manifest<K>, marker: Marker, live: Marker | undefined): Marker;
  /** Problems with the manifest against live facts (an unknown backup destination): the step becomes a conflict before any write. */
  refusals?(m: Manifest<K>, lookups: PlanLookups): string[];
  /** Sorts out the changes Dokploy cannot apply in place (a database's name, a LibSQL password). */
  reviewChanges?(changes: FieldChange[], label: string): ChangeReview;
  /**
   * Runs the deploy phase of a kind whose deploy is not queued (databases:
   * Dokploy's deploy is synchronous). Without it, the applier queues with
   * `deployCalls` and follows the new deployment.
   */
  runDeploy?(ctx: ApplyContext, step: PlanStep): Promise<DeployOutcome>;
  /** Reads one object (`*.one`), reduced for the engine. */
  read(api: DokployApi, id: string): Promise<ServiceDetail>;
  /** The live object projected into the diff's shape. */
  liveView(detail: ServiceDetail): View;
  /** How to queue a deploy of one object and list its deployments (the applier's deploy phase). */
  deployCalls(api: DokployApi, id: string): DeployCalls;
  /** Writes only the description (the ownership marker's home). */
  writeDescription(api: DokployApi, id: string, description: string): Promise<unknown>;
  /** Whether a desired service deploys and starts/stops (Dokploy's quirks per kind live here). */
  decideDeploy(c: DeployContext<K>): DeployDecision;
  /** Health from the live object, Argo CD style. */
  health(detail: ServiceDetail | undefined, summary: ServiceSummary, wantStopped: boolean): HealthStatus | undefined;
  /**
   * What Dokploy deletes with this object that is not ours (Dokploy cascades
   * its children). A delete that would take any of these is refused. Every
   * service must say: there is no default of "nothing cascades".
   */
  cascades(detail: ServiceDetail, marker: Marker): string[];
  /** What a delete removes, in words, for the plan (e.g. "its volumes are kept"). */
  deleteNote(manifestAnnotations: Record<string, string> | undefined, marker: Marker | undefined): string | undefined;
  /**
   * `export`: the live object (its `read` answer) as a manifest spec,
   * children lists included. `marker` is this instance's marker when the
   * object is ours (undefined when it is being adopted).
   */
  exportSpec(detail: ServiceDetail, marker: Marker | undefined): ExportedSpec;
}

/** A record kind's natural key of a live or desired object (how it is found again after a lost create). */
export interface RecordKey {
  host: string;
  path: string;
}

/** Objects without a description, owned through their service's marker (Domain). */
export interface RecordKind<K extends Kind = Kind> extends KindBase<K> {
  readonly family: "record";
  /** The parent kinds, with the metadata field that names each. */
  readonly parentRefs: ReadonlyArray<{ kind: Kind; ref: RefName }>;
  /** The field of the parent's marker that records these objects. */
  readonly recordField: "domains";
  liveView(name: string, row: DomainRow): View;
  /** The natural key of a desired object (recorded as the intent before the create). */
  naturalKey(m: Manifest<K>): RecordKey;
  /** The natural key of a live row. */
  liveKey(row: DomainRow): RecordKey;
  /** `export`: the live row as a manifest spec. */
  exportSpec(row: DomainRow): ExportedSpec;
  /**
   * `export`: a readable manifest name for a live row that no marker names
   * yet (a DNS label; the exporter makes it unique under its parent).
   */
  exportName(row: DomainRow): string;
}

/** One desired entry of a child list: its spec, and the pointer of what it was made from in the service's manifest. */
export interface ChildEntry {
  spec: unknown;
  pointer: string;
}

/** The service a child list entry belongs to, as the child calls name it. */
export interface ChildParent {
  kind: Kind;
  id: string;
}

/**
 * A child list (issue 15): one list field on a service's spec (`ports`,
 * `mounts`, `redirects`, `security`, `schedules`), each entry a Dokploy object
 * without a description, identified by a natural key and owned through a
 * record in the service's marker (the marker field of the same name). The
 * planner (`plan/children.ts`), the executor (`child-list.ts`) and the
 * observer iterate over these modules; a module says only what differs.
 */
export interface ChildListKind<K extends Kind = Kind, Row = unknown> extends KindBase<K> {
  readonly family: "child";
  /** The spec field of the list, and the marker field recording it. */
  readonly field: ChildField;
  /** What one entry is called in messages ("port", "basic-auth user"). */
  readonly noun: string;
  /** The service kinds whose spec may carry the list (the schemas refuse it elsewhere). */
  readonly services: readonly Kind[];
  /** Whether a change takes effect only on the service's next deploy. */
  readonly deploy: boolean;
  /** True when the service's `one` answer does not carry the entries (one `list` call per service that needs them). */
  readonly listSeparately: boolean;
  /**
   * The desired entries of a service's spec and where each is, for a list
   * derived from another (volume backups, under the volume mounts); without
   * it, the items of `spec[field]`. Undefined when the service omits the list
   * (then its entries are left alone).
   */
  entries?(spec: Record<string, unknown>): ChildEntry[] | undefined;
  /** True when the entries name backup destinations (the observer reads Dokploy's destinations). */
  readonly usesDestinations?: boolean;
  /** Problems with a desired entry against live facts (an unknown destination): its step becomes a conflict. */
  refusals?(m: Manifest<K>, lookups: PlanLookups): string[];
  /** The natural key of a desired entry (`8443/tcp`, `/data`, a regex, a username, a name). */
  entryKey(spec: Manifest<K>["spec"]): string;
  /** The natural key of a live entry. */
  rowKey(row: Row): string;
  rowId(row: Row): string;
  /** The live entries that came with the service's detail (undefined when not read). */
  rows(detail: ServiceDetail): Row[] | undefined;
  /**
   * True for a live entry Dokploy made with the service itself (a database's
   * data volume): not an entry of the list, never reported as unmanaged nor
   * counted as foreign, and a desired entry with its key is a conflict.
   */
  builtIn?(row: Row, detail: ServiceDetail): boolean;
  /** A live entry in the desired view's shape; `desired` tells how to show fields the entry chose to hide. */
  liveView(name: string, row: Row, desired: Manifest<K> | undefined, lookups?: PlanLookups): View;
  /** Lists the live entries of one service (recovery after a lost create; lists read separately). */
  list(api: DokployApi, parent: ChildParent): Promise<Row[]>;
  /** Creates an entry (secrets resolved at the last moment); the new id when Dokploy answers with one. */
  create(ctx: ApplyContext, parent: ChildParent, m: Manifest<K>): Promise<string | undefined>;
  update(ctx: ApplyContext, id: string, parent: ChildParent, m: Manifest<K>): Promise<unknown>;
  /**
   * For an entry that runs on a cron in Dokploy's process (schedules, volume
   * backups): cancels its job when it is enabled, leaving the row. Called
   * before a delete that Dokploy carries out without cancelling the job.
   */
  unschedule?(api: DokployApi, row: Row): Promise<void>;
  /** Deletes an entry; `row` is the live entry just read, when it was (a volume backup unschedules itself first). */
  remove(api: DokployApi, id: string, row?: Row): Promise<unknown>;
}

export type AnyKindModule = ContainerKind | ServiceKind | RecordKind | ChildListKind;

/** A manifest of a service kind. */
export type ServiceManifest = Extract<AnyManifest, { kind: ServiceKindName }>;

/** The kinds that are services. */
export type ServiceKindName = "Application" | "Compose" | "Postgres" | "MySQL" | "MariaDB" | "Mongo" | "Redis" | "LibSQL";

/** Where a record's parent is, by kind and name. */
export interface ParentIdentity {
  kind: Kind;
  name: string;
}

/** The identity of `m`'s parent service (records and child list entries only). */
export function parentOf(id: ResourceIdentity): ParentIdentity | undefined {
  if (id.application) return { kind: "Application", name: id.application };
  if (id.compose) return { kind: "Compose", name: id.compose };
  if (id.database) return { kind: id.database.kind, name: id.database.name };
  return undefined;
}
