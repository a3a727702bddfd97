#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks a systemd unit of packaging/ (sitrep-server.service, sitrep-agent.service) with
# systemd-analyze verify: the unit must parse without a single warning. The path of the
# program it starts (/usr/bin/NAME, NAME the binary's file name) points at the built one, and
# the manual page is not looked up (it is installed by the package, not here).
#   check_unit.sh UNIT BINARY SYSTEMD_ANALYZE
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unit=$(basename "$1")
name=$(basename "$2")
sed "s#/usr/bin/$name #$2 #g" "$1" > "$dir/$unit"
out=$("$3" verify --man=no "$dir/$unit" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
    echo "systemd-analyze verify reported:"
    echo "$out"
    exit 1
fi
echo "$unit: verified"
