#!/usr/bin/env bash
# What `make test` needs beyond the venv and the Docker engine, installed where missing on a root Debian machine:
# chromium (the dashboard's browser test), docker-registry (the real-registry push tests) and shellcheck (the
# workflow files' run scripts). Elsewhere it says what is missing, and the tests that need it say so too.
set -euo pipefail

# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

declare -A package_of=([chromium]=chromium [docker-registry]=docker-registry [shellcheck]=shellcheck)
missing=()
for program in "${!package_of[@]}"; do
    command -v "$program" >/dev/null || missing+=("${package_of[$program]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-tools: missing ${missing[*]} (install them with apt-get as root); the tests that need them will say so."
    exit 0
fi
echo "test-tools: installing ${missing[*]} ..."
apt-get update -qq && apt_install "${missing[@]}" \
    || echo "test-tools: could not install ${missing[*]}; the tests that need them will say so."
