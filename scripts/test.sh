#!/usr/bin/env bash
# make test: the project's tests, then CKAN's own suites as the search backend's conformance contract.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
status=0
echo "==> project tests"
.venv/bin/pytest tests "$@" || status=$?
if [ "${PUBLICDATA_SKIP_CONFORMANCE:-0}" != 1 ]; then
  echo "==> conformance: CKAN's own search-related suites on the embedded backend"
  make -s conformance || status=$?
fi
exit $status
