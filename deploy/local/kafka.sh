#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, broker + controller in one JVM)
# without Docker. The broker jars are fetched once by Maven into its cache (~/.m2)
# using deploy/local/kafka/pom.xml; the resolved classpath is cached in
# deploy/local/.data/kafka/classpath.txt.
#
# Usage: deploy/local/kafka.sh start|stop|status|reset|logs [-f]
#
# Environment:
#   KAFKA_PORT              client listener port            (default 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller listener port  (default 9093)
#   KAFKA_DATA_DIR          config, data, pid and log files (default deploy/local/.data/kafka)
#   KAFKA_CLASSPATH_FILE    cached Maven classpath          (default deploy/local/.data/kafka/classpath.txt)
#   KAFKA_HEAP_OPTS         JVM heap flags                  (default "-Xms256m -Xmx512m")
#   KAFKA_OPTS              extra JVM flags                 (default empty)
#   KAFKA_START_TIMEOUT     seconds to wait for the broker  (default 120)
#   KAFKA_STOP_TIMEOUT      seconds before SIGKILL on stop  (default 30)
#   JAVA_HOME / MVN         java and maven to use           (default: from PATH)
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
KAFKA_CONF_DIR="$SCRIPT_DIR/kafka"
POM="$KAFKA_CONF_DIR/pom.xml"
TEMPLATE="$KAFKA_CONF_DIR/server.properties.template"
LOG4J_CONFIG="$KAFKA_CONF_DIR/log4j.properties"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA_DIR="${KAFKA_DATA_DIR:-$SCRIPT_DIR/.data/kafka}"
CLASSPATH_FILE="${KAFKA_CLASSPATH_FILE:-$SCRIPT_DIR/.data/kafka/classpath.txt}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
EXTRA_JVM_OPTS="${KAFKA_OPTS:-}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HOST=127.0.0.1

PROPS_FILE="$DATA_DIR/server.properties"
LOG_DIRS="$DATA_DIR/logs"
SERVER_LOG="$DATA_DIR/server.log"
STDOUT_LOG="$DATA_DIR/kafka.out"
PID_FILE="$DATA_DIR/kafka.pid"
CLUSTER_ID_FILE="$DATA_DIR/cluster-id"
MAVEN_LOG="$DATA_DIR/maven.log"
LOCK_FILE="$DATA_DIR/.lock"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA=java
fi
MVN="${MVN:-mvn}"

log() { printf '[kafka] %s\n' "$*"; }
err() { printf '[kafka] ERROR: %s\n' "$*" >&2; }
die() {
  err "$*"
  exit 1
}

# Milliseconds since the epoch (bash 5 EPOCHREALTIME; whole seconds elsewhere).
now_ms() {
  local t=${EPOCHREALTIME:-}
  if [[ -n "$t" ]]; then
    t=${t/[.,]/}
    printf '%s\n' "$((10#$t / 1000))"
  else
    printf '%s\n' "$(($(date +%s) * 1000))"
  fi
}

# "4.2s" since a now_ms timestamp.
since() {
  local d=$(($(now_ms) - $1))
  printf '%d.%ds' "$((d / 1000))" "$((d % 1000 / 100))"
}

usage() {
  cat <<EOF
Usage: $(basename "$0") <command>

  start    fetch the jars if needed, format storage once, start the broker and wait until it answers
  stop     stop the broker (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status   exit 0 if the broker answers on ${HOST}:${KAFKA_PORT}
  reset    stop and delete all broker data (keeps the cached classpath)
  logs     print the last lines of the broker log (logs -f to follow)
EOF
}

# shellcheck source=deploy/local/common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

# Sends a real Kafka Metadata v0 request over bash's /dev/tcp and checks that the
# response names at least one registered broker, i.e. the broker is up, unfenced and
# serving clients. No JVM, so it costs milliseconds.
#   request: size=27 | api_key=3 (Metadata) | api_version=0 | correlation_id=0x0BA11A57
#            | client_id="ballast-probe" | topics=[] (all)
#   response: size | correlation_id | brokers count | first broker node_id ...
metadata_probe() {
  local hex
  # shellcheck disable=SC2016 # $0/$1 expand in the child bash, on purpose.
  hex=$(with_timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x1b\x00\x03\x00\x00\x0b\xa1\x1a\x57\x00\x0dballast-probe\x00\x00\x00\x00" >&3
    head -c 16 <&3 | od -An -v -tx1
  ' "$HOST" "$KAFKA_PORT" 2>/dev/null | tr -d ' \n') || return 1
  # bytes 4-7: our correlation id; bytes 8-11: number of brokers (must be >= 1).
  [[ ${#hex} -eq 32 && ${hex:8:8} == "0ba11a57" && ${hex:16:8} != "00000000" ]]
}

# True if $1 is a live process running *this* broker (guards against pid reuse).
is_our_broker() {
  local pid=$1 args
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  args=$(ps -p "$pid" -o args= 2>/dev/null) || return 1
  [[ "$args" == *kafka.Kafka* && "$args" == *"$PROPS_FILE"* ]]
}

# Prints the pid of the running broker for this data dir, if any.
find_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid=$(tr -dc '0-9' <"$PID_FILE")
    if is_our_broker "$pid"; then
      printf '%s\n' "$pid"
      return 0
    fi
  fi
  # Pid file missing or stale: look for a broker started with exactly our config file.
  if command -v pgrep >/dev/null 2>&1; then
    for pid in $(pgrep -f -- "kafka.Kafka $PROPS_FILE" 2>/dev/null || true); do
      if is_our_broker "$pid"; then
        printf '%s\n' "$pid" >"$PID_FILE"
        printf '%s\n' "$pid"
        return 0
      fi
    done
  fi
  return 1
}

acquire_lock() {
  mkdir -p "$DATA_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    if ! flock -w 300 9; then
      die "another kafka.sh is still running for $DATA_DIR (waited 300s on $LOCK_FILE)"
    fi
  fi
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 ||
    die "java not found. Install a JDK/JRE 17+ (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) or set JAVA_HOME."
  local version major
  version=$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  major=${version%%.*}
  [[ "$major" == 1 ]] && major=$(cut -d. -f2 <<<"$version")
  if [[ ! "$major" =~ ^[0-9]+$ ]]; then
    log "warning: could not parse the Java version ('$version'); continuing"
  elif ((major < 11)); then
    die "Java $version is too old for Kafka 3.9; install Java 17+ (or point JAVA_HOME at it)."
  elif ((major < 17)); then
    log "warning: Java $version works for Kafka 3.9 but Java 17+ is recommended"
  fi
}

# True if the cached classpath exists, is newer than the pom and every jar in it exists.
classpath_valid() {
  [[ -s "$CLASSPATH_FILE" ]] || return 1
  [[ "$CLASSPATH_FILE" -nt "$POM" ]] || return 1
  local cp entry
  cp=$(<"$CLASSPATH_FILE")
  [[ "$cp" == *kafka_2.13-*.jar* ]] || return 1
  local -a entries
  IFS=: read -r -a entries <<<"$cp"
  for entry in "${entries[@]}"; do
    [[ -f "$entry" ]] || return 1
  done
}

# Sets CLASSPATH_VALUE, resolving it through Maven when the cache is missing or stale.
resolve_classpath() {
  if ! classpath_valid; then
    command -v "$MVN" >/dev/null 2>&1 ||
      die "Maven ('$MVN') not found; it is needed once to fetch the Kafka jars. Install Maven 3.6+ (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)."
    if [[ -f "$CLASSPATH_FILE" ]]; then
      log "cached classpath is stale (jar missing or pom changed): resolving again with Maven"
    else
      log "resolving the Kafka jars with Maven (the first run downloads ~60 MB into ~/.m2; can take a minute)"
    fi
    mkdir -p "$(dirname "$CLASSPATH_FILE")" "$DATA_DIR"
    local tmp="$CLASSPATH_FILE.tmp.$$" started
    started=$(now_ms)
    if ! "$MVN" -q -B -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >"$MAVEN_LOG" 2>&1; then
      rm -f "$tmp"
      err "Maven could not resolve the Kafka jars (output in $MAVEN_LOG):"
      tail -n 30 "$MAVEN_LOG" >&2 || true
      exit 1
    fi
    mv -f "$tmp" "$CLASSPATH_FILE"
    classpath_valid || die "Maven produced a classpath that does not contain the Kafka jars: $CLASSPATH_FILE"
    log "classpath resolved in $(since "$started"), cached in $CLASSPATH_FILE"
  fi
  CLASSPATH_VALUE=$(<"$CLASSPATH_FILE")
}

write_server_properties() {
  [[ -f "$TEMPLATE" ]] || die "missing template $TEMPLATE"
  mkdir -p "$LOG_DIRS"
  local text
  text=$(<"$TEMPLATE")
  # Quoted replacements: no pattern/& interpretation of paths.
  text=${text//@KAFKA_PORT@/"$KAFKA_PORT"}
  text=${text//@KAFKA_CONTROLLER_PORT@/"$KAFKA_CONTROLLER_PORT"}
  text=${text//@KAFKA_LOG_DIRS@/"$LOG_DIRS"}
  printf '# GENERATED by deploy/local/kafka.sh from %s -- do not edit.\n%s\n' "$TEMPLATE" "$text" >"$PROPS_FILE.tmp"
  mv -f "$PROPS_FILE.tmp" "$PROPS_FILE"
}

# java with the broker classpath and our log4j config (the tools log there too).
run_java() {
  # shellcheck disable=SC2086 # heap/extra opts are intentionally word-split.
  "$JAVA" $HEAP_OPTS $EXTRA_JVM_OPTS \
    -Dlog4j.configuration="file:$LOG4J_CONFIG" -Dkafka.logs.dir="$DATA_DIR" \
    -cp "$CLASSPATH_VALUE" "$@"
}

format_storage_once() {
  if [[ -f "$LOG_DIRS/meta.properties" ]]; then
    return 0
  fi
  local cluster_id out
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id=$(<"$CLUSTER_ID_FILE")
  else
    local out
    if ! out=$(run_java kafka.tools.StorageTool random-uuid 2>&1); then
      err "kafka.tools.StorageTool random-uuid failed:"
      printf '%s\n' "$out" >&2
      exit 1
    fi
    cluster_id=$(tail -n 1 <<<"$out" | tr -d '[:space:]')
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "unexpected output from kafka.tools.StorageTool random-uuid: $out"
    printf '%s\n' "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $LOG_DIRS (cluster id $cluster_id)"
  if ! out=$(run_java kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS_FILE" --ignore-formatted 2>&1); then
    err "storage format failed:"
    printf '%s\n' "$out" >&2
    exit 1
  fi
}

# Byte size of the server log when this start began, so failures show only new lines.
SERVER_LOG_OFFSET=0

show_log_tail() {
  local lines=${1:-50} size=0
  if [[ -s "$STDOUT_LOG" ]]; then
    printf '[kafka] ---- last %s lines of %s ----\n' "$lines" "$STDOUT_LOG" >&2
    tail -n "$lines" "$STDOUT_LOG" >&2 || true
  fi
  [[ -f "$SERVER_LOG" ]] && size=$(wc -c <"$SERVER_LOG" | tr -d ' ')
  if ((size > SERVER_LOG_OFFSET)); then
    printf '[kafka] ---- last %s lines of %s (this start) ----\n' "$lines" "$SERVER_LOG" >&2
    tail -c "+$((SERVER_LOG_OFFSET + 1))" "$SERVER_LOG" | tail -n "$lines" >&2 || true
  elif ((size > 0 && size < SERVER_LOG_OFFSET)); then
    printf '[kafka] ---- last %s lines of %s ----\n' "$lines" "$SERVER_LOG" >&2
    tail -n "$lines" "$SERVER_LOG" >&2 || true
  else
    printf '[kafka] (nothing new in %s)\n' "$SERVER_LOG" >&2
  fi
}

# Waits until the broker answers a metadata request; fails fast if the JVM dies.
wait_until_ready() {
  local pid=$1 started=$SECONDS next_note=$((SECONDS + 10))
  local other
  while ! metadata_probe; do
    if ! kill -0 "$pid" 2>/dev/null; then
      if other=$(find_pid); then
        pid=$other
        continue
      fi
      err "the broker process (pid $pid) exited during startup"
      rm -f "$PID_FILE"
      show_log_tail 50
      exit 1
    fi
    if ((SECONDS - started >= START_TIMEOUT)); then
      err "the broker did not answer on $HOST:$KAFKA_PORT within ${START_TIMEOUT}s (pid $pid still running; stop it with '$0 stop')"
      show_log_tail 50
      exit 1
    fi
    if ((SECONDS >= next_note)); then
      log "still waiting for the broker ($((SECONDS - started))s)..."
      next_note=$((SECONDS + 10))
    fi
    sleep 0.5
  done
}

cmd_start() {
  acquire_lock
  local pid
  if pid=$(find_pid); then
    if metadata_probe; then
      log "already running (pid $pid) and answering on $HOST:$KAFKA_PORT"
      return 0
    fi
    log "broker process $pid is running but not answering yet; waiting"
    wait_until_ready "$pid"
    log "broker ready on $HOST:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"

  # A broker this script did not start (another checkout's, a developer's own) that answers the
  # Kafka protocol is used as it is: tests isolate themselves with group prefixes and run ids.
  if metadata_probe; then
    log "a Kafka broker this script did not start already answers on $HOST:$KAFKA_PORT; using it"
    return 0
  fi

  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $port on $HOST is already in use by a process this script did not start (set KAFKA_PORT / KAFKA_CONTROLLER_PORT, or stop it)"
    fi
  done

  local t0
  t0=$(now_ms)
  check_java
  resolve_classpath
  write_server_properties
  format_storage_once

  log "starting broker on $HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT, data $DATA_DIR)"
  : >"$STDOUT_LOG"
  if [[ -f "$SERVER_LOG" ]]; then
    SERVER_LOG_OFFSET=$(wc -c <"$SERVER_LOG" | tr -d ' ')
  fi
  # Own session (setsid) + nohup: the broker outlives this script, its terminal and
  # its process group (Ctrl-C, CI step teardown). Without a job-control shell the
  # background child is not a group leader, so setsid execs in place and $! is java.
  # 9>&- : the broker must not inherit the flock fd.
  local -a launcher=(nohup)
  if command -v setsid >/dev/null 2>&1; then
    launcher=(setsid nohup)
  fi
  CLASSPATH_VALUE=$CLASSPATH_VALUE "${launcher[@]}" "$0" __exec-broker </dev/null >>"$STDOUT_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"

  wait_until_ready "$pid"
  # Re-read: if the launcher forked, the pid file was rewritten by __exec-broker.
  pid=$(find_pid || printf '%s' "$pid")
  log "broker ready on $HOST:$KAFKA_PORT (pid $pid, started in $(since "$t0"))"
}

# Internal: replaces itself with the broker JVM so the pid recorded by `start` is java's.
cmd_exec_broker() {
  [[ -n "${CLASSPATH_VALUE:-}" ]] || die "__exec-broker is internal; use '$0 start'"
  printf '%s\n' "$$" >"$PID_FILE"
  # shellcheck disable=SC2086 # heap/extra opts are intentionally word-split.
  exec "$JAVA" $HEAP_OPTS $EXTRA_JVM_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J_CONFIG" -Dkafka.logs.dir="$DATA_DIR" \
    -cp "$CLASSPATH_VALUE" kafka.Kafka "$PROPS_FILE"
}

cmd_stop() {
  acquire_lock
  local pid
  if ! pid=$(find_pid); then
    rm -f "$PID_FILE"
    if port_open "$KAFKA_PORT"; then
      log "no broker started by this script, but port $KAFKA_PORT is in use by another process (left alone)"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping broker (pid $pid)"
  local t0
  t0=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT * 2)); do
    sleep 0.5
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${STOP_TIMEOUT}s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped in $(since "$t0")"
}

cmd_status() {
  local pid
  if pid=$(find_pid); then
    if metadata_probe; then
      log "running (pid $pid) and answering on $HOST:$KAFKA_PORT"
      return 0
    fi
    log "process $pid is alive but not answering on $HOST:$KAFKA_PORT"
    return 1
  fi
  if metadata_probe; then
    log "a broker answers on $HOST:$KAFKA_PORT, but it was not started by this script"
    return 0
  fi
  log "not running"
  return 1
}

cmd_reset() {
  cmd_stop
  # Only what this script creates; the cached classpath (and ~/.m2) survive.
  rm -rf "${LOG_DIRS:?}" "$PROPS_FILE" "$PROPS_FILE.tmp" "$CLUSTER_ID_FILE" "$PID_FILE" \
    "$STDOUT_LOG" "$MAVEN_LOG" "$SERVER_LOG" "$SERVER_LOG".[0-9]*
  log "deleted broker data in $DATA_DIR (cached classpath kept)"
}

cmd_logs() {
  [[ -f "$SERVER_LOG" ]] || die "no log yet ($SERVER_LOG); start the broker first"
  if [[ "${1:-}" == "-f" || "${1:-}" == "--follow" ]]; then
    exec tail -n 100 -F "$SERVER_LOG"
  fi
  tail -n "${KAFKA_LOG_LINES:-100}" "$SERVER_LOG"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  logs) cmd_logs "$@" ;;
  __exec-broker) cmd_exec_broker ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

main "$@"
