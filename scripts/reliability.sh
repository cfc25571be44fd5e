#!/usr/bin/env bash
# The reliability suite at full strength (issue 8):
#   - test/reliability/: 100 seeded fault runs, live ownership with look-alikes,
#     bad input through plan/apply/daemon, canary secrets, webhook abuse, 401 rate limit;
#   - the crash test of the engine journeys with 50 SIGKILLed creates, 10 updates
#     and 5 teardowns;
#   - the planner's ownership property at 10,000 cases;
#   - the export round trip (export -> plan -> apply -> plan) over 500 random live worlds.
# The default `npm test` runs each of these once, quickly (8 fault runs, 3+2+1
# crash points, 300 property cases), so it stays under 10 minutes on a 2-core
# machine; the repetitions live here. `--extras` runs only what `npm test`
# cuts short (for CI, right after `npm test`): the fault runs, the crash test
# and the property at full size. Counts can be overridden:
# FAULT_RUNS, CRASH_RUNS, CRASH_UPDATE_RUNS, CRASH_TEARDOWN_RUNS, PROPERTY_RUNS, OWNERSHIP_RUNS, EXPORT_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x node_modules/node/bin/node ]; then export PATH="$PWD/node_modules/node/bin:$PWD/node_modules/.bin:$PATH"; fi

export FAULT_RUNS="${FAULT_RUNS:-100}"
if [ "${1:-}" != "--extras" ]; then
  echo "== reliability: test/reliability (faults, ownership, bad input, secrets, webhooks, rate limit)"
  npx vitest run test/reliability
else
  echo "== reliability: ${FAULT_RUNS} seeded fault runs"
  npx vitest run test/reliability/faults.test.ts
fi

echo "== reliability: crash test, ${CRASH_RUNS:-50} + ${CRASH_UPDATE_RUNS:-10} + ${CRASH_TEARDOWN_RUNS:-5} SIGKILLed applies"
CRASH_RUNS="${CRASH_RUNS:-50}" CRASH_UPDATE_RUNS="${CRASH_UPDATE_RUNS:-10}" CRASH_TEARDOWN_RUNS="${CRASH_TEARDOWN_RUNS:-5}" \
  npx vitest run test/e2e/engine/crash.test.ts

echo "== reliability: ownership property, ${PROPERTY_RUNS:-10000} cases"
PROPERTY_RUNS="${PROPERTY_RUNS:-10000}" npx vitest run test/unit/plan/ownership.property.test.ts

echo "== reliability: export round trip, ${EXPORT_RUNS:-500} random live worlds"
EXPORT_RUNS="${EXPORT_RUNS:-500}" npx vitest run test/integration/export/roundtrip.property.test.ts
