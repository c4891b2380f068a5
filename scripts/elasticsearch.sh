#!/usr/bin/env bash
# A single-node Elasticsearch 8 for development and tests, from Maven Central's plain
# distribution (no Docker, no vendor download site needed).
#   scripts/elasticsearch.sh fetch            download once into .cache/elasticsearch
#   scripts/elasticsearch.sh start [--fresh] [PORT]
#                                             start on 127.0.0.1:PORT (default 9201), wait for green;
#                                             the node keeps its data between starts unless --fresh
#   scripts/elasticsearch.sh stop             stop it
#   scripts/elasticsearch.sh status
#   scripts/elasticsearch.sh node N [--fresh]  node N of a cluster, in the foreground (for a process
#                                             manager: deploy/Procfile); see "Cluster" below
# Elasticsearch refuses to run as root; as root the node runs as the system user `brug-es`.
set -euo pipefail

ES_VERSION=${ES_VERSION:-8.19.3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${ES_CACHE:-$ROOT/.cache/elasticsearch}
HOME_DIR=$CACHE/elasticsearch-$ES_VERSION
RUN_DIR=${ES_RUN_DIR:-$CACHE/run}
ACTION=${1:-}
NODE=""
if [ "$ACTION" = node ]; then NODE=${2:?node number}; set -- "$1" "${@:3}"; fi
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

prepare() {  # prepare RUN_DIR: the service user, the folders, a fresh config copy
  fetch
  if [ "$(id -u)" = 0 ] && ! id "$ES_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  fi
  # A restart is a restart: the data stays unless asked to wipe it (tests start --fresh).
  if [ -n "$FRESH" ]; then rm -rf "$RUN_DIR"; fi
  mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/config"
  cp -r "$HOME_DIR/config/." "$RUN_DIR/config/"
}

own() {  # as root: the node's folders to its user, the distribution readable through its parents
  if [ "$(id -u)" = 0 ]; then
    chown -R "$ES_USER" "$@"
    chmod -R o+rX "$HOME_DIR"
    d=$CACHE; while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
}

java_home() {  # this distribution has no bundled JDK: use the machine's Java 17+
  echo "${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
}

start() {
  prepare
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
  own "$RUN_DIR"
  as_es env ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$RUN_DIR/config" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
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

# Cluster: `node N` runs node N of ES_CLUSTER_PORTS (HTTP ports on 127.0.0.1, comma-separated;
# each node's transport port is its HTTP port + 100) with its data in ES_CLUSTER_DIR/node-N,
# kept between starts. The nodes find each other over the loopback transport ports; the very
# first start (no node has data yet) names every node as an initial master so that they
# bootstrap one cluster, later starts must not (a wiped node then joins the cluster it finds).
# Snapshots go to ES_CLUSTER_DIR/snapshots (path.repo; a shared mount across machines).
CLUSTER_PORTS=${ES_CLUSTER_PORTS:-9421,9422,9423}
CLUSTER_DIR=${ES_CLUSTER_DIR:-.cache/prod/elasticsearch}
case "$CLUSTER_DIR" in /*) ;; *) CLUSTER_DIR=$ROOT/$CLUSTER_DIR ;; esac
CLUSTER_NAME=${ES_CLUSTER_NAME:-brug-prod}

node() {
  IFS=, read -r -a ports <<<"$CLUSTER_PORTS"
  if [ "$NODE" -lt 1 ] || [ "$NODE" -gt "${#ports[@]}" ]; then
    echo "node must be 1..${#ports[@]} (ES_CLUSTER_PORTS=$CLUSTER_PORTS)" >&2; exit 2
  fi
  RUN_DIR=$CLUSTER_DIR/node-$NODE
  prepare
  mkdir -p "$CLUSTER_DIR/snapshots"
  own "$RUN_DIR" "$CLUSTER_DIR/snapshots"
  local run=() pid="" stopping=""
  if [ "$(id -u)" = 0 ]; then run=(setpriv --reuid="$ES_USER" --regid="$(id -g "$ES_USER")" --clear-groups); fi
  # The process manager stops the node (it signals the whole process group; this passes it
  # on too). A node that dies by itself is started again, as systemd's Restart= would, after
  # ES_RESTART_DELAY seconds and not while RUN_DIR/hold exists (scripts/failover.py holds it).
  trap 'stopping=1; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' TERM INT
  while [ -z "$stopping" ]; do
    node_config "${ports[@]}"
    "${run[@]}" env ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$RUN_DIR/config" \
      ES_JAVA_OPTS="-Xms${ES_HEAP:-512m} -Xmx${ES_HEAP:-512m}" \
      "$HOME_DIR/bin/elasticsearch" -p "$RUN_DIR/es.pid" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
    pid=""
    if [ -n "$stopping" ]; then break; fi
    echo "Elasticsearch node brug-$NODE stopped; starting it again" >&2
    sleep "${ES_RESTART_DELAY:-10}" & wait $! || true
    while [ -e "$RUN_DIR/hold" ] && [ -z "$stopping" ]; do sleep 1 & wait $! || true; done
  done
}

node_config() {  # elasticsearch.yml of this node; the ports of all nodes as arguments
  local ports=("$@") seeds="" masters="" bootstrap=1 i
  for i in "${!ports[@]}"; do
    seeds+="${seeds:+, }\"127.0.0.1:$((ports[i] + 100))\""
    masters+="${masters:+, }\"brug-$((i + 1))\""
    if [ -n "$(ls -A "$CLUSTER_DIR/node-$((i + 1))/data" 2>/dev/null)" ]; then bootstrap=""; fi
  done
  if [ -n "$FRESH" ]; then bootstrap=""; fi  # one wiped node joins the others
  local port=${ports[NODE - 1]}
  {
    cat <<YML
cluster.name: $CLUSTER_NAME
node.name: brug-$NODE
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
path.repo: ["$CLUSTER_DIR/snapshots"]
network.host: 127.0.0.1
http.port: $port
transport.port: $((port + 100))
discovery.seed_hosts: [$seeds]
xpack.security.enabled: false
YML
    if [ -n "$bootstrap" ]; then echo "cluster.initial_master_nodes: [$masters]"; fi
  } >"$RUN_DIR/config/elasticsearch.yml"
  if [ "$(id -u)" = 0 ]; then chown "$ES_USER" "$RUN_DIR/config/elasticsearch.yml"; fi
  echo "Elasticsearch node brug-$NODE on http://127.0.0.1:$port${bootstrap:+ (bootstrapping the cluster)}" >&2
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
  node) node ;;
  status) curl -fsS "http://127.0.0.1:$PORT/_cluster/health" && echo ;;
  *) echo "usage: $0 fetch|start [--fresh] [PORT]|stop|status|node N [--fresh]" >&2; exit 2 ;;
esac
