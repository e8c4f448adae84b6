#!/usr/bin/env bash
# Offline stand-ins for the exercises' base images. `make offline-bases` runs it with every exercise's
# [offline_bases] table (`python -m graders exercises --offline-bases` prints them as REF=RECIPE lines).
#
#   scripts/offline-bases.sh REF=RECIPE ...            ensure every REF exists locally
#   scripts/offline-bases.sh --force REF=RECIPE ...    rebuild their stand-ins (never touches a real, pulled image)
#   scripts/offline-bases.sh --remove REF=RECIPE ...   untag their stand-ins (images labelled graders.standin),
#                                                      then the recipe images nothing is derived from any more
#   e.g. scripts/offline-bases.sh ubuntu:20.04=debian python:3.8.12-slim=python-slim python:3.8.12=python
# Without a REF=RECIPE argument it does nothing (and says so). An unknown RECIPE is a bad argument.
#
# For each REF: present locally -> skip; else `docker pull` (bounded by GRADERS_PULL_TIMEOUT, default 20 s);
# if that fails -> a stand-in made by RECIPE, tagged REF so that `FROM REF` builds unchanged. The recipes:
#   debian       Debian minbase (mmdebstrap --variant=minbase | docker import), apt-based (for ubuntu:20.04)
#   python-slim  Debian minbase with Debian's python3 and pip (below)            (for python:3.8.12-slim)
#   python       python-slim plus build-essential, python3-dev, git, curl, wget and more in an extra layer,
#                like the real buildpack-deps based python:3.8.12, so it is clearly the larger one
# Each recipe is built once, as the internal image graders-standin/<recipe>:recipe-<RECIPE below>; it is
# labelled graders.standin.recipe-name=<recipe> but never graders.standin, so the harness never takes it for
# a base. Each REF is its recipe image plus the REF's labels (FROM it + LABEL, no new layer): a new REF of a
# recipe already built takes seconds.
#
# Every stand-in carries:
#   LABEL graders.standin=<REF>, graders.standin.note=<what it really is>,
#         graders.standin.recipe=<RECIPE below>, graders.standin.ca-sha256=<sha256 of the CA bundle>,
#         graders.standin.recipe-name=<its recipe>, graders.standin.recipe-image=<its recipe image's id>
#         (a stand-in whose RECIPE, CA bundle, recipe or recipe image differs is rebuilt by itself; so is a
#         recipe image whose CA bundle differs; recipe images of another RECIPE are removed once unused)
#   the host CA bundle at /etc/ssl/certs/ca-certificates.crt (TLS-inspecting proxies), also in
#   /usr/local/share/ca-certificates/ so that update-ca-certificates keeps it
#   ENV SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT (that bundle) and PATH
# The python stand-ins run Debian's python3 (bookworm: 3.11, whatever version REF names) with pip (a `pip`
# command; EXTERNALLY-MANAGED removed and kept out by a dpkg path-exclude, as in the official images), venv,
# `python` -> python3, LANG=C.UTF-8, CMD ["python3"], and scripts/standin/graders_pypi_compat.py
# (poetry against PyPI mirrors that lack the per-release JSON API).
#
# Environment: GRADERS_PULL_TIMEOUT (20), GRADERS_DEBIAN_MIRROR (http://deb.debian.org/debian),
# GRADERS_DEBIAN_SUITE (bookworm), GRADERS_HOST_CA (/etc/ssl/certs/ca-certificates.crt).
# Exit codes: 0 every image exists (or was removed); 1 a step failed; 2 bad arguments; 3 no Docker engine answers.
set -euo pipefail

PULL_TIMEOUT="${GRADERS_PULL_TIMEOUT:-20}"
MIRROR="${GRADERS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${GRADERS_DEBIAN_SUITE:-bookworm}"
HOST_CA="${GRADERS_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPAT_MODULE="$HERE/standin/graders_pypi_compat.py"

LABEL_KEY="graders.standin"
# Bump when the stand-ins' contents or layout change: existing stand-ins of another recipe are rebuilt.
# 2: one internal image per recipe (graders-standin/<recipe>:recipe-2), each REF derived from it.
RECIPE=2
RECIPES=(debian python-slim python)
RECIPE_REPO="graders-standin"
STANDIN_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CA_IN_IMAGE="/etc/ssl/certs/ca-certificates.crt"

say() { echo "offline-bases: $*"; }
die() { echo "offline-bases: error: $*" >&2; exit 1; }
usage() {
    [ $# -eq 0 ] || echo "offline-bases: error: $*" >&2
    echo "usage: $0 [--force|--remove] REF=RECIPE ...   (RECIPE: ${RECIPES[*]}; --help for more)" >&2
    exit 2
}

MODE=ensure
REFS=()
declare -A RECIPE_OF=()
for arg in "$@"; do
    case "$arg" in
        --force | --remove)
            [ "$MODE" = ensure ] || usage "give at most one of --force and --remove"
            MODE="${arg#--}"
            ;;
        -h | --help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
        -*) usage "unknown option $arg" ;;
        *=*)
            ref="${arg%%=*}" recipe="${arg#*=}"
            [[ "$ref" =~ ^[A-Za-z0-9][A-Za-z0-9._/:-]*$ ]] || usage "'$ref' (in $arg) is not an image name[:tag]"
            [[ " ${RECIPES[*]} " == *" $recipe "* ]] \
                || usage "unknown recipe '$recipe' for $ref (the recipes: ${RECIPES[*]})"
            if [ -z "${RECIPE_OF[$ref]:-}" ]; then
                RECIPE_OF[$ref]="$recipe"
                REFS+=("$ref")
            elif [ "${RECIPE_OF[$ref]}" != "$recipe" ]; then
                usage "$ref is given twice, with the recipes ${RECIPE_OF[$ref]} and $recipe"
            fi
            ;;
        *) usage "'$arg' is not REF=RECIPE" ;;
    esac
done

if [ ${#REFS[@]} -eq 0 ]; then
    say "no base image given (REF=RECIPE ...), nothing to do."
    exit 0
fi

if ! timeout 15 docker info >/dev/null 2>&1; then
    echo "offline-bases: no Docker engine answers (${DOCKER_HOST:-unix:///var/run/docker.sock}); run scripts/docker-engine.sh first." >&2
    exit 3
fi

exists() { docker image inspect "$1" >/dev/null 2>&1; }
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
standin_of() { label_of "$1" "$LABEL_KEY"; }
id_of() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
size_of() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%d MB", $1/1000/1000}'; }
recipe_image() { echo "$RECIPE_REPO/$1:recipe-$RECIPE"; }
# Images (tagged or not) made FROM the image $1, as the recipe-image label tells: stand-ins, the python recipe
# image, and whatever was built on them.
dependents_of() { docker images -a -q --filter "label=$LABEL_KEY.recipe-image=$1"; }

# Remove the recipe images nothing is derived from any more: in --remove mode all of them, else only those of
# another RECIPE. The python one first (it holds python-slim's), hence the rounds.
prune_recipe_images() {
    local progress=1 image id
    while [ "$progress" -eq 1 ]; do
        progress=0
        while read -r image; do
            [ -n "$image" ] || continue
            [ "$MODE" = remove ] || [ "${image##*:}" != "recipe-$RECIPE" ] || continue
            id="$(id_of "$image")"
            if [ -z "$id" ] || [ -n "$(dependents_of "$id")" ]; then continue; fi
            docker image rm "$image" >/dev/null 2>&1 || continue
            say "$image: recipe image removed (nothing is derived from it any more)."
            progress=1
        done < <(docker images --filter "reference=$RECIPE_REPO/*" --filter "label=$LABEL_KEY.recipe-name" \
            --format '{{.Repository}}:{{.Tag}}')
    done
}

if [ "$MODE" = remove ]; then
    for ref in "${REFS[@]}"; do
        if exists "$ref" && [ -n "$(standin_of "$ref")" ]; then
            docker image rm "$ref" >/dev/null
            say "$ref: stand-in removed."
        elif exists "$ref"; then
            say "$ref: a real image, kept."
        else
            say "$ref: not present."
        fi
    done
    prune_recipe_images
    exit 0
fi

WORK="$(mktemp -d /tmp/graders-offline-bases.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
declare -A SEEN=() SEEN_RECIPE=()
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

# The mmdebstrap customize hook shared by every recipe: the host CA bundle.
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

# What makes Debian's python3 behave like the official python images' one; writes its version to
# $WORK/python-version (for the note).
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
    echo "\${v#python}" >"$WORK/python-version"
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

# The labels of a recipe image ($1 = recipe, $2 = what it is); derived images inherit them.
recipe_labels() {
    echo "$LABEL_KEY.recipe-name=$1 $LABEL_KEY.recipe=$RECIPE $LABEL_KEY.ca-sha256=$CA_SHA $LABEL_KEY.note=\"$2\""
}

# mmdebstrap ... | docker import: $1 = recipe, $2 = what it is (the note), $3 = CMD (JSON), $4 = packages
# (comma list), further arguments = extra mmdebstrap options. @PYTHON@ in the note: python3's version.
import_rootfs() {
    local recipe="$1" note="$2" cmd="$3" include="$4" image
    shift 4
    image="$(recipe_image "$recipe")"
    local opts=(--variant=minbase --quiet
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
        --customize-hook="$WORK/hook-ca.sh \"\$1\"")
    [ -n "$include" ] && opts+=(--include="$include")
    opts+=("$@")
    local start=$SECONDS
    say "recipe $recipe: building the root file system (mmdebstrap, Debian $SUITE) ..."
    mmdebstrap "${opts[@]}" "$SUITE" "$WORK/rootfs.tar" "$MIRROR" >"$WORK/mmdebstrap.log" 2>&1 \
        || { tail -n 30 "$WORK/mmdebstrap.log" >&2; die "mmdebstrap failed for the recipe $recipe (log above)."; }
    # The python version is known only now (hook-python.sh wrote it).
    note="${note//@PYTHON@/$(cat "$WORK/python-version" 2>/dev/null || echo "?")}"
    docker import \
        --change "LABEL $(recipe_labels "$recipe" "$note")" \
        --change "ENV PATH=$STANDIN_PATH" \
        --change "ENV LANG=C.UTF-8" \
        --change "ENV SSL_CERT_FILE=$CA_IN_IMAGE" \
        --change "ENV REQUESTS_CA_BUNDLE=$CA_IN_IMAGE" \
        --change "ENV PIP_CERT=$CA_IN_IMAGE" \
        --change "CMD $cmd" \
        --message "graders offline stand-in recipe $recipe" \
        "$WORK/rootfs.tar" "$image" >/dev/null
    rm -f "$WORK/rootfs.tar"
    say "recipe $recipe: $image built from Debian $SUITE in $((SECONDS - start)) s ($(size_of "$image"))."
}

# docker build with a Dockerfile on stdin (no context): $1 = image, $2 = what it is, stdin = body.
build_image() {
    local image="$1" what="$2" start=$SECONDS
    cat >"$WORK/Dockerfile"
    docker build --force-rm -t "$image" - <"$WORK/Dockerfile" >"$WORK/build.log" 2>&1 \
        || { tail -n 30 "$WORK/build.log" >&2; die "docker build failed for $image (log above)."; }
    say "$what in $((SECONDS - start)) s ($(size_of "$image"))."
}

# A recipe image that is missing but still held by $2 (a stand-in or the python recipe image, by its
# recipe-image label): tag it again rather than build it anew.
adopt_recipe_image() {
    local recipe="$1" from="$2" image id
    image="$(recipe_image "$recipe")"
    exists "$image" && return 0
    id="$(label_of "$from" "$LABEL_KEY.recipe-image")"
    if [ -z "$id" ] || ! exists "$id" || [ -n "$(standin_of "$id")" ] \
        || [ "$(label_of "$id" "$LABEL_KEY.recipe-name")" != "$recipe" ] \
        || [ "$(label_of "$id" "$LABEL_KEY.recipe")" != "$RECIPE" ]; then
        return 0
    fi
    docker tag "$id" "$image"
    say "recipe $recipe: $image tagged again (the image $from is made from)."
}

# The recipe's image, built once per run at most (and only when missing, outdated or --force).
ensure_recipe() {
    local recipe="$1" image parent="" parent_id="" rebuild=""
    [ -n "${SEEN_RECIPE[$recipe]:-}" ] && return 0
    SEEN_RECIPE[$recipe]=1
    image="$(recipe_image "$recipe")"
    if [ "$recipe" = python ]; then
        parent="$(recipe_image python-slim)"
        exists "$image" && adopt_recipe_image python-slim "$image"
        ensure_recipe python-slim
        parent_id="$(id_of "$parent")"
    fi
    if exists "$image"; then
        if [ "$MODE" = force ]; then
            rebuild="--force"
        elif [ "$(label_of "$image" "$LABEL_KEY.recipe")" != "$RECIPE" ] \
            || [ "$(label_of "$image" "$LABEL_KEY.recipe-name")" != "$recipe" ]; then
            rebuild="not made by this script's recipe"
        elif [ "$(label_of "$image" "$LABEL_KEY.ca-sha256")" != "$CA_SHA" ]; then
            rebuild="the host CA bundle changed"
        elif [ -n "$parent" ] && [ "$(label_of "$image" "$LABEL_KEY.recipe-image")" != "$parent_id" ]; then
            rebuild="$parent was rebuilt"
        else
            return 0
        fi
        say "recipe $recipe: rebuilding $image ($rebuild) ..."
        REPLACED+=("$(id_of "$image")")
    fi
    case "$recipe" in
        debian)
            ensure_mmdebstrap
            import_rootfs debian "Debian $SUITE minbase (apt-based)" '["bash"]' ""
            ;;
        python-slim)
            ensure_mmdebstrap
            write_python_hook
            import_rootfs python-slim "Debian $SUITE minbase with Debian's python3 (@PYTHON@)" \
                '["python3"]' "ca-certificates,python3,python3-pip,python3-venv,python-is-python3" \
                --dpkgopt='path-exclude=/usr/lib/python3*/EXTERNALLY-MANAGED' \
                --customize-hook="$WORK/hook-python.sh \"\$1\""
            ;;
        python)
            local note
            note="$(label_of "$parent" "$LABEL_KEY.note") and build tools"
            say "recipe python: building $image (apt-get install in $parent) ..."
            build_image "$image" "recipe python: $image built" <<EOF
FROM $parent
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      build-essential python3-dev git curl wget procps openssh-client xz-utils bzip2 unzip \\
      libffi-dev libssl-dev zlib1g-dev \\
 && rm -rf /var/lib/apt/lists/* /root/.cache
LABEL $(recipe_labels python "${note/minbase /}") $LABEL_KEY.recipe-image=$parent_id
EOF
            ;;
    esac
}

# REF's stand-in: its recipe image plus REF's labels (no new layer).
derive() {
    local ref="$1" recipe="$2" image id note
    image="$(recipe_image "$recipe")"
    id="$(id_of "$image")"
    note="$(label_of "$image" "$LABEL_KEY.note"), not $ref: a graders offline stand-in"
    build_image "$ref" "$ref: stand-in derived from $image" <<EOF
FROM $image
LABEL $LABEL_KEY=$ref $LABEL_KEY.note="$note" $LABEL_KEY.recipe-image=$id
EOF
}

ensure_ref() {
    local ref="$1" recipe="$2" label rebuild=""
    [ -n "${SEEN[$ref]:-}" ] && return 0
    SEEN[$ref]=1
    label="$(standin_of "$ref")"
    if [ -n "$label" ]; then
        if [ "$MODE" = force ]; then
            rebuild="--force"
        elif [ "$(label_of "$ref" "$LABEL_KEY.recipe")" != "$RECIPE" ]; then
            rebuild="made by another recipe of this script"
        elif [ "$(label_of "$ref" "$LABEL_KEY.ca-sha256")" != "$CA_SHA" ]; then
            rebuild="the host CA bundle changed"
        elif [ "$(label_of "$ref" "$LABEL_KEY.recipe-name")" != "$recipe" ]; then
            rebuild="made by the recipe $(label_of "$ref" "$LABEL_KEY.recipe-name"), not $recipe"
        else
            adopt_recipe_image "$recipe" "$ref"
            ensure_recipe "$recipe"
            if [ "$(label_of "$ref" "$LABEL_KEY.recipe-image")" != "$(id_of "$(recipe_image "$recipe")")" ]; then
                rebuild="its recipe image was rebuilt"
            fi
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
        REPLACED+=("$(id_of "$ref")")
    else
        say "$ref: not present; trying docker pull (at most ${PULL_TIMEOUT}s) ..."
        if timeout "$PULL_TIMEOUT" docker pull -q "$ref" >"$WORK/pull.log" 2>&1; then
            say "$ref: pulled."
            return 0
        fi
        say "$ref: pull failed ($(tail -n 1 "$WORK/pull.log" | cut -c1-160)); building a stand-in ($recipe) ..."
    fi
    ensure_recipe "$recipe"
    derive "$ref" "$recipe"
}

[ -r "$HOST_CA" ] || die "host CA bundle $HOST_CA is not readable (set GRADERS_HOST_CA)."
CA_SHA="$(sha256sum "$HOST_CA" | cut -c1-64)"
[ -r "$COMPAT_MODULE" ] || die "$COMPAT_MODULE is missing."
write_ca_hook
start=$SECONDS
for ref in "${REFS[@]}"; do
    ensure_ref "$ref" "${RECIPE_OF[$ref]}"
done
# The images replaced are untagged now: remove them, unless other images use them. Children go first (a
# derived image holds its parent), hence the rounds; an image tagged again (a build cache hit) stays.
progress=1
while [ "$progress" -eq 1 ] && [ ${#REPLACED[@]} -gt 0 ]; do
    progress=0
    left=()
    for id in "${REPLACED[@]}"; do
        if ! exists "$id" || [ "$(docker image inspect --format '{{len .RepoTags}}' "$id")" != 0 ]; then
            progress=1
        elif docker image rm "$id" >/dev/null 2>&1; then
            progress=1
        else
            left+=("$id")
        fi
    done
    REPLACED=("${left[@]}")
done
for id in "${REPLACED[@]}"; do
    id="${id#sha256:}"
    say "kept the replaced image ${id:0:12} (other images are made from it)."
done
prune_recipe_images
say "done in $((SECONDS - start)) s:"
for ref in "${REFS[@]}"; do
    label="$(standin_of "$ref")"
    printf '  %-24s %-9s %s\n' "$ref" "$(size_of "$ref")" \
        "${label:+stand-in (graders.standin=$label, recipe ${RECIPE_OF[$ref]})}"
done
