#!/usr/bin/env bash
# make test: the project's tests, then CKAN's own suites as the search backend's conformance contract.
#
# The suite runs in two lanes side by side (two pytest processes, each with its own database, Redis DB and
# storage: config/test.ini and config/test-lane2.ini, both written by `make setup`), which nearly halves the
# wall time on a two-core machine. PUBLICDATA_TEST_LANES=1 runs everything in one process, one after the other.
# With arguments (`scripts/test.sh tests/catalog -k review`), pytest runs just those, in one process.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTEST=.venv/bin/pytest
LOG_DIR="$ROOT/var/log"
mkdir -p "$LOG_DIR"

if [ $# -gt 0 ]; then
  exec $PYTEST "$@"
fi

# lane 1: the catalog, search and the portal around them; lane 2: access, feedback, harvest, then conformance
# (measured on a clean clone: lane 1 without search 15 min, lane 2 with search 20.5 min + conformance 5.3 min)
LANE1=(tests/catalog tests/search tests/browser tests/demo tests/deploy tests/foundation tests/workdays
       tests/notifications tests/openlist tests/reminders)
LANE2=(tests/access tests/feedback tests/harvest)
listed=" ${LANE1[*]} ${LANE2[*]} "
for dir in tests/*/; do
  dir=${dir%/}
  case "$listed" in *" $dir "*) ;; *) LANE1+=("$dir") ;; esac   # a new test folder lands in lane 1
done

conformance() {
  [ "${PUBLICDATA_SKIP_CONFORMANCE:-0}" = 1 ] && return 0
  echo "==> conformance: CKAN's own search-related suites on the embedded backend"
  PUBLICDATA_TEST_INI="$1" make -s conformance-suites
}

if [ "${PUBLICDATA_TEST_LANES:-2}" = 1 ]; then
  status=0
  echo "==> project tests"
  $PYTEST tests || status=$?
  conformance config/test.ini || status=$?
  exit $status
fi

echo "==> project tests in two lanes (logs: var/log/test-lane1.log, var/log/test-lane2.log), then conformance in lane 2"
start=$(date +%s)
( $PYTEST --ckan-ini=config/test.ini "${LANE1[@]}" >"$LOG_DIR/test-lane1.log" 2>&1 ) &
lane1=$!
( status=0
  $PYTEST --ckan-ini=config/test-lane2.ini "${LANE2[@]}" || status=$?
  conformance config/test-lane2.ini || status=$?
  exit $status ) >"$LOG_DIR/test-lane2.log" 2>&1 &
lane2=$!
status=0
wait $lane1 || status=$?
echo "==> lane 1 (${LANE1[*]}) finished after $(( $(date +%s) - start )) s"
cat "$LOG_DIR/test-lane1.log"
wait $lane2 || status=$?
echo "==> lane 2 (${LANE2[*]} + conformance) finished after $(( $(date +%s) - start )) s"
cat "$LOG_DIR/test-lane2.log"
echo "==> make test: $([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s"
exit $status
