#!/usr/bin/env bash
# make run: the web server on 127.0.0.1:5000, the background-job worker and the harvest gather and fetch
# consumers, in the foreground. Ctrl-C stops all of them.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CKAN="$ROOT/.venv/bin/ckan"
INI="$ROOT/config/ckan.ini"
pids=()

start() {  # start NAME CMD...
  local name=$1; shift
  ( "$@" 2>&1 | sed -u "s/^/[$name] /" ) &
  pids+=($!)
  echo "started $name"
}

stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping…"
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "stopped"
  exit 0
}
trap stop_all INT TERM EXIT

start web    "$CKAN" -c "$INI" run --host 127.0.0.1 --port 5000 --disable-reloader
start worker "$CKAN" -c "$INI" jobs worker
start gather "$CKAN" -c "$INI" harvester gather-consumer
start fetch  "$CKAN" -c "$INI" harvester fetch-consumer
. config/.secrets
echo "Portal: http://127.0.0.1:5000  (sysadmin: admin / $ADMIN_PASSWORD) — Ctrl-C stops everything"
wait -n
echo "a process exited; stopping the others"
stop_all
