/**
 * `dokploy-gitops simulator`: serves the built-in Dokploy API simulator so a
 * person (or a CI job) can try the tool, or point curl at it, without a real
 * Dokploy. It binds to loopback by default and refuses other addresses unless
 * `--allow-remote`: the simulator has a well-known kind of key printed to the
 * terminal and unauthenticated `/__simulator/` controls (loopback clients only,
 * but still), so it is a test double, never a service to expose.
 */
import { isIP } from "node:net";
import { startSimulator, type SimulatorOptions } from "../simulator/index.ts";
import { checkOutputFile, listenProblem, parseCount, parseDuration, parseListenAddress } from "./flag-values.ts";
import { UsageError, parseCommandArgs, type CliIo } from "./io.ts";

/**
 * Where the simulator listens by default: loopback, and not Dokploy's own
 * port 3000, so it never collides with (or is mistaken for) a real Dokploy
 * on the same machine.
 */
export const DEFAULT_LISTEN = "127.0.0.1:7300";

const HELP = `Usage: dokploy-gitops simulator [options]

Serves a simulated Dokploy v0.30.2 API (projects, environments, applications,
domains, deployments, compose stacks, databases and their backups) until
stopped with Ctrl-C (SIGINT) or SIGTERM. Builds behave as on a real server by
default: one at a time, about 90 s each.

Options:
  --listen HOST:PORT  address to listen on (default 127.0.0.1:7300; port 0 picks a free one)
  --api-key KEY       the API key clients must send as x-api-key (default: random, printed)
  --state FILE        keep the data in FILE across restarts (atomic writes)
  --seed N            seed every random choice (ids, appName suffixes) for reproducible runs
  --latency MS        add MS milliseconds to every API call
  --deploy-duration DUR
                      how long a build (application or compose deploy) runs: 90s, 2m,
                      500ms, or a bare number of milliseconds (default 90s, each build
                      within ±20%; an explicit duration is exact)
  --deploy-jitter F   spread builds and database deploys by ±F of their duration (0-1)
  --database-deploy-duration DUR
                      how long a database deploy holds its request (default 15s ±20%)
  --builds-concurrency N|unlimited
                      builds at once on the server (default 1, as Dokploy's default;
                      unlimited for benchmarks that measure the API alone)
  --fail-deploys-image PATTERN
                      builds and database deploys whose image matches fail (glob, * matches
                      anything; a raw compose file's images count)
  --fail-deploys-branch PATTERN
                      builds of git sources whose branch matches fail (glob)
  --allow-remote      allow a non-loopback --listen address (the simulator is a test double:
                      its test controls have no authentication; do not expose it)
  -h, --help          show this help

Try it:
  curl -H 'x-api-key: KEY' http://127.0.0.1:7300/api/project.all
`;

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith("127."));
}

/** Parses `HOST:PORT` (IPv6 as `[::1]:7300`). */
export function parseListen(text: string): { host: string; port: number } {
  return parseListenAddress(text, "--listen", DEFAULT_LISTEN, "127.0.0.1");
}

/** Resolves flags into simulator options; throws UsageError on bad input. */
export function parseSimulatorArgs(argv: string[]): SimulatorOptions | "help" {
  const { values } = parseCommandArgs("simulator", argv, {
    listen: { type: "string" },
    "api-key": { type: "string" },
    state: { type: "string" },
    seed: { type: "string" },
    latency: { type: "string" },
    "deploy-duration": { type: "string" },
    "deploy-jitter": { type: "string" },
    "database-deploy-duration": { type: "string" },
    "builds-concurrency": { type: "string" },
    "fail-deploys-image": { type: "string" },
    "fail-deploys-branch": { type: "string" },
    "allow-remote": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, { allowPositionals: false });
  if (values.help) return "help";
  const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
  if (!isLoopback(host) && !values["allow-remote"]) {
    throw new UsageError(
      `simulator: --listen ${host}: not a loopback address; the simulator is a test double with unauthenticated controls, pass --allow-remote if you really mean it`,
    );
  }
  if (values["api-key"] !== undefined && values["api-key"].trim().length === 0) throw new UsageError("simulator: --api-key: must not be empty");
  const options: SimulatorOptions = { host, port };
  if (values["api-key"] !== undefined) options.apiKey = values["api-key"];
  if (values.state !== undefined) {
    checkOutputFile(values.state, "--state");
    options.statePath = values.state;
  }
  if (values.seed !== undefined) options.seed = parseCount(values.seed, "--seed", 0, 0, Number.MAX_SAFE_INTEGER);
  if (values.latency !== undefined) options.latencyMs = parseCount(values.latency, "--latency", 0, 0, 60_000);
  const duration = durationMs(values["deploy-duration"], "--deploy-duration");
  if (duration !== undefined) options.deployDurationMs = duration;
  const databaseDuration = durationMs(values["database-deploy-duration"], "--database-deploy-duration");
  if (databaseDuration !== undefined) options.databaseDeployDurationMs = databaseDuration;
  const jitter = values["deploy-jitter"];
  if (jitter !== undefined) {
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(jitter)) throw new UsageError(`simulator: --deploy-jitter: expected a fraction between 0 and 1 such as 0.2, got "${jitter}"`);
    options.deployJitter = Number(jitter);
  }
  const concurrency = values["builds-concurrency"];
  if (concurrency !== undefined) {
    if (concurrency !== "unlimited" && !/^[1-9]\d*$/.test(concurrency)) {
      throw new UsageError(`simulator: --builds-concurrency: expected a positive integer or "unlimited", got "${concurrency}"`);
    }
    options.buildsConcurrency = concurrency === "unlimited" ? "unlimited" : Number(concurrency);
  }
  const image = values["fail-deploys-image"];
  const branch = values["fail-deploys-branch"];
  for (const [flag, v] of [["--fail-deploys-image", image], ["--fail-deploys-branch", branch]] as const) {
    if (v !== undefined && v.length === 0) throw new UsageError(`simulator: ${flag}: must not be empty`);
  }
  if (image !== undefined || branch !== undefined) {
    options.failDeploys = { ...(image !== undefined ? { imagePattern: image } : {}), ...(branch !== undefined ? { branchPattern: branch } : {}) };
  }
  return options;
}

/** A duration flag: a bare number is milliseconds (the flag's first form), otherwise 90s, 2m, 500ms... */
function durationMs(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return parseDuration(text, flag);
  } catch {
    throw new UsageError(`simulator: ${flag}: expected a duration such as 90s, 2m, 500ms or a number of milliseconds, got "${text}"`);
  }
}

/** `dokploy-gitops simulator`: serve until SIGINT/SIGTERM, then close cleanly (exit 0). */
export async function simulatorCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseSimulatorArgs(argv);
  if (options === "help") {
    io.stdout.write(HELP);
    return 0;
  }
  let sim;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    io.stderr.write(`error: simulator: ${listenProblem(err, options) ?? (err as Error).message}\n`);
    return 1;
  }
  // The one place a key is printed on purpose: it is the simulator's own test key.
  io.stdout.write(`Dokploy simulator listening on ${sim.url} (API key: ${sim.apiKey})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  await sim.close();
  io.stdout.write(`Dokploy simulator stopped (${signal})\n`);
  return 0;
}
