#!/usr/bin/env bash
# The whole suite: starts a throw-away Elasticsearch node, runs pytest on SQLite and on a
# throw-away PostgreSQL (started by the tests themselves), stops the node. `make test` calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export ES_PORT=${ES_PORT:-9201}
export ES_RUN_DIR=${ES_RUN_DIR:-$(pwd)/.cache/elasticsearch/run-test}

scripts/elasticsearch.sh start "$ES_PORT"
trap 'scripts/elasticsearch.sh stop "$ES_PORT"' EXIT
ES_URL="http://127.0.0.1:$ES_PORT"

$PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" "$@"
# Browser tests check what a page shows, which does not depend on the database engine.
$PY -m pytest -p no:cacheprovider --elasticsearch "$ES_URL" --postgres -m "not browser" "$@"
