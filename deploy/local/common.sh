# shellcheck shell=bash
# Shared by deploy/local/*.sh (sourced, not run). Expects HOST to be set by the caller.

# Runs "$@" with a time limit in seconds (coreutils timeout, or perl on macOS).
with_timeout() {
  local secs=$1
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$secs" "$@"
  elif command -v perl >/dev/null 2>&1; then
    perl -e 'alarm shift; exec @ARGV or die "exec: $!"' "$secs" "$@"
  else
    "$@"
  fi
}

# True if something accepts TCP connections on $HOST:$1.
port_open() {
  # shellcheck disable=SC2016 # $0/$1 expand in the child bash, on purpose.
  with_timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}
