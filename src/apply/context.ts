/**
 * What every step executor shares during one apply: the API, resolved
 * secrets, the ids learnt so far (a create's id feeds its children), the
 * in-memory copy of each service's marker (domains are recorded there, so
 * writes to it are serialised per service), and the safety checks that run
 * right before a delete.
 */
import type { DokployApi } from "../dokploy/port.ts";
import { DokployError } from "../dokploy/errors.ts";
import { ownershipOf, renderDescription, type Marker } from "../model/marker.ts";
import { resourceLabel } from "../model/resource.ts";
import type { SecretValues } from "../plan/secrets.ts";
import type { Plan, PlanStep } from "../plan/types.ts";
import { KeyedMutex } from "../util/concurrency.ts";
import type { LiveFacts, ServiceDetail } from "../kinds/types.ts";

/** Minimal structured logger (pino-compatible). */
export interface ApplyLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface ApplyDeps {
  api: DokployApi;
  secrets: SecretValues;
  instance: string;
  /** Independent steps in flight at once (default 4). */
  concurrency?: number;
  /** Follow each deploy to done/error, up to this long (default 10 min). */
  deployTimeoutMs?: number;
  /** Wait for deploys to finish (default true). */
  waitForDeploys?: boolean;
  /** Deployment polling: first interval, doubling up to 8x (default 500 ms). */
  pollIntervalMs?: number;
  /** Stops starting new steps (and stops following deploys) when aborted. */
  signal?: AbortSignal;
  log?: ApplyLog;
  /** Title of the deployments this tool starts (shown in Dokploy's deployment list). */
  deployTitle?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Learns secret values read while applying (a referenced secret field read live), so nothing prints them. */
  redactor?: { add(...values: string[]): unknown };
}

/** Thrown by a safety check: the step refuses to touch an object. Terminal. */
export class SafetyRefusal extends Error {
  override readonly name = "SafetyRefusal";
}

/** A service's marker as this apply last wrote it, and how to write it again. */
export interface ServiceMarkerState {
  id: string;
  text: string;
  marker: Marker;
  /** Writes the service's description (`application.update`, `compose.update`...). */
  write: (description: string) => Promise<unknown>;
}

/** What the context needs to know of the kind registry (injected by the applier). */
export interface ServiceKinds {
  /** True for kinds whose marker records children (services). */
  isService(kind: string): boolean;
  /** Writes the description of a service of `kind` (`application.update`, `compose.update`...). */
  writeDescription(api: DokployApi, kind: string, id: string, description: string): Promise<unknown>;
  /** Re-reads a service of `kind` (`application.one`, `compose.one`...). */
  read(api: DokployApi, kind: string, id: string): Promise<ServiceDetail>;
}

export class ApplyContext {
  readonly api: DokployApi;
  readonly secrets: SecretValues;
  readonly instance: string;
  readonly deps: ApplyDeps;
  readonly plan: Plan;
  /** Dokploy id by resource key, learnt from the plan and from creates. */
  readonly ids = new Map<string, string>();
  /**
   * What this apply learnt of objects by key: a create's answer (the appName
   * Dokploy chose) or a re-read. References to them resolve from it.
   */
  readonly learnt = new Map<string, LiveFacts>();
  readonly #markers = new Map<string, ServiceMarkerState>();
  readonly #locks = new KeyedMutex();
  readonly #kinds: ServiceKinds;
  /** The applier's concurrency slot of the running step (see `withoutSlot`). */
  slot: { release(): void; acquire(): Promise<void> } | undefined;

  constructor(plan: Plan, deps: ApplyDeps, kinds: ServiceKinds) {
    this.plan = plan;
    this.#kinds = kinds;
    this.deps = deps;
    this.api = deps.api;
    this.secrets = deps.secrets;
    this.instance = deps.instance;
    for (const step of plan.steps) {
      if (step.dokployId) this.ids.set(step.key, step.dokployId);
      if (step.parentKey && step.parentDokployId) this.ids.set(step.parentKey, step.parentDokployId);
      if (kinds.isService(step.kind) && step.dokployId && step.marker) {
        const text = (step.manifest?.spec as { description?: string } | undefined)?.description ?? "";
        this.setServiceMarker(step, step.dokployId, text, step.marker);
      }
    }
  }

  /**
   * Runs a wait that makes no API call (the pause between deploy polls)
   * without holding a concurrency slot, so other steps make progress while a
   * build runs; the slot is taken back before returning.
   */
  async withoutSlot<T>(wait: () => Promise<T>): Promise<T> {
    const slot = this.slot;
    if (!slot) return wait();
    slot.release();
    try {
      return await wait();
    } finally {
      await slot.acquire();
    }
  }

  /** Records what a create answered (or a re-read showed) of the object of `key`. */
  learn(key: string, facts: LiveFacts): void {
    this.learnt.set(key, facts);
  }

  /** The Dokploy id of `key`, which must be known by now (a parent created earlier). */
  idOf(key: string): string {
    const id = this.ids.get(key);
    if (!id) throw new Error(`${key}: internal error: its Dokploy id is not known`);
    return id;
  }

  /** Records the marker a service carries after its own step. */
  setServiceMarker(step: Pick<PlanStep, "key" | "kind">, id: string, text: string, marker: Marker): void {
    const kind = step.kind;
    this.#markers.set(step.key, {
      id, text, marker: structuredClone(marker),
      write: (description) => this.#kinds.writeDescription(this.api, kind, id, description),
    });
  }

  /** Re-reads a service (the parent of a record before its delete). */
  readService(kind: string, id: string): Promise<ServiceDetail> {
    return this.#kinds.read(this.api, kind, id);
  }

  serviceMarker(key: string): ServiceMarkerState | undefined {
    return this.#markers.get(key);
  }

  /**
   * Read-modify-write of a service's marker, serialised per service:
   * `change` edits a copy; it is written only when it differs.
   */
  async updateServiceMarker(key: string, change: (marker: Marker) => void): Promise<void> {
    await this.#locks.run(key, async () => {
      const state = this.#markers.get(key);
      if (!state) throw new Error(`${key}: internal error: its marker is not known`);
      const next = structuredClone(state.marker);
      change(next);
      if (JSON.stringify(next) === JSON.stringify(state.marker)) return;
      await state.write(renderDescription(state.text, next));
      state.marker = next;
    });
  }

  /**
   * The second proof before a delete or release: the live object, re-read
   * now, still carries this instance's marker for this key with its own id.
   */
  assertStillOurs(step: PlanStep, liveDescription: string | null, liveId: string): Marker {
    const o = ownershipOf(liveDescription, this.instance, liveId);
    const label = resourceLabel(step.identity);
    if (o.kind !== "ours" || o.marker.key !== step.key) {
      throw new SafetyRefusal(`${label}: refused: re-read before ${step.action} shows it no longer carries this tool's ownership marker (${o.kind}); left untouched`);
    }
    return o.marker;
  }
}

/** True when an error means the object is already gone. */
export function isNotFound(err: unknown): boolean {
  return err instanceof DokployError && err.isNotFound;
}

/** True when a write may have reached the server although no answer came. */
export function mayHaveApplied(err: unknown): boolean {
  return err instanceof DokployError && err.mayHaveApplied;
}
