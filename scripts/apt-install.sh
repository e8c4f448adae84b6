# Sourced by the set-up scripts.
# apt-get install without letting the packages start their services (policy-rc.d, as in Docker
# images): the scripts start what they need themselves, on their own terms.
apt_install() {
    local created="" rc=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
    if [ -n "$created" ]; then rm -f /usr/sbin/policy-rc.d; fi
    return "$rc"
}
