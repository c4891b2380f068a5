#!/usr/bin/env bash
# The whole suite: starts a throw-away Elasticsearch node, runs pytest on SQLite, then starts a
# throw-away PostgreSQL cluster and runs it again there, and stops both. `make test` calls it.
# Extra arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export ES_PORT=${ES_PORT:-9201}
export ES_RUN_DIR=${ES_RUN_DIR:-$(pwd)/.cache/elasticsearch/run-test}
PG_DIR=$(mktemp -d -t brug-pg-XXXXXX)

cleanup() {
  scripts/postgres.sh stop "$PG_DIR" || true
  scripts/elasticsearch.sh stop "$ES_PORT" || true
}
trap cleanup EXIT

scripts/elasticsearch.sh start "$ES_PORT"
ES_URL="http://127.0.0.1:$ES_PORT"

$PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" "$@"

# PostgreSQL must be known before Django starts (apps pick column types at import time), so
# the cluster is started here and named to the test settings by BRUG_TEST_DATABASE_URL.
PG_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/postgres.sh start "$PG_DIR" "$PG_PORT"
# Browser tests check what a page shows, which does not depend on the database engine.
BRUG_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres" \
  $PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" -m "not browser" "$@"
