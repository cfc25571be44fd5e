/**
 * Shared pieces of the engine journeys: manifest trees copied from
 * `test/fixtures/engine/` into temp dirs (so each test edits its own copy),
 * the real CLI run against an in-process simulator over HTTP, and readers of
 * the simulator's state and call log in the terms the assertions use
 * (objects by name, their ownership markers, calls per endpoint).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWriteEndpoint } from "../../../src/dokploy/port.ts";
import { parseDescription, type Marker } from "../../../src/model/marker.ts";
import type { CallRecord, SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { REPO_ROOT, runCliProcess, type CliResult } from "../../helpers/cli.ts";

/** The fixture trees of the engine journeys. */
export const ENGINE_FIXTURES = join(REPO_ROOT, "test/fixtures/engine");

/** A temp dir that removes itself; holds the manifest trees of one test file. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), "dg-engine-"));
  #n = 0;

  /** A fresh copy of fixture `name` (a folder under test/fixtures/engine). */
  tree(name: string): ManifestTree {
    const dir = join(this.dir, `${name}-${++this.#n}`);
    cpSync(join(ENGINE_FIXTURES, name), dir, { recursive: true });
    return new ManifestTree(dir);
  }

  /** An empty tree (a revision with no manifests). */
  empty(): ManifestTree {
    const dir = join(this.dir, `empty-${++this.#n}`);
    mkdirSync(dir);
    return new ManifestTree(dir);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A manifest directory a test edits between runs. */
export class ManifestTree {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), "utf8");
  }

  write(file: string, text: string): this {
    writeFileSync(join(this.dir, file), text);
    return this;
  }

  remove(file: string): this {
    rmSync(join(this.dir, file));
    return this;
  }

  /** Removes the YAML documents of `file` that `drop` selects (by their text); at least one must go. */
  dropDocuments(file: string, drop: (doc: string) => boolean): this {
    const docs = this.read(file).split(/^---\n/m);
    const kept = docs.filter((d) => !drop(d));
    if (kept.length === docs.length) throw new Error(`${file}: no document matched`);
    return this.write(file, kept.join("---\n"));
  }

  /** Replaces exactly one occurrence of `from`; a test whose edit does not apply fails loudly. */
  edit(file: string, from: string, to: string): this {
    const text = this.read(file);
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new Error(`${file}: expected exactly one occurrence of ${JSON.stringify(from)}`);
    }
    return this.write(file, text.slice(0, at) + to + text.slice(at + from.length));
  }
}

/** Options of one CLI run against the simulator. */
export interface EngineRunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Connect to this URL instead of the simulator's (a proxy in front of it, an unreachable host). */
  url?: string;
}

/** Flags that keep apply fast against a simulator with 20 ms deploys. */
export const FAST_APPLY = ["--deploy-timeout", "20s"];

/** Runs `dokploy-gitops <command> <dir> <args>` against `sim` (key in the environment, never in argv). */
export function runEngine(sim: SimulatorHandle, command: "plan" | "apply", dir: string, args: string[] = [], options: EngineRunOptions = {}): Promise<CliResult> {
  const extra = command === "apply" ? FAST_APPLY : [];
  return runCliProcess([command, dir, "--url", options.url ?? sim.url, ...extra, ...args], {
    env: { DOKPLOY_API_KEY: sim.apiKey, ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** Fails with the run's output when the exit code is not `code`. */
export function expectExit(result: CliResult, code: number): CliResult {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return result;
}

// ---- state -------------------------------------------------------------------

type StateProject = SimulatorState["projects"][number];
type StateEnvironment = StateProject["environments"][number];
type StateApplication = StateEnvironment["applications"][number];

/** Every project with the given name. */
export function projectsNamed(state: SimulatorState, name: string): StateProject[] {
  return state.projects.filter((p) => p.name === name);
}

/** The one project named `name`; throws when there are none or several. */
export function project(state: SimulatorState, name: string): StateProject {
  const found = projectsNamed(state, name);
  if (found.length !== 1) throw new Error(`expected one project "${name}", found ${found.length}`);
  return found[0]!;
}

/** The one environment `name` of project `projectName` (`production` is the default one). */
export function environment(state: SimulatorState, projectName: string, name: string): StateEnvironment {
  const found = project(state, projectName).environments.filter((e) => e.name === name);
  if (found.length !== 1) throw new Error(`expected one environment "${projectName}/${name}", found ${found.length}`);
  return found[0]!;
}

/** The one application `name` in `projectName/envName`. */
export function application(state: SimulatorState, projectName: string, envName: string, name: string): StateApplication {
  const found = environment(state, projectName, envName).applications.filter((a) => a.name === name);
  if (found.length !== 1) throw new Error(`expected one application "${projectName}/${envName}/${name}", found ${found.length}`);
  return found[0]!;
}

/** Every application in the state, with its path. */
export function allApplications(state: SimulatorState): Array<{ path: string; app: StateApplication }> {
  return state.projects.flatMap((p) => p.environments.flatMap((e) => e.applications.map((app) => ({ path: `${p.name}/${e.name}/${app.name}`, app }))));
}

/** The marker on a description; throws (naming `what`) when there is none. */
export function markerOf(description: string | null | undefined, what: string): Marker {
  const parsed = parseDescription(description);
  if (!parsed.marker) throw new Error(`${what}: no ownership marker in ${JSON.stringify(description)}`);
  return parsed.marker;
}

/** The user text of a description (without the marker). */
export function textOf(description: string | null | undefined): string {
  return parseDescription(description).text;
}

/** Dokploy's env text as a map (KEY=value lines). */
export function envMap(text: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? "").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

// ---- call log ------------------------------------------------------------------

/** Calls per endpoint, e.g. `{ "project.all": 1, "project.one": 2 }`. */
export function callCounts(calls: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.endpoint] = (out[c.endpoint] ?? 0) + 1;
  return out;
}

/** The calls that write (a POST endpoint, or any non-GET request). */
export function writeCalls(calls: CallRecord[]): CallRecord[] {
  return calls.filter((c) => c.method !== "GET" || isWriteEndpoint(c.endpoint));
}

/** The write calls whose body names `id` in any of its id fields. */
export function writesTo(calls: CallRecord[], id: string): CallRecord[] {
  return writeCalls(calls).filter((c) => {
    const body = (c.body ?? {}) as Record<string, unknown>;
    return ["projectId", "environmentId", "applicationId", "domainId"].some((k) => body[k] === id);
  });
}
