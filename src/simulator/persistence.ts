/**
 * `--state FILE`: the store survives restarts. Writes are debounced (a burst
 * of API calls costs one write) and atomic (a temporary file renamed over the
 * old one), so a crash never leaves a half-written file. On load, deployments
 * still `running` become `cancelled` and their applications and compose stacks
 * `idle`, as Dokploy does at startup
 * (packages/server/src/utils/startup/cancel-deployments.ts): the in-memory queue did not survive.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { PersistedStore, Store } from "./store.ts";

const TABLES = ["projects", "environments", "applications", "domains", "deployments"] as const;
/** Tables added later (issue 15): optional, so a state file written before them still loads. */
const OPTIONAL_TABLES = ["mounts", "ports", "redirects", "security", "schedules", "volumeBackups"] as const;

/** Reads and checks a state file; undefined when it does not exist. Throws a specific error when corrupt. */
export function readStateFile(path: string): PersistedStore | undefined {
  if (!existsSync(path)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`simulator: state file ${path} is not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const d = data as Record<string, unknown>;
  if (typeof d !== "object" || d === null || d.version !== 1) {
    throw new Error(`simulator: state file ${path} is not a simulator state file (expected an object with "version": 1)`);
  }
  const isRows = (v: unknown): boolean => Array.isArray(v) && v.every((r) => typeof r === "object" && r !== null);
  for (const table of [...TABLES, ...OPTIONAL_TABLES]) {
    const optional = (OPTIONAL_TABLES as readonly string[]).includes(table);
    if (!(optional && d[table] === undefined) && !isRows(d[table])) {
      throw new Error(`simulator: state file ${path}: "${table}" must be an array of rows`);
    }
  }
  if (typeof d.uniqueConfigKey !== "number") throw new Error(`simulator: state file ${path}: "uniqueConfigKey" must be a number`);
  if (d.services !== undefined) checkServices(path, d.services);
  const state = data as PersistedStore;
  // Dokploy's `initCancelDeployments` (packages/server/src/utils/startup/cancel-deployments.ts):
  // running rows become cancelled and their applications idle.
  const interrupted = new Set<string>();
  for (const dep of state.deployments) {
    if (dep.status !== "running") continue;
    dep.status = "cancelled";
    if (dep.applicationId) interrupted.add(dep.applicationId);
    if (typeof dep.composeId === "string") interrupted.add(dep.composeId);
  }
  for (const app of state.applications) if (interrupted.has(app.applicationId)) app.applicationStatus = "idle";
  for (const c of state.services?.compose ?? []) if (interrupted.has(c.composeId)) c.composeStatus = "idle";
  return state;
}

/** The compose, database, backup and destination tables of a state file must be arrays of rows. */
function checkServices(path: string, services: unknown): void {
  const s = services as Record<string, unknown>;
  const rows = (v: unknown): boolean => Array.isArray(v) && v.every((r) => typeof r === "object" && r !== null);
  if (typeof s !== "object" || s === null) throw new Error(`simulator: state file ${path}: "services" must be an object`);
  for (const table of ["compose", "backups", "destinations"]) {
    if (!rows(s[table])) throw new Error(`simulator: state file ${path}: "services.${table}" must be an array of rows`);
  }
  const dbs = s.databases as Record<string, unknown> | undefined;
  if (typeof dbs !== "object" || dbs === null || !Object.values(dbs).every(rows)) {
    throw new Error(`simulator: state file ${path}: "services.databases" must map each kind to an array of rows`);
  }
  if (!Array.isArray(s.deployed) || !s.deployed.every((x) => typeof x === "string")) {
    throw new Error(`simulator: state file ${path}: "services.deployed" must be an array of ids`);
  }
}

/** Debounced atomic writer of a store to `path`. */
export class StateWriter {
  readonly #path: string;
  readonly #store: Store;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;

  constructor(path: string, store: Store, debounceMs: number) {
    this.#path = path;
    this.#store = store;
    this.#debounceMs = debounceMs;
  }

  /** Marks the store changed; writes after the debounce. */
  schedule(): void {
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#debounceMs);
  }

  /** Writes now if anything changed since the last write. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (!this.#dirty) return;
    this.#dirty = false;
    const tmp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#store.toJSON()));
    renameSync(tmp, this.#path);
  }
}
