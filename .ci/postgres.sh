#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the variable
# they read:
#
#   eval "$(.ci/postgres.sh)"     # exports DG_TEST_POSTGRES_DSN
#
# Installs PostgreSQL from Debian's packages when no server binaries are
# present (run as root on a fresh Debian 12 machine), then runs a cluster as
# user postgres listening on 127.0.0.1:${DG_PG_PORT:-15432} only, with its
# data and Unix socket under ${DG_PG_DIR:-/tmp/dg-postgres}. Authentication is
# "trust" on loopback: the cluster is for tests, never for data.
#
# Idempotent: a cluster that already answers on the port is reused, one whose
# files exist but that is stopped is started again. Progress goes to stderr;
# stdout carries only the export line. `.ci/postgres.sh stop` stops the
# cluster and removes its directory.
set -euo pipefail

port="${DG_PG_PORT:-15432}"
base="${DG_PG_DIR:-/tmp/dg-postgres}"
data="$base/data"
sock="$base/sock"
logfile="$base/server.log"
dsn="postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable"

log() { echo "postgres.sh: $*" >&2; }

# bindir finds the newest installed server's bin directory.
bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
    echo "$d"
  fi
}

# as_postgres runs a command as the postgres user (the server refuses root).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  else
    runuser -u postgres -- "$@"
  fi
}

bin=$(bindir)

if [ "${1:-}" = stop ]; then
  if [ -n "$bin" ] && [ -f "$data/PG_VERSION" ]; then
    as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
  fi
  rm -rf "$base"
  log "stopped and removed $base"
  exit 0
fi

if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed and this is not root: run as root or apt-get install postgresql"
    exit 1
  fi
  log "installing postgresql from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # --no-install-recommends skips sysstat and friends; the server and psql
  # come with the postgresql package's dependencies.
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(bindir)
  if [ -z "$bin" ]; then
    log "apt-get installed postgresql but no server binaries were found under /usr/lib/postgresql"
    exit 1
  fi
fi

if ! id postgres >/dev/null 2>&1; then
  log "the postgres user does not exist (the Debian package creates it)"
  exit 1
fi

if [ -x "$bin/pg_isready" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
  log "reusing the server on 127.0.0.1:$port"
  echo "export DG_TEST_POSTGRES_DSN='$dsn'"
  exit 0
fi

mkdir -p "$base" "$sock"
chown postgres:postgres "$base" "$sock"
chmod 700 "$base"

if [ ! -f "$data/PG_VERSION" ]; then
  log "initdb $data ($("$bin/postgres" --version))"
  rm -rf "$data"
  as_postgres "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
fi

# Several test binaries run at once, each with its own pools: allow plenty of
# connections. fsync stays on, so benchmarks measure durable commits.
log "starting on 127.0.0.1:$port (log: $logfile)"
as_postgres "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
  -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=128MB" \
  start >&2

echo "export DG_TEST_POSTGRES_DSN='$dsn'"
