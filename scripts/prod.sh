#!/usr/bin/env bash
# The application's processes of deploy/Procfile, with production settings (docs/operations.md).
#   scripts/prod.sh release    wait for the database (and Elasticsearch), then migrate,
#                              createcachetable, collectstatic, setup_site, the demo data when
#                              BRUG_LOAD_DEMO=1, and a search index rebuild when it is unhealthy.
#                              Once per deploy, before the web and worker processes restart.
#   scripts/prod.sh web        (the release first when BRUG_RELEASE_ON_START=1) gunicorn on
#                              BRUG_BIND (127.0.0.1:8000) with WEB_CONCURRENCY workers (3)
#   scripts/prod.sh worker     the task worker: manage.py db_worker, started again when it dies
#   scripts/prod.sh scheduler  the periodic jobs: manage.py run_scheduler, likewise
# With BRUG_RELEASE_STAMP set (make prod), worker and scheduler wait until the release of this
# start has written that file, so they never run against an unmigrated database.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${BRUG_PYTHON:-$ROOT/.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-website.settings.production}
manage() { "$PY" manage.py "$@"; }
say() { echo "prod.sh: $*" >&2; }

wait_for_database() {
  for _ in $(seq 1 120); do
    if manage shell -c "from django.db import connection; connection.ensure_connection()" \
      >/dev/null 2>&1; then return; fi
    sleep 1
  done
  say "the database did not answer within 2 minutes"; exit 1
}

wait_for_search() {
  # Yellow will do (a node may still be joining); the probes say when it is green.
  [ -n "${ELASTICSEARCH_URL:-}" ] || return 0
  local node
  for _ in $(seq 1 180); do
    for node in ${ELASTICSEARCH_URL//,/ }; do
      if curl -fsS "$node/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
        return
      fi
    done
    sleep 1
  done
  say "Elasticsearch did not answer within 3 minutes"; exit 1
}

release() {
  wait_for_database
  wait_for_search
  manage migrate --noinput
  manage createcachetable
  manage collectstatic --noinput -v0
  manage setup_site
  if [ "${BRUG_LOAD_DEMO:-0}" = 1 ]; then
    manage load_demo --if-empty
    manage load_demo_activity
  fi
  # A fresh cluster or one that lost the index: build it now rather than at the first write.
  if [ -n "${ELASTICSEARCH_URL:-}" ] && ! manage search_index check; then
    manage search_index rebuild
  fi
  if [ -n "${BRUG_RELEASE_STAMP:-}" ]; then date -u +%FT%TZ >"$BRUG_RELEASE_STAMP"; fi
}

wait_for_release() {
  [ -n "${BRUG_RELEASE_STAMP:-}" ] || return 0
  until [ -f "$BRUG_RELEASE_STAMP" ]; do sleep 1; done
}

run_command() {  # a long-running management command, once the release is done
  wait_for_release
  exec "$PY" manage.py "$@"
}

supervise() {  # NAME COMMAND...: run a management command, and again whenever it dies
  # honcho stops the whole stack when one process exits, so a worker killed by the
  # out-of-memory killer (or scripts/failover.py --scenario worker) would take the web down
  # with it. This restarts it as systemd's Restart= would (deploy it with Restart=always
  # anyway): after BRUG_RESTART_DELAY seconds (5), and not while BRUG_PROD_DIR/NAME.hold
  # exists (failover.py holds it to keep the worker down for a while). The process manager
  # signals the whole process group (honcho, systemd), so the command has its TERM already:
  # passing on a second one would make db_worker abandon the task it is finishing. The loop
  # ends when the command does.
  local name=$1 pid="" stopping="" status hold=${BRUG_PROD_DIR:-.cache/prod}/$1.hold
  shift
  wait_for_release
  trap 'stopping=1' TERM INT
  while [ -z "$stopping" ]; do
    "$PY" manage.py "$@" &
    pid=$!
    status=0
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
    pid=""
    if [ -n "$stopping" ]; then break; fi
    say "$name (manage.py $*) exited with status $status; starting it again"
    sleep "${BRUG_RESTART_DELAY:-5}" & wait $! || true
    while [ -e "$hold" ] && [ -z "$stopping" ]; do sleep 1 & wait $! || true; done
  done
}

case "${1:-}" in
  release) release ;;
  web)
    if [ "${BRUG_RELEASE_ON_START:-0}" = 1 ]; then release; fi
    # Access lines on stdout carry the request id the application answered with.
    exec "$PY" -m gunicorn website.wsgi:application --config python:website.gunicorn_conf \
      --bind "${BRUG_BIND:-127.0.0.1:8000}" --workers "${WEB_CONCURRENCY:-3}" \
      --timeout 30 --graceful-timeout 4 --access-logfile - \
      --access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
    ;;
  worker) supervise worker db_worker ;;
  scheduler) supervise scheduler run_scheduler ;;
  *) echo "usage: $0 release|web|worker|scheduler" >&2; exit 2 ;;
esac
