#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks packaging/sitrep-server.service with systemd-analyze verify: the unit must parse
# without a single warning. The binary path points at the built sitrep-server, and the
# manual page is not looked up (it is installed by the package, not here).
#   check_unit.sh UNIT SITREP_SERVER_BINARY SYSTEMD_ANALYZE
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/bin/sitrep-server#$2#g" "$1" > "$dir/sitrep-server.service"
out=$("$3" verify --man=no "$dir/sitrep-server.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
    echo "systemd-analyze verify reported:"
    echo "$out"
    exit 1
fi
echo "sitrep-server.service: verified"
