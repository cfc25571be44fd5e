#!/usr/bin/env bash
# The reliability suite at full strength (issue 8):
#   - test/reliability/: 100 seeded fault runs, live ownership with look-alikes,
#     bad input through plan/apply/daemon, canary secrets, webhook abuse, 401 rate limit;
#   - the crash test of the engine journeys with 50 SIGKILLed applies;
#   - the planner's ownership property at 10,000 cases;
#   - the export round trip (export -> plan -> apply -> plan) over 500 random live worlds.
# test/reliability/ also runs in the default `npm test` (same sizes); the three
# extra parts take longer, so they live here. `--extras` runs only those three
# (for CI right after `npm test`). Counts can be overridden:
# CRASH_RUNS, PROPERTY_RUNS, FAULT_RUNS, OWNERSHIP_RUNS, EXPORT_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x node_modules/node/bin/node ]; then export PATH="$PWD/node_modules/node/bin:$PWD/node_modules/.bin:$PATH"; fi

if [ "${1:-}" != "--extras" ]; then
  echo "== reliability: test/reliability (faults, ownership, bad input, secrets, webhooks, rate limit)"
  npx vitest run test/reliability
fi

echo "== reliability: crash test, ${CRASH_RUNS:-50} SIGKILLed applies"
CRASH_RUNS="${CRASH_RUNS:-50}" npx vitest run test/e2e/engine/crash.test.ts

echo "== reliability: ownership property, ${PROPERTY_RUNS:-10000} cases"
PROPERTY_RUNS="${PROPERTY_RUNS:-10000}" npx vitest run test/unit/plan/ownership.property.test.ts

echo "== reliability: export round trip, ${EXPORT_RUNS:-500} random live worlds"
EXPORT_RUNS="${EXPORT_RUNS:-500}" npx vitest run test/integration/export/roundtrip.property.test.ts
