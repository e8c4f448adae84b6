#!/usr/bin/env bash
# A throwaway Docker registry on loopback, for the `pushed` check and its tests. Idempotent.
#
#   scripts/registry.sh [start]   ensure a registry answers at http://$ADDR/v2/ (default)
#   scripts/registry.sh stop      stop the registry this script started (by its pid file)
#   scripts/registry.sh status    exit 0 when http://$ADDR/v2/ answers, 1 otherwise
#
# start: when something already answers http://$ADDR/v2/ it does nothing. Otherwise it installs
# Debian's docker-registry package if missing (root and apt-get needed), writes a config and a
# storage dir under $DIR and runs `docker-registry serve $DIR/config.yml` in the background.
# dockerd treats 127.0.0.0/8 registries as insecure by default, so `docker push 127.0.0.1:5000/x`
# works over plain HTTP without daemon configuration.
#
# Environment:
#   GRADERS_REGISTRY_ADDR  listen address, loopback only (default 127.0.0.1:5000)
#   GRADERS_REGISTRY_DIR   config, storage, log and pid file (default /var/lib/graders-registry as
#                          root, else ${TMPDIR:-/tmp}/graders-registry)
#
# Exit codes: 0 ok; 3 no registry can be had here (not installed and cannot be installed);
#             4 it was started but does not answer (log tail on stderr).
set -euo pipefail

ADDR="${GRADERS_REGISTRY_ADDR:-127.0.0.1:5000}"
if [ "$(id -u)" -eq 0 ]; then
    DIR="${GRADERS_REGISTRY_DIR:-/var/lib/graders-registry}"
else
    DIR="${GRADERS_REGISTRY_DIR:-${TMPDIR:-/tmp}/graders-registry}"
fi
PIDFILE="$DIR/registry.pid"
LOG="$DIR/registry.log"
URL="http://$ADDR/v2/"

say() { echo "registry: $*"; }
unavailable() { echo "registry: no registry available: $*" >&2; exit 3; }
failed() { echo "registry: $*" >&2; exit 4; }

# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

case "$ADDR" in
    127.*:* | localhost:*) ;;
    *) echo "registry: GRADERS_REGISTRY_ADDR=$ADDR is not a loopback address:port; refusing." >&2; exit 2 ;;
esac

# A registry answers /v2/ with 200 (no auth) or 401 (auth required).
answers() {
    local code
    if command -v curl >/dev/null 2>&1; then
        code="$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$URL" 2>/dev/null || true)"
    else
        code="$(python3 - "$URL" <<'EOF' 2>/dev/null || true
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
EOF
)"
    fi
    [ "$code" = 200 ] || [ "$code" = 401 ]
}

our_pid() {
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid="$(cat "$PIDFILE")"
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q docker-registry \
        && echo "$pid"
}

start() {
    if answers; then
        say "a registry already answers at $URL; nothing to do."
        return 0
    fi
    if ! command -v docker-registry >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
            unavailable "docker-registry is not installed and installing it needs root and apt-get."
        fi
        say "installing Debian's docker-registry package ..."
        apt-get update -qq || failed "apt-get update failed, so docker-registry cannot be installed."
        # Without its service: Debian's default config listens on all interfaces, with htpasswd auth.
        apt_install docker-registry || failed "apt-get install docker-registry failed."
    fi
    mkdir -p "$DIR/data"
    cat >"$DIR/config.yml" <<EOF
# Written by scripts/registry.sh: a throwaway registry on loopback, no auth, no TLS.
version: 0.1
log:
  level: warn
  fields:
    service: graders-registry
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
EOF
    say "starting docker-registry on $ADDR (config $DIR/config.yml, log $LOG) ..."
    setsid docker-registry serve "$DIR/config.yml" >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 30); do
        if answers; then
            say "registry answers at $URL (pid $(cat "$PIDFILE"))."
            return 0
        fi
        sleep 1
    done
    echo "registry: docker-registry did not answer at $URL within 30s; last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 2>/dev/null || true
    exit 4
}

stop() {
    local pid
    if pid="$(our_pid)"; then
        kill "$pid"
        for _ in $(seq 1 10); do
            [ -d "/proc/$pid" ] || break
            sleep 0.5
        done
        rm -f "$PIDFILE"
        say "stopped docker-registry (pid $pid)."
    else
        rm -f "$PIDFILE"
        say "no registry started by this script is running; nothing to stop."
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status)
        if answers; then say "a registry answers at $URL."; else say "nothing answers at $URL."; exit 1; fi ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
