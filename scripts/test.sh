#!/usr/bin/env bash
# The whole suite: starts a throw-away Elasticsearch node and a throw-away PostgreSQL cluster,
# runs pytest on SQLite and on PostgreSQL side by side, then the browser tests, and stops both.
# `make test` calls it; the install, the lint and the checks run while the node starts. Extra
# arguments go to every pytest run.
#
# The two database passes run at the same time (each waits on its database half of the time):
# the SQLite pass prints as it goes, the PostgreSQL pass is printed when it ends. The
# PostgreSQL pass leaves out the cases run against the Elasticsearch node (what they test is
# the node, the same whichever database fed it) and the browser tests, which check what a page
# shows; they start when the SQLite pass ends, beside the rest of the PostgreSQL pass (they
# wait for what changes with Playwright's expect(), so a busy machine does not fail them), and
# are printed last. Tests that touch no database run once, in the PostgreSQL pass: the SQLite
# pass is the longer road, as the browser tests follow it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export ES_PORT=${ES_PORT:-9201}
export ES_RUN_DIR=${ES_RUN_DIR:-$(pwd)/.cache/elasticsearch/run-test}
PG_DIR=$(mktemp -d -t brug-pg-XXXXXX)
PG_LOG="$PG_DIR.log"
pg_pid=""
browser_pid=""
es_start=""

cleanup() {
  if [ -n "$es_start" ]; then kill "$es_start" 2>/dev/null || true; fi
  if [ -n "$pg_pid" ]; then kill "$pg_pid" 2>/dev/null || true; fi
  if [ -n "$browser_pid" ]; then kill "$browser_pid" 2>/dev/null || true; fi
  scripts/postgres.sh stop "$PG_DIR" || true
  scripts/elasticsearch.sh stop "$ES_PORT" || true
  rm -f "$PG_LOG" "$PG_DIR.browser.log"
}
trap cleanup EXIT

scripts/elasticsearch.sh start --fresh "$ES_PORT" &  # tests get a clean node
es_start=$!
ES_URL="http://127.0.0.1:$ES_PORT"
# While the node is fetched and starts: the install, the lint and the checks (a failure
# stops here, before any test).
make --no-print-directory .venv/.installed lint check
# PostgreSQL must be known before Django starts (apps pick column types at import time), so
# the cluster is started here and named to the test settings by BRUG_TEST_DATABASE_URL.
PG_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/postgres.sh start "$PG_DIR" "$PG_PORT"
wait "$es_start"
es_start=""

BRUG_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" \
  $PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" \
  -m "not browser and not elasticsearch" "$@" >"$PG_LOG" 2>&1 &
pg_pid=$!

# pytest's 5 is "no test selected" (arguments that pick no browser test, say): not a failure.
passed() { [ "$1" = 0 ] || [ "$1" = 5 ]; }

status=0
echo "== SQLite (the PostgreSQL pass runs beside it; its report follows) =="
sqlite_status=0
$PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" \
  -m "not browser and not (no_database and not elasticsearch)" "$@" || sqlite_status=$?
passed "$sqlite_status" || status=$sqlite_status

# Not from the start: with three passes on two cores the browser tests' pages took so long
# that a map test timed out (and the suite was no faster: the machine is busy either way).
echo "== Browser (Chromium) starts; the PostgreSQL pass may still be running =="
BROWSER_LOG="$PG_DIR.browser.log"
$PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" -m browser "$@" >"$BROWSER_LOG" 2>&1 &
browser_pid=$!

pg_status=0
wait "$pg_pid" || pg_status=$?
pg_pid=""
echo "== PostgreSQL =="
cat "$PG_LOG"
passed "$pg_status" || status=$pg_status

browser_status=0
wait "$browser_pid" || browser_status=$?
echo "== Browser (Chromium) =="
cat "$BROWSER_LOG"
rm -f "$BROWSER_LOG"
passed "$browser_status" || status=$browser_status
passed "$status" || exit "$status"
