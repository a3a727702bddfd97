// SPDX-License-Identifier: MIT
#pragma once

#include "triage/articleindex.h"
#include "triage/triagestore.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::triage {

/// What the window's triage panel reads and asks for, so the widget touches neither the
/// database nor the network: the newest suggestion on an incident's timeline, a
/// knowledge-base article, and a fresh suggestion computed off the GUI thread (the remote
/// provider when one is configured, else the local model on a read-only connection).
class TriageDesk final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriageDesk)
public:
    explicit TriageDesk(engine::LifecycleEngine &engine, QObject *parent = nullptr);

    std::optional<SuggestionState> latest(const QString &incidentUid);
    Result<KbDocument> article(const QString &id);

    using Done = std::function<void(const Result<TriageResult> &)>;
    /// Starts computing a suggestion for the incident; `done` runs on this object's thread,
    /// unless this object is gone by then. False when there is no such incident.
    bool suggest(const QString &incidentUid, Done done);

private:
    engine::LifecycleEngine &m_engine;
};

} // namespace sitrep::triage
