#!/usr/bin/env bash
# Entry point of the ckanext-publicdata image. Renders $CKAN_INI from the environment, then runs one role:
#   web             migrate the database (`ckan db init`, under a lock), create the sysadmin if asked,
#                   then gunicorn with several workers (the default)
#   worker          CKAN's background-job worker (`ckan jobs worker`)
#   harvest-gather  ckanext-harvest gather consumer
#   harvest-fetch   ckanext-harvest fetch consumer
#   harvest-run     `ckan harvester run` every $HARVEST_RUN_INTERVAL seconds (starts due jobs, closes
#                   finished ones)
#   anything else   run as a command, e.g. `ckan search-index rebuild`
set -Eeuo pipefail

helper=(python /srv/app/publicdata_container.py)
"${helper[@]}" render

role=${1:-web}
case "$role" in
  web)
    "${helper[@]}" wait db redis
    if [ "${CKANEXT__PUBLICDATA__SEARCH__BACKEND:-solr}" = solr ]; then "${helper[@]}" wait solr; fi
    if [ "${CKAN_DB_INIT:-true}" = true ]; then "${helper[@]}" db-init; fi
    "${helper[@]}" ensure-sysadmin
    cd /srv/app
    exec gunicorn --config /srv/app/gunicorn.conf.py
    ;;
  worker)
    "${helper[@]}" wait db redis
    shift || true
    exec ckan -c "$CKAN_INI" jobs worker "$@"
    ;;
  harvest-gather)
    "${helper[@]}" wait db redis
    exec ckan -c "$CKAN_INI" harvester gather-consumer
    ;;
  harvest-fetch)
    "${helper[@]}" wait db redis
    exec ckan -c "$CKAN_INI" harvester fetch-consumer
    ;;
  harvest-run)
    "${helper[@]}" wait db redis
    interval=${HARVEST_RUN_INTERVAL:-900}
    while true; do
      ckan -c "$CKAN_INI" harvester run || echo "harvest-run: 'ckan harvester run' failed; retrying in ${interval}s" >&2
      sleep "$interval"
    done
    ;;
  *)
    exec "$@"
    ;;
esac
