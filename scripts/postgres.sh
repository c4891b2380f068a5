#!/usr/bin/env bash
# PostgreSQL from Debian's postgresql package: a throw-away cluster for the tests, or a kept one
# in the foreground for a process manager (deploy/Procfile).
#   scripts/postgres.sh start DIR PORT   initdb in DIR, start on 127.0.0.1:PORT, wait until ready
#   scripts/postgres.sh stop DIR         stop it and delete DIR
#   scripts/postgres.sh run DIR PORT [DB]
#                                        the server in the foreground on 127.0.0.1:PORT with its data
#                                        kept in DIR (initdb and CREATE DATABASE DB on the first
#                                        run only; durable: fsync stays on); SIGTERM or SIGINT stop it
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "PostgreSQL server binaries not found: install Debian's postgresql package" >&2
  exit 3
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    ;;
  run)
    port=${3:?port}
    db=${4:-brug}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)  # the server runs in its data folder: no relative paths
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log"
      # Single-user mode: the database exists before the server first listens.
      echo "CREATE DATABASE \"$db\";" | as_owner "$bindir/postgres" --single -D "$dir/data" postgres >/dev/null
    fi
    echo "PostgreSQL on 127.0.0.1:$port, database $db, data in $dir/data" >&2
    run=()
    if [ "$(id -u)" = 0 ]; then run=(setpriv --reuid=postgres --regid="$(id -g postgres)" --clear-groups); fi
    "${run[@]}" "$bindir/postgres" -D "$dir/data" -p "$port" -k "$dir" \
      -c listen_addresses=127.0.0.1 &
    pid=$!
    # A stop is a fast shutdown (SIGINT: sessions end, a clean checkpoint), not the smart one
    # SIGTERM asks for, which waits for every client and outlasts the process manager's patience.
    trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT
    rc=0
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" && rc=0 || rc=$?; done
    exit "$rc"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | run DIR PORT [DB]" >&2
    exit 2
    ;;
esac
