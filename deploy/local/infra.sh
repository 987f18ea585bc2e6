#!/usr/bin/env bash
# Local infrastructure for Ballast without Docker: Kafka (deploy/local/kafka.sh),
# PostgreSQL and Redis (system services, started only if they are not answering).
#
# Usage: deploy/local/infra.sh up|down|status
#
#   up      make sure PostgreSQL, Redis and Kafka answer (starting what is down), then
#           print one line on stdout with the connection settings, so this works:
#             eval "export $(bash deploy/local/infra.sh up)"
#           (progress goes to stderr).
#   down    stop Kafka only; the system PostgreSQL and Redis are left alone.
#   status  report all three; exit non-zero if any does not answer.
#
# Environment: KAFKA_PORT / KAFKA_CONTROLLER_PORT / KAFKA_DATA_DIR (see kafka.sh),
#   POSTGRES_PORT (5432), POSTGRES_USER (postgres), POSTGRES_DB (test), REDIS_PORT (6379).
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
KAFKA_SH="$SCRIPT_DIR/kafka.sh"

HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-test}"
REDIS_PORT="${REDIS_PORT:-6379}"
READY_TIMEOUT="${INFRA_READY_TIMEOUT:-30}"

KAFKA_BROKERS_VALUE="$HOST:$KAFKA_PORT"
REDIS_URL_VALUE="redis://$HOST:$REDIS_PORT"
DATABASE_URL_VALUE="postgres://$POSTGRES_USER@$HOST:$POSTGRES_PORT/$POSTGRES_DB"

log() { printf '[infra] %s\n' "$*" >&2; }
err() { printf '[infra] ERROR: %s\n' "$*" >&2; }

# shellcheck source=deploy/local/common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

# ---------------------------------------------------------------- PostgreSQL

postgres_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$POSTGRES_PORT" -t 3
  else
    port_open "$POSTGRES_PORT"
  fi
}

# Checks that DATABASE_URL really connects (trust auth, user and database exist).
postgres_login_ok() {
  command -v psql >/dev/null 2>&1 || return 0
  local out
  if ! out=$(PGCONNECT_TIMEOUT=5 psql "$DATABASE_URL_VALUE" -XAtqc 'select 1' 2>&1); then
    err "PostgreSQL answers on $HOST:$POSTGRES_PORT but $DATABASE_URL_VALUE does not connect: $out"
    err "create the role/database (e.g. createdb -h $HOST -U $POSTGRES_USER $POSTGRES_DB) or set POSTGRES_USER / POSTGRES_DB"
    return 1
  fi
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /etc/postgresql ]]; then
    err "PostgreSQL is not answering on $HOST:$POSTGRES_PORT and this is not a Debian/Ubuntu postgresql-common install (no pg_ctlcluster)."
    err "Install and start PostgreSQL 15+ listening on $HOST:$POSTGRES_PORT with trust auth for local TCP and a database '$POSTGRES_DB':"
    err "  Debian/Ubuntu: sudo apt-get install postgresql && sudo pg_ctlcluster <version> main start"
    err "  macOS:         brew install postgresql@15 && brew services start postgresql@15 && createdb $POSTGRES_DB"
    return 1
  fi
  local version
  # Highest installed cluster version (normally there is exactly one).
  version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -exec basename {} \; | sort -V | tail -n 1)
  if [[ -z "$version" || ! -d "/etc/postgresql/$version/main" ]]; then
    err "PostgreSQL is not answering and no cluster 'main' exists under /etc/postgresql (create one: sudo pg_createcluster <version> main --start)"
    return 1
  fi
  log "PostgreSQL is not answering: pg_ctlcluster --skip-systemctl-redirect $version main start"
  local out
  if ! out=$(pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1); then
    err "could not start PostgreSQL $version/main: $out"
    [[ $(id -u) -eq 0 ]] || err "(pg_ctlcluster usually needs root or the postgres user: sudo pg_ctlcluster $version main start)"
    return 1
  fi
}

ensure_postgres() {
  if postgres_ready; then
    log "PostgreSQL answers on $HOST:$POSTGRES_PORT"
  else
    start_postgres || return 1
    wait_for "PostgreSQL" postgres_ready || return 1
    log "PostgreSQL started and answers on $HOST:$POSTGRES_PORT"
  fi
  postgres_login_ok
}

# ---------------------------------------------------------------- Redis

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(with_timeout 5 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    # RESP inline PING over bash /dev/tcp.
    # shellcheck disable=SC2016 # $0/$1 expand in the child bash, on purpose.
    with_timeout 5 bash -c '
      exec 3<>"/dev/tcp/$0/$1" || exit 1
      printf "PING\r\n" >&3
      IFS= read -r line <&3 && [[ "$line" == "+PONG"* ]]
    ' "$HOST" "$REDIS_PORT" 2>/dev/null
  fi
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    err "Redis is not answering on $HOST:$REDIS_PORT and redis-server is not installed."
    err "Install Redis 7+ and start it on $HOST:$REDIS_PORT:"
    err "  Debian/Ubuntu: sudo apt-get install redis-server   macOS: brew install redis && brew services start redis"
    return 1
  fi
  # Persistence is off (--save "" --appendonly no); --dir/--logfile only need to be writable.
  local dir=/var/lib/redis logfile=/var/log/redis/ci.log
  if [[ ! -d "$dir" || ! -w "$dir" ]] || [[ ! -w "$(dirname "$logfile")" ]]; then
    dir="$SCRIPT_DIR/.data/redis"
    logfile="$dir/redis.log"
    mkdir -p "$dir"
    log "/var/lib/redis or /var/log/redis is not writable: using $dir"
  fi
  log "Redis is not answering: redis-server --daemonize yes --port $REDIS_PORT ..."
  local out
  if ! out=$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$dir" --logfile "$logfile" 2>&1); then
    err "could not start Redis: $out"
    return 1
  fi
  REDIS_LOGFILE=$logfile
}

ensure_redis() {
  if redis_ready; then
    log "Redis answers on $HOST:$REDIS_PORT"
    return 0
  fi
  REDIS_LOGFILE=""
  start_redis || return 1
  if ! wait_for "Redis" redis_ready; then
    [[ -n "$REDIS_LOGFILE" && -f "$REDIS_LOGFILE" ]] && tail -n 20 "$REDIS_LOGFILE" >&2
    return 1
  fi
  log "Redis started and answers on $HOST:$REDIS_PORT"
}

# ---------------------------------------------------------------- helpers

wait_for() {
  local name=$1 check=$2 deadline=$((SECONDS + READY_TIMEOUT))
  until "$check"; do
    if ((SECONDS >= deadline)); then
      err "$name was started but does not answer after ${READY_TIMEOUT}s"
      return 1
    fi
    sleep 0.5
  done
}

cmd_up() {
  local failed=()
  ensure_postgres || failed+=("PostgreSQL")
  ensure_redis || failed+=("Redis")
  # kafka.sh reports its own progress; keep stdout for the settings line.
  if ! bash "$KAFKA_SH" start >&2; then
    err "Kafka did not start (details above; log: bash deploy/local/kafka.sh logs)"
    failed+=("Kafka")
  fi
  if ((${#failed[@]})); then
    err "not ready: ${failed[*]}"
    exit 1
  fi
  log "ready. Connection settings (eval \"export \$(bash deploy/local/infra.sh up)\"):"
  printf 'KAFKA_BROKERS=%s REDIS_URL=%s DATABASE_URL=%s\n' "$KAFKA_BROKERS_VALUE" "$REDIS_URL_VALUE" "$DATABASE_URL_VALUE"
}

cmd_down() {
  bash "$KAFKA_SH" stop >&2
  log "Kafka stopped; system PostgreSQL and Redis left running"
}

cmd_status() {
  local rc=0
  if postgres_ready; then log "PostgreSQL: answering on $HOST:$POSTGRES_PORT"; else
    log "PostgreSQL: NOT answering on $HOST:$POSTGRES_PORT"
    rc=1
  fi
  if redis_ready; then log "Redis:      answering on $HOST:$REDIS_PORT"; else
    log "Redis:      NOT answering on $HOST:$REDIS_PORT"
    rc=1
  fi
  bash "$KAFKA_SH" status >&2 || rc=1
  return "$rc"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
  printf 'Usage: %s up|down|status\n' "$(basename "$0")" >&2
  exit 2
  ;;
esac
