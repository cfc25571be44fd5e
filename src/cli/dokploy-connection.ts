/**
 * Opens the Dokploy connection a command asked for: a real Dokploy through
 * the undici client, or an embedded simulator (`--simulator`) on an
 * ephemeral loopback port, reached through the same client over real HTTP.
 */
import { createDokployClient, type DokployClient, type DokployClientOptions } from "../dokploy/client.ts";
import { startSimulator, type SimulatorHandle } from "../simulator/index.ts";
import type { Redactor } from "../util/redact.ts";
import { poolSize } from "../reconcile/plan-revision.ts";
import type { PassSettings } from "../reconcile/types.ts";
import type { ConnectionSettings } from "./connection.ts";

export interface DokployConnection {
  api: DokployClient;
  /** The embedded simulator, with `--simulator`. */
  simulator?: SimulatorHandle;
  /** Where the API is, for messages (no credentials). */
  describe: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** `--simulator-state FILE`: keep the embedded simulator's data across runs. */
  simulatorState?: string;
  /** Deploy duration of the embedded simulator (ms). */
  simulatorDeployMs?: number;
  client?: Partial<Omit<DokployClientOptions, "url" | "apiKey">>;
  /** The engine settings the connection serves: the pool is sized for its reads and writes in flight. */
  engine?: Pick<PassSettings, "concurrency" | "readConcurrency">;
}

export async function connectDokploy(settings: ConnectionSettings, redactor: Redactor, options: ConnectOptions = {}): Promise<DokployConnection> {
  let simulator: SimulatorHandle | undefined;
  let url = settings.url;
  let apiKey = settings.apiKey;
  if (settings.simulator) {
    simulator = await startSimulator({
      ...(options.simulatorState ? { statePath: options.simulatorState } : {}),
      deployDurationMs: options.simulatorDeployMs ?? 300,
      // A one-shot command follows its deploys to the end: short builds, all at once.
      databaseDeployDurationMs: options.simulatorDeployMs ?? 300,
      buildsConcurrency: "unlimited",
    });
    url = simulator.url;
    apiKey = simulator.apiKey;
    // A Dokploy with one S3 destination, as most have: backups in examples/ name it (a kept state keeps its own).
    if (simulator.control.state().destinations.length === 0) simulator.control.seed({ destinations: [{ name: "s3-backups", bucket: "example-backups" }] });
  }
  if (!url || !apiKey) throw new Error("internal error: connection settings without URL or key");
  redactor.add(apiKey);
  const api = createDokployClient({ url, apiKey, requestTimeoutMs: settings.requestTimeoutMs, ...(options.engine ? { connections: poolSize(options.engine) } : {}), ...options.client });
  return {
    api,
    ...(simulator ? { simulator } : {}),
    describe: simulator ? `the embedded Dokploy simulator (${simulator.url})` : url,
    async close() {
      await api.close();
      await simulator?.close();
    },
  };
}
