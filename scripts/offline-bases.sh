#!/usr/bin/env bash
# Offline stand-ins for the exercise's base images (what `make offline-bases` runs).
#
#   scripts/offline-bases.sh            ensure every base image below exists locally
#   scripts/offline-bases.sh --force    rebuild the stand-ins (never touches a real, pulled image)
#   scripts/offline-bases.sh --remove   untag the stand-ins (images labelled graders.standin)
#
# For each of ubuntu:20.04, python:3.8.12-slim, python:3.8.12, python:3.8.14-slim, python:3.8.14:
# present locally -> skip; else `docker pull` (bounded by GRADERS_PULL_TIMEOUT, default 20 s);
# if that fails -> build a stand-in from Debian (mmdebstrap --variant=minbase | docker import),
# tagged with the real name so that `FROM python:3.8.12-slim` builds unchanged.
#
# Every stand-in carries:
#   LABEL graders.standin=<the reference it stands in for>, graders.standin.note=<what it really is>,
#         graders.standin.recipe=<RECIPE below>, graders.standin.ca-sha256=<sha256 of the CA bundle>
#         (a stand-in whose recipe or CA bundle differs from this script's is rebuilt by itself)
#   the host CA bundle at /etc/ssl/certs/ca-certificates.crt (TLS-inspecting proxies), also in
#   /usr/local/share/ca-certificates/ so that update-ca-certificates keeps it
#   ENV SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT (that bundle) and PATH
# The python stand-ins run Debian bookworm's python3 (3.11, not 3.8) with pip (a `pip` command;
# EXTERNALLY-MANAGED removed and kept out by a dpkg path-exclude, as in the official images), venv,
# `python` -> python3, LANG=C.UTF-8, CMD ["python3"], and scripts/standin/graders_pypi_compat.py
# (poetry against PyPI mirrors that lack the per-release JSON API). The non-slim one adds
# build-essential, python3-dev, git, curl, wget and more in an extra layer, like the real
# buildpack-deps based python:3.8.12, so it is clearly the larger one.
# The 3.8.14 stand-ins are the 3.8.12 ones plus their own graders.standin label (no new layer).
#
# Environment: GRADERS_PULL_TIMEOUT (20), GRADERS_DEBIAN_MIRROR (http://deb.debian.org/debian),
# GRADERS_DEBIAN_SUITE (bookworm), GRADERS_HOST_CA (/etc/ssl/certs/ca-certificates.crt).
# Exit codes: 0 every image exists; 1 a step failed; 2 bad arguments; 3 no Docker engine answers.
set -euo pipefail

PULL_TIMEOUT="${GRADERS_PULL_TIMEOUT:-20}"
MIRROR="${GRADERS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${GRADERS_DEBIAN_SUITE:-bookworm}"
HOST_CA="${GRADERS_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPAT_MODULE="$HERE/standin/graders_pypi_compat.py"

LABEL_KEY="graders.standin"
# Bump when the stand-ins' contents change: existing stand-ins of another recipe are rebuilt.
RECIPE=1
STANDIN_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CA_IN_IMAGE="/etc/ssl/certs/ca-certificates.crt"
# Real images first, then the ones derived from them.
REFS=(ubuntu:20.04 python:3.8.12-slim python:3.8.12 python:3.8.14-slim python:3.8.14)

say() { echo "offline-bases: $*"; }
die() { echo "offline-bases: error: $*" >&2; exit 1; }

MODE=ensure
case "${1:-}" in
    "") ;;
    --force) MODE=force ;;
    --remove) MODE=remove ;;
    -h | --help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "usage: $0 [--force|--remove]" >&2; exit 2 ;;
esac

if ! timeout 15 docker info >/dev/null 2>&1; then
    echo "offline-bases: no Docker engine answers (${DOCKER_HOST:-unix:///var/run/docker.sock}); run scripts/docker-engine.sh first." >&2
    exit 3
fi

exists() { docker image inspect "$1" >/dev/null 2>&1; }
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
standin_of() { label_of "$1" "$LABEL_KEY"; }
size_of() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%d MB", $1/1000/1000}'; }

if [ "$MODE" = remove ]; then
    for ref in "${REFS[@]}"; do
        if exists "$ref" && [ -n "$(standin_of "$ref")" ]; then
            docker image rm "$ref" >/dev/null
            say "$ref: stand-in removed."
        elif exists "$ref"; then
            say "$ref: a real image, kept."
        fi
    done
    exit 0
fi

WORK="$(mktemp -d /tmp/graders-offline-bases.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
declare -A SEEN=()
REPLACED=()

ensure_mmdebstrap() {
    command -v mmdebstrap >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        die "mmdebstrap is missing and installing it needs root and apt-get (Debian-like system)."
    fi
    say "installing mmdebstrap (apt-get) ..."
    apt-get update -qq || die "apt-get update failed."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null \
        || die "apt-get install mmdebstrap failed."
}

# The mmdebstrap customize hook shared by every stand-in: the host CA bundle.
write_ca_hook() {
    cat >"$WORK/hook-ca.sh" <<EOF
#!/bin/sh
set -e
mkdir -p "\$1/etc/ssl/certs" "\$1/usr/local/share/ca-certificates"
cp "$HOST_CA" "\$1$CA_IN_IMAGE"
cp "$HOST_CA" "\$1/usr/local/share/ca-certificates/graders-host-ca-bundle.crt"
chmod 644 "\$1$CA_IN_IMAGE" "\$1/usr/local/share/ca-certificates/graders-host-ca-bundle.crt"
rm -rf "\$1/root/.cache"
EOF
    chmod +x "$WORK/hook-ca.sh"
}

# What makes Debian's python3 behave like the official python images' one.
write_python_hook() {
    cat >"$WORK/hook-python.sh" <<EOF
#!/bin/sh
set -e
root="\$1"
rm -f "\$root"/usr/lib/python3*/EXTERNALLY-MANAGED
[ -e "\$root/usr/bin/pip" ] || ln -s pip3 "\$root/usr/bin/pip"
for lib in "\$root"/usr/lib/python3.*; do
    [ -f "\$lib/os.py" ] || continue
    v="\${lib##*/}"
    cp "$COMPAT_MODULE" "\$lib/graders_pypi_compat.py"
    chmod 644 "\$lib/graders_pypi_compat.py"
    # Debian's sitecustomize lives in /etc (linked from the stdlib dir); venvs see it too.
    target="\$lib/sitecustomize.py"
    [ -e "\$root/etc/\$v/sitecustomize.py" ] && target="\$root/etc/\$v/sitecustomize.py"
    grep -q graders_pypi_compat "\$target" 2>/dev/null || cat >>"\$target" <<'PY'

# Offline stand-in of the graders harness: poetry against PyPI mirrors without the JSON API.
try:
    import graders_pypi_compat  # noqa: F401
except Exception:
    pass
PY
done
EOF
    chmod +x "$WORK/hook-python.sh"
}

# mmdebstrap ... | docker import: $1 = image ref, $2 = note, $3 = CMD (JSON), $4 = packages (comma list),
# further arguments = extra mmdebstrap options.
import_rootfs() {
    local ref="$1" note="$2" cmd="$3" include="$4"
    shift 4
    local opts=(--variant=minbase --quiet
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
        --customize-hook="$WORK/hook-ca.sh \"\$1\"")
    [ -n "$include" ] && opts+=(--include="$include")
    opts+=("$@")
    local start=$SECONDS
    mmdebstrap "${opts[@]}" "$SUITE" "$WORK/rootfs.tar" "$MIRROR" >"$WORK/mmdebstrap.log" 2>&1 \
        || { tail -n 30 "$WORK/mmdebstrap.log" >&2; die "mmdebstrap failed for $ref (log above)."; }
    docker import \
        --change "LABEL $LABEL_KEY=$ref" \
        --change "LABEL $LABEL_KEY.note=\"$note\"" \
        --change "LABEL $LABEL_KEY.recipe=$RECIPE" \
        --change "LABEL $LABEL_KEY.ca-sha256=$CA_SHA" \
        --change "ENV PATH=$STANDIN_PATH" \
        --change "ENV LANG=C.UTF-8" \
        --change "ENV SSL_CERT_FILE=$CA_IN_IMAGE" \
        --change "ENV REQUESTS_CA_BUNDLE=$CA_IN_IMAGE" \
        --change "ENV PIP_CERT=$CA_IN_IMAGE" \
        --change "CMD $cmd" \
        --message "graders offline stand-in for $ref" \
        "$WORK/rootfs.tar" "$ref" >/dev/null
    rm -f "$WORK/rootfs.tar"
    say "$ref: stand-in built from Debian $SUITE in $((SECONDS - start)) s ($(size_of "$ref"))."
}

# docker build FROM another image with a Dockerfile on stdin (no context): $1 = ref, stdin = body.
derive() {
    local ref="$1" start=$SECONDS
    { cat; echo "LABEL $LABEL_KEY=$ref $LABEL_KEY.recipe=$RECIPE $LABEL_KEY.ca-sha256=$CA_SHA"; } >"$WORK/Dockerfile.derive"
    docker build --force-rm -t "$ref" - <"$WORK/Dockerfile.derive" >"$WORK/build.log" 2>&1 \
        || { tail -n 30 "$WORK/build.log" >&2; die "docker build failed for $ref (log above)."; }
    say "$ref: stand-in derived in $((SECONDS - start)) s ($(size_of "$ref"))."
}

build_standin() {
    local ref="$1"
    case "$ref" in
        ubuntu:20.04)
            ensure_mmdebstrap
            import_rootfs "$ref" "Debian $SUITE minbase (apt-based), not Ubuntu 20.04: a graders offline stand-in" \
                '["bash"]' ""
            ;;
        python:3.8.12-slim)
            ensure_mmdebstrap
            write_python_hook
            import_rootfs "$ref" "Debian $SUITE minbase with Debian's python3 (3.11), not python 3.8: a graders offline stand-in" \
                '["python3"]' "ca-certificates,python3,python3-pip,python3-venv,python-is-python3" \
                --dpkgopt='path-exclude=/usr/lib/python3*/EXTERNALLY-MANAGED' \
                --customize-hook="$WORK/hook-python.sh \"\$1\""
            ;;
        python:3.8.12)
            ensure_ref python:3.8.12-slim
            derive "$ref" <<EOF
FROM python:3.8.12-slim
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      build-essential python3-dev git curl wget procps openssh-client xz-utils bzip2 unzip \\
      libffi-dev libssl-dev zlib1g-dev \\
 && rm -rf /var/lib/apt/lists/* /root/.cache
LABEL $LABEL_KEY.note="Debian $SUITE with Debian's python3 (3.11) and build tools, not python 3.8: a graders offline stand-in"
EOF
            ;;
        python:3.8.14-slim | python:3.8.14)
            local from="${ref/3.8.14/3.8.12}"
            ensure_ref "$from"
            derive "$ref" <<<"FROM $from"
            ;;
        *) die "no stand-in recipe for $ref" ;;
    esac
}

ensure_ref() {
    local ref="$1"
    [ -n "${SEEN[$ref]:-}" ] && return 0
    SEEN[$ref]=1
    local label rebuild=""
    label="$(standin_of "$ref")"
    if [ -n "$label" ]; then
        if [ "$MODE" = force ]; then
            rebuild="--force"
        elif [ "$(label_of "$ref" "$LABEL_KEY.recipe")" != "$RECIPE" ]; then
            rebuild="made by another recipe of this script"
        elif [ "$(label_of "$ref" "$LABEL_KEY.ca-sha256")" != "$CA_SHA" ]; then
            rebuild="the host CA bundle changed"
        fi
    fi
    if exists "$ref" && [ -z "$rebuild" ]; then
        if [ -n "$label" ]; then
            say "$ref: present (stand-in), skipped."
        else
            say "$ref: present, skipped."
        fi
        return 0
    fi
    if [ -n "$rebuild" ]; then
        say "$ref: rebuilding the stand-in ($rebuild) ..."
        REPLACED+=("$(docker image inspect --format '{{.Id}}' "$ref")")
    else
        say "$ref: not present; trying docker pull (at most ${PULL_TIMEOUT}s) ..."
        if timeout "$PULL_TIMEOUT" docker pull -q "$ref" >"$WORK/pull.log" 2>&1; then
            say "$ref: pulled."
            return 0
        fi
        say "$ref: pull failed ($(tail -n 1 "$WORK/pull.log" | cut -c1-160)); building a stand-in ..."
    fi
    build_standin "$ref"
}

[ -r "$HOST_CA" ] || die "host CA bundle $HOST_CA is not readable (set GRADERS_HOST_CA)."
CA_SHA="$(sha256sum "$HOST_CA" | cut -c1-64)"
[ -r "$COMPAT_MODULE" ] || die "$COMPAT_MODULE is missing."
write_ca_hook
start=$SECONDS
for ref in "${REFS[@]}"; do
    ensure_ref "$ref"
done
# The stand-ins that --force replaced are untagged now: remove them, unless other images use them.
# Children first: a derived stand-in holds its parent.
for ((i = ${#REPLACED[@]} - 1; i >= 0; i--)); do
    docker image rm "${REPLACED[i]}" >/dev/null 2>&1 || say "kept the replaced image ${REPLACED[i]} (other images use it)."
done
say "done in $((SECONDS - start)) s:"
for ref in "${REFS[@]}"; do
    label="$(standin_of "$ref")"
    printf '  %-20s %-9s %s\n' "$ref" "$(size_of "$ref")" "${label:+stand-in (graders.standin=$label)}"
done
