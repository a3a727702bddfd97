// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QStringList>

namespace sitrep::cli {

class CliSession;

/// `sitrep sync [--once]`: the sync loop without a window.
int runSync(CliSession &s);
/// `sitrep config set KEY VALUE | get KEY | list`: per-database settings (never secrets).
int runConfig(CliSession &s);
/// `sitrep secret set NAME` (value from stdin) | `delete NAME` | `check NAME`: the keychain.
int runSecret(CliSession &s);
/// The back end's token: $SITREP_BACKEND_TOKEN, a token file (read, never copied), or the
/// keychain; empty when none is stored.
Result<QString> resolveToken(const QString &tokenFile);

} // namespace sitrep::cli
