// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

namespace sitrep::host {
class AppContext;
}

namespace sitrep::cli {

/// `sitrep serve [--listen ADDR:PORT] [--token-file FILE] [--db PATH] ...`: the headless
/// webhook listener. Runs until the process is stopped.
int runServe(const QStringList &args);

/// The listener inside the GUI: started when SITREP_INGEST_TOKEN is set (the keychain-held
/// token replaces it with the secrets work), on SITREP_INGEST_LISTEN (default
/// 127.0.0.1:9095). Returns the owner of the pipeline and server (keep it alive while the
/// window runs), or null when not configured or when it cannot listen (said on stderr).
std::unique_ptr<QObject> startEmbeddedIngest(host::AppContext &ctx);

} // namespace sitrep::cli
