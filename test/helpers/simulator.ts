/**
 * Test helpers around the Dokploy simulator: start one on an ephemeral port
 * with fast deploys and a fixed key, call its API like a client would, and
 * always close it. Every suite that needs a Dokploy uses these (the simulator
 * is the project's only Dokploy test double).
 */
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from "../../src/simulator/index.ts";

/** The key test simulators use unless told otherwise. */
export const TEST_API_KEY = "test-simulator-key";

/**
 * The build settings the suites were written against: fast builds, all at
 * once. The simulator's own defaults are a real server's (serial 90 s
 * builds); a test that is about the queue opts in with its own settings.
 */
export const FAST_BUILDS = { buildsConcurrency: "unlimited", databaseDeployDurationMs: 20 } as const satisfies SimulatorOptions;

/** The settings of a simulator started before builds were serial (200 ms builds, all at once). */
export const LEGACY_BUILDS = { ...FAST_BUILDS, deployDurationMs: 200 } as const satisfies SimulatorOptions;

/**
 * Starts a simulator with test defaults (seed 1, 20 ms builds all at once, 20 ms database deploys,
 * 5 ms queue delay, fixed key). Close it yourself.
 */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ seed: 1, deployDurationMs: 20, queueDelayMs: 5, apiKey: TEST_API_KEY, ...FAST_BUILDS, ...options });
}

/** Runs `fn` with a fresh test simulator and closes it afterwards, even when `fn` throws. */
export async function withSimulator<T>(
  fn: (sim: SimulatorHandle) => Promise<T>,
  options: SimulatorOptions = {},
): Promise<T> {
  const sim = await startTestSimulator(options);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** A raw answer: status, parsed JSON body (undefined when empty), the text, and headers. */
export interface RawResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/**
 * Calls `/api/<endpoint>` directly (no client), for tests of wire details.
 * GET sends `input` as query parameters (arrays as repeated keys), POST as JSON.
 */
export async function callApi(
  sim: Pick<SimulatorHandle, "url" | "apiKey">,
  method: "GET" | "POST",
  endpoint: string,
  input?: unknown,
  init: { apiKey?: string | null; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...init.headers };
  const key = init.apiKey === undefined ? sim.apiKey : init.apiKey;
  if (key !== null) headers["x-api-key"] = key;
  let url = `${sim.url}/api/${endpoint}`;
  let body: string | undefined;
  if (method === "GET" && input !== undefined) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
    }
    url += `?${qs.toString()}`;
  } else if (method === "POST") {
    body = init.rawBody ?? JSON.stringify(input ?? {});
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Calls an endpoint and returns its JSON body, throwing with the status and body on anything but 200. */
export async function api<T = unknown>(
  sim: Pick<SimulatorHandle, "url" | "apiKey">,
  method: "GET" | "POST",
  endpoint: string,
  input?: unknown,
): Promise<T> {
  const res = await callApi(sim, method, endpoint, input);
  if (res.status !== 200) throw new Error(`${endpoint}: HTTP ${res.status}: ${res.text}`);
  return res.body as T;
}
