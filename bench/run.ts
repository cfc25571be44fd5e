/**
 * `npm run bench`: every benchmark, one after the other, each in its own
 * process (so one's heap or leftover sockets cannot colour the next, and the
 * planning benchmark can run with --expose-gc). Prints the machine first:
 * the figures scale with it. Prints figures; asserts nothing. Takes several
 * minutes (the 100-pass footprint run and the 5,000-application planning
 * setup dominate). Results are recorded in bench/RESULTS.md.
 *
 *     node bench/run.ts            # everything
 *     node bench/run.ts fleet      # only benchmarks whose name contains "fleet"
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "./lib/harness.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** name, node flags, script, arguments, extra environment. */
const BENCHMARKS: Array<[string, string[], string, string[], Record<string, string>?]> = [
  ["fleet-5ms", [], "fleet.ts", ["5"]],
  ["fleet-20ms", [], "fleet.ts", ["20"]],
  ["planning", ["--expose-gc"], "planning.ts", []],
  ["daemon-small-webhook", [], "daemon.ts", ["5", "1", "0"]],
  // The daemon as the image runs it (NODE_OPTIONS and MALLOC_* from the Dockerfile: heap released after each pass).
  ["daemon-fleet", [], "daemon.ts", ["5", "20", "100"]],
  // The same without --expose-gc (no heap release after passes): the memory the release saves, and the speed it costs.
  ["daemon-fleet-no-release", [], "daemon.ts", ["5", "20", "100"], { BENCH_DAEMON_NODE_OPTIONS: "--max-semi-space-size=8" }],
  ["validate", [], "validate.ts", []],
  // Issue 13: 200 applications against serial 30 s builds (configuration does not wait for builds).
  ["builds-serial", [], "builds.ts", ["5"]],
];

const only = process.argv[2];
console.log(`machine: ${machine()}`);
console.log(`started: ${new Date().toISOString()}\n`);
let failed = 0;
for (const [name, flags, script, args, env] of BENCHMARKS) {
  if (only && !name.includes(only)) continue;
  const envText = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
  console.log(`== ${name} (${envText}node ${[...flags, `bench/${script}`, ...args].join(" ")})`);
  const started = performance.now();
  const r = spawnSync(process.execPath, [...flags, join(HERE, script), ...args], { stdio: "inherit", timeout: 30 * 60_000, env: { ...process.env, ...env } });
  if (r.status !== 0) {
    failed++;
    console.log(`   ${name} did not finish: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}`);
  }
  console.log(`   (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
console.log(`machine at the end: ${machine()}`);
process.exitCode = failed > 0 ? 1 : 0;
