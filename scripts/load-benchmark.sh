#!/usr/bin/env bash
# The load benchmark (docs/benchmarks.md): a scratch SQLite database and an Elasticsearch node
# of its own under .cache/loadbench, production settings, gunicorn on loopback, ApacheBench.
#   scripts/load-benchmark.sh [SERVICES] [manage.py load_benchmark options…]
# SERVICES (default 100000) synthetic services beside the demo directory; the database and
# the node are kept between runs, so a second run at the same size measures at once.
# Needs `ab` (Debian's apache2-utils: `make load-benchmark` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${1:-100000}
shift || true
DIR=$(pwd)/.cache/loadbench
mkdir -p "$DIR"
export ES_PORT=${BENCH_ES_PORT:-9431}
export ES_RUN_DIR=$DIR/elasticsearch
export ES_HEAP=${ES_HEAP:-512m}
trap 'scripts/elasticsearch.sh stop "$ES_PORT" || true' EXIT
scripts/elasticsearch.sh start "$ES_PORT"

export DJANGO_SETTINGS_MODULE=website.settings.production
export DATABASE_URL=sqlite:///$DIR/bench.sqlite3
export ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT
export ALLOWED_HOSTS=127.0.0.1,localhost
export BRUG_SSL_REDIRECT=0
export BRUG_BASE_URL=http://127.0.0.1:8191
export BRUG_BENCHMARK_SCRATCH=1  # this stack is the benchmark's own: it may be filled
test -s "$DIR/secret" || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" >"$DIR/secret"
DJANGO_SECRET_KEY=$(cat "$DIR/secret")
export DJANGO_SECRET_KEY
.venv/bin/python manage.py load_benchmark --services "$SERVICES" "$@"
