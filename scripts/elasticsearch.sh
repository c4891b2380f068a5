#!/usr/bin/env bash
# A single-node Elasticsearch 8 for development and tests, from Maven Central's plain
# distribution (no Docker, no vendor download site needed).
#   scripts/elasticsearch.sh fetch            download once into .cache/elasticsearch
#   scripts/elasticsearch.sh start [--fresh] [PORT]
#                                             start on 127.0.0.1:PORT (default 9201), wait for green;
#                                             the node keeps its data between starts unless --fresh
#   scripts/elasticsearch.sh stop             stop it
#   scripts/elasticsearch.sh status
# Elasticsearch refuses to run as root; as root the node runs as the system user `brug-es`.
set -euo pipefail

ES_VERSION=${ES_VERSION:-8.19.3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ES_CACHE:-$ROOT/.cache/elasticsearch}
HOME_DIR=$CACHE/elasticsearch-$ES_VERSION
RUN_DIR=${ES_RUN_DIR:-$CACHE/run}
ACTION=${1:-}
FRESH=""
PORT=${ES_PORT:-9201}
for arg in "${@:2}"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    *) PORT=$arg ;;
  esac
done
ES_USER=brug-es

fetch() {
  if [ -x "$HOME_DIR/bin/elasticsearch" ]; then return; fi
  mkdir -p "$CACHE"
  echo "Fetching Elasticsearch $ES_VERSION from Maven Central…" >&2
  mvn -q dependency:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    "-DoutputDirectory=$CACHE" >&2
  (cd "$CACHE" && unzip -q -o "elasticsearch-$ES_VERSION.zip" && rm -f "elasticsearch-$ES_VERSION.zip")
}

as_es() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

start() {
  fetch
  if [ "$(id -u)" = 0 ] && ! id "$ES_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  fi
  # A restart is a restart: the data stays unless asked to wipe it (tests start --fresh).
  if [ -n "$FRESH" ]; then rm -rf "$RUN_DIR"; fi
  mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/config"
  cp -r "$HOME_DIR/config/." "$RUN_DIR/config/"
  cat >"$RUN_DIR/config/elasticsearch.yml" <<YML
cluster.name: brug-test
node.name: brug-1
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
network.host: 127.0.0.1
http.port: $PORT
transport.port: $((PORT + 100))
discovery.type: single-node
xpack.security.enabled: false
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
  if [ "$(id -u)" = 0 ]; then
    chown -R "$ES_USER" "$RUN_DIR"
    chmod -R o+rX "$HOME_DIR"
    # The user must be able to reach the cache through its parents.
    d=$CACHE; while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  # This distribution has no bundled JDK: use the machine's Java 17+.
  java_home=${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  as_es env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$RUN_DIR/config" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
    "$HOME_DIR/bin/elasticsearch" -d -p "$RUN_DIR/es.pid" >"$RUN_DIR/logs/stdout.log" 2>&1
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/_cluster/health?wait_for_status=green&timeout=1s" >/dev/null 2>&1; then
      echo "Elasticsearch $ES_VERSION on http://127.0.0.1:$PORT" >&2
      return
    fi
    sleep 1
  done
  echo "Elasticsearch did not start; see $RUN_DIR/logs" >&2
  tail -n 40 "$RUN_DIR/logs/"*.log >&2 || true
  exit 1
}

stop() {
  if [ -f "$RUN_DIR/es.pid" ]; then
    pid=$(cat "$RUN_DIR/es.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/es.pid"
  fi
}

case "$ACTION" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) curl -fsS "http://127.0.0.1:$PORT/_cluster/health" && echo ;;
  *) echo "usage: $0 fetch|start [--fresh] [PORT]|stop|status" >&2; exit 2 ;;
esac
