#!/usr/bin/env bash
# Make sure a Docker engine answers, starting one if this machine allows it. Idempotent.
#
#   scripts/docker-engine.sh
#
# - `docker info` answers (DOCKER_HOST honoured): print one line, change nothing, exit 0.
# - Otherwise, as root on a Debian-like system (apt-get present) and with no remote DOCKER_HOST:
#   install docker.io if dockerd is missing, start dockerd in the background (log in
#   $GRADERS_DOCKERD_LOG, default /var/log/graders-dockerd.log), wait up to
#   $GRADERS_DOCKERD_TIMEOUT seconds (default 60) for `docker info`, exit 0.
#
# Exit codes (callers skip their Docker tests on 3, and show the printed reason):
#   0  an engine answers
#   3  no engine can be had here (not root, no apt-get, or DOCKER_HOST names an engine that does
#      not answer); the reason is printed as one sentence on stderr
#   4  this script tried to install or start an engine and that failed (log tail on stderr)
set -euo pipefail

LOG="${GRADERS_DOCKERD_LOG:-/var/log/graders-dockerd.log}"
TIMEOUT="${GRADERS_DOCKERD_TIMEOUT:-60}"

say() { echo "docker-engine: $*"; }
unavailable() { echo "docker-engine: no Docker engine available: $*" >&2; exit 3; }
failed() { echo "docker-engine: $*" >&2; exit 4; }

# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

engine_answers() {
    command -v docker >/dev/null 2>&1 || return 1
    timeout 15 docker info >/dev/null 2>&1
}

# Any dockerd process on this machine (no procps needed).
dockerd_running() { grep -qsx dockerd /proc/[0-9]*/comm; }

engine_line() {
    local version
    version="$(timeout 15 docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
    echo "Docker engine ${version} answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
}

if engine_answers; then
    say "$(engine_line); nothing to do."
    exit 0
fi

case "${DOCKER_HOST:-}" in
    "" | unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
    *) unavailable "DOCKER_HOST=${DOCKER_HOST} does not answer, and this script only starts a local engine." ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    unavailable "no engine answers and this script must run as root to install or start dockerd."
fi
if ! command -v apt-get >/dev/null 2>&1; then
    unavailable "no engine answers and this is not a Debian-like system (no apt-get) on which dockerd could be installed."
fi

if ! command -v dockerd >/dev/null 2>&1; then
    say "dockerd is missing: installing Debian's docker.io (apt-get update, then install) ..."
    apt-get update -qq || failed "apt-get update failed, so docker.io cannot be installed."
    apt_install docker.io ca-certificates || failed "apt-get install docker.io failed."
    command -v dockerd >/dev/null 2>&1 || failed "docker.io was installed but dockerd is still not on PATH."
fi

if dockerd_running; then
    say "a dockerd process exists but does not answer yet: waiting for it rather than starting a second one ..."
else
    mkdir -p "$(dirname "$LOG")"
    say "starting dockerd in the background (log: $LOG) ..."
    # setsid + no stdin: the engine outlives this shell and the caller's terminal.
    setsid dockerd >>"$LOG" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$TIMEOUT"); do
    if engine_answers; then
        say "$(engine_line)."
        exit 0
    fi
    sleep 1
    if ! dockerd_running; then
        echo "docker-engine: dockerd exited during start-up; last lines of $LOG:" >&2
        tail -n 20 "$LOG" >&2 2>/dev/null || true
        exit 4
    fi
done
echo "docker-engine: dockerd did not answer within ${TIMEOUT}s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 4
