#!/usr/bin/env bash
# make setup: bring a fresh Debian 12 machine (as root) to a working portal. Idempotent: a second run
# changes nothing and fails nowhere. Each step says what it does; a failing step says which and why.
#
#   SETUP_SKIP_DEMO=1   do not load the demo catalogue
#   SETUP_QUIET_APT=1   (default) keep apt output in var/log/apt.log
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV="$ROOT/.venv"
CKAN="$VENV/bin/ckan"
LOG_DIR="$ROOT/var/log"
mkdir -p "$LOG_DIR"

STEP="start"
step() { STEP="$1"; printf '\n==> %s\n' "$1"; }
info() { printf '    %s\n' "$*"; }
fail() {
  local code=$?
  printf '\nSET-UP FAILED in step: %s (exit %s)\n' "$STEP" "$code" >&2
  printf 'See the messages above; logs are in %s\n' "$LOG_DIR" >&2
  exit "$code"
}
trap fail ERR

as_postgres() { runuser -u postgres -- "$@"; }
psql_admin() { as_postgres psql -v ON_ERROR_STOP=1 -qtA "$@"; }

# ----------------------------------------------------------------------------------------------------
step "1/9 system packages (apt)"
APT_PACKAGES=(postgresql postgresql-contrib redis-server libpq-dev libmagic1 build-essential
              python3-venv python3-dev git chromium chromium-driver docker-compose curl ca-certificates
              fonts-wqy-zenhei liblucene8-java libicu4j-java)   # CJK font for browser tests; Lucene for Solr-analyzer tests
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  info "installing: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then echo "    need root to apt-get install ${missing[*]}" >&2; false; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >"$LOG_DIR/apt.log" 2>&1
  apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || { echo "    apt-get install failed; last lines of $LOG_DIR/apt.log:" >&2; tail -20 "$LOG_DIR/apt.log" >&2; false; }
else
  info "all present"
fi

# ----------------------------------------------------------------------------------------------------
step "2/9 PostgreSQL and Redis running"
PG_VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$PG_VER main$"; then
  info "creating cluster $PG_VER/main"
  pg_createcluster "$PG_VER" main >/dev/null
fi
if pg_lsclusters -h | awk -v v="$PG_VER" '$1==v && $2=="main" {print $4}' | grep -q online; then
  info "PostgreSQL $PG_VER already running"
else
  info "starting PostgreSQL $PG_VER"
  pg_ctlcluster "$PG_VER" main start
fi
for _ in $(seq 1 30); do as_postgres pg_isready -q && break; sleep 1; done
as_postgres pg_isready -q || { echo "    PostgreSQL does not answer" >&2; false; }
if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  info "Redis already running"
else
  info "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$ROOT/var" --logfile "$LOG_DIR/redis.log"
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 ping >/dev/null || { echo "    Redis does not answer" >&2; false; }
fi

# ----------------------------------------------------------------------------------------------------
step "3/9 Python virtualenv (.venv) with the extension and test tools"
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x "$VENV/bin/python" ]; then
  info "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.publicdata-install-stamp"
WANT=$(cat setup.py MANIFEST.in | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && "$VENV/bin/python" -c "import ckanext.publicdata.plugin" 2>/dev/null; then
  info "up to date"
else
  info "installing (pip log: $LOG_DIR/pip.log)"
  "$VENV/bin/pip" install -q --upgrade pip "setuptools<81" wheel >"$LOG_DIR/pip.log" 2>&1
  "$VENV/bin/pip" install -e ".[test]" >>"$LOG_DIR/pip.log" 2>&1 \
    || { echo "    pip install failed; last lines of $LOG_DIR/pip.log:" >&2; tail -20 "$LOG_DIR/pip.log" >&2; false; }
  echo "$WANT" >"$STAMP"
fi

# ----------------------------------------------------------------------------------------------------
step "4/9 database roles and databases"
SECRETS="$ROOT/config/.secrets"
# Generated once, kept outside git: re-runs and re-rendered configs stay valid. A key added by a later
# version of this script is appended the first time that version runs.
umask 077
touch "$SECRETS"
for key in DB_PASSWORD ADMIN_PASSWORD SECRET_KEY CSRF_SECRET JWT_SECRET; do
  if ! grep -q "^$key=" "$SECRETS"; then
    length=40; [ "$key" = ADMIN_PASSWORD ] && length=16; [ "$key" = DB_PASSWORD ] && length=24
    echo "$key=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$length")" >>"$SECRETS"
  fi
done
umask 022
# shellcheck disable=SC1090
. "$SECRETS"
DB_USER=publicdata
if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
  info "creating role $DB_USER"
  psql_admin -c "create role $DB_USER login password '$DB_PASSWORD'"
else
  psql_admin -c "alter role $DB_USER password '$DB_PASSWORD'"
fi
for db in publicdata publicdata_test publicdata_test_lane2; do
  if [ "$(psql_admin -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
    info "creating database $db"
    as_postgres createdb -O "$DB_USER" -E UTF8 -T template0 "$db"
  else
    info "database $db exists"
  fi
done
# Helper databases for parallel test runs (PUBLICDATA_EXTRA_TEST_DBS="a b" → publicdata_test_a ...)
for suffix in ${PUBLICDATA_EXTRA_TEST_DBS:-}; do
  db="publicdata_test_$suffix"
  if [ "$(psql_admin -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
    as_postgres createdb -O "$DB_USER" -E UTF8 -T template0 "$db"
  fi
done

# ----------------------------------------------------------------------------------------------------
step "5/9 configuration files (config/ckan.ini, config/test.ini)"
mkdir -p "$ROOT/var/storage" "$ROOT/var/storage-test" "$ROOT/var/storage-test-lane2"
# A config is (re)written when it is missing or its template changed since it was written — unless it was
# edited by hand since then (then it is kept, with a warning). Secrets come from config/.secrets, so a
# re-render keeps sessions, tokens and the database password valid.
render() {  # render TEMPLATE OUT DB_NAME REDIS_DB STORAGE
  local template=$1 out=$2 stamp="$2.stamp" tmp="$2.tmp"
  sed -e "s|@SECRET_KEY@|$SECRET_KEY|" -e "s|@CSRF_SECRET@|$CSRF_SECRET|" -e "s|@JWT_SECRET@|$JWT_SECRET|" \
      -e "s|@DB_USER@|$DB_USER|" -e "s|@DB_PASSWORD@|$DB_PASSWORD|" -e "s|@DB_NAME@|$3|" \
      -e "s|@REDIS_DB@|$4|" -e "s|@STORAGE_PATH@|$5|" "$template" >"$tmp"
  local want; want=$(sha256sum <"$tmp" | cut -c1-16)
  if [ ! -f "$out" ]; then
    info "writing $out"
  elif [ "$(sha256sum <"$out" | cut -c1-16)" = "$want" ]; then
    info "$out is up to date"; rm -f "$tmp"; echo "$want" >"$stamp"; return
  elif [ -f "$stamp" ] && [ "$(sha256sum <"$out" | cut -c1-16)" = "$(cat "$stamp")" ]; then
    info "rewriting $out: its template changed"
  else
    info "WARNING: $out was edited by hand and differs from $template; kept as it is"
    rm -f "$tmp"; return
  fi
  mv "$tmp" "$out"
  echo "$want" >"$stamp"
}
render config/ckan.ini.in config/ckan.ini publicdata 0 "$ROOT/var/storage"
render config/test.ini.in config/test.ini publicdata_test 1 "$ROOT/var/storage-test"
# the second lane of `make test` (scripts/test.sh runs two pytest processes side by side)
render config/test.ini.in config/test-lane2.ini publicdata_test_lane2 11 "$ROOT/var/storage-test-lane2"
render config/workdays.yaml.in config/workdays.yaml - - -   # holiday overrides (no placeholders)

# ----------------------------------------------------------------------------------------------------
step "6/9 translations"
"$VENV/bin/python" scripts/compile_translations.py

# ----------------------------------------------------------------------------------------------------
step "7/9 database schema (ckan db init: core and plugin migrations)"
"$CKAN" -c config/ckan.ini db init >"$LOG_DIR/db-init.log" 2>&1 \
  || { echo "    ckan db init failed:" >&2; tail -20 "$LOG_DIR/db-init.log" >&2; false; }
info "main database migrated"
"$CKAN" -c config/test.ini db init >"$LOG_DIR/db-init-test.log" 2>&1 \
  || { echo "    ckan db init (test) failed:" >&2; tail -20 "$LOG_DIR/db-init-test.log" >&2; false; }
info "test database migrated"
"$CKAN" -c config/test-lane2.ini db init >"$LOG_DIR/db-init-test-lane2.log" 2>&1 \
  || { echo "    ckan db init (test lane 2) failed:" >&2; tail -20 "$LOG_DIR/db-init-test-lane2.log" >&2; false; }
info "test database of the second lane migrated"

# ----------------------------------------------------------------------------------------------------
step "8/9 sysadmin account"
PUBLICDATA_ADMIN_PASSWORD="$ADMIN_PASSWORD" "$CKAN" -c config/ckan.ini publicdata ensure-sysadmin admin \
  2>"$LOG_DIR/user.log" || { echo "    could not create or repair user admin:" >&2; tail -5 "$LOG_DIR/user.log" >&2; false; }

# ----------------------------------------------------------------------------------------------------
step "9/9 demo catalogue"
if [ "${SETUP_SKIP_DEMO:-0}" = 1 ]; then
  info "skipped (SETUP_SKIP_DEMO=1)"
else
  "$CKAN" -c config/ckan.ini publicdata demo-load
fi

trap - ERR
cat <<EOF

Set-up complete.
  Portal:    http://127.0.0.1:5000   (make run)
  Sysadmin:  admin / $ADMIN_PASSWORD   (kept in config/.secrets)
  Tests:     make test
EOF
