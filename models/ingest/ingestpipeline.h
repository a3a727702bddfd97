// SPDX-License-Identifier: MIT
#pragma once

#include "engine/lifecycleengine.h"
#include "ingest/alert.h"
#include "ingest/correlator.h"
#include "ingest/ingestconfig.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

namespace sitrep::ingest {

/// What one ingest call did. Returned only after its transaction committed.
struct IngestResult {
    int received = 0;         // alerts (or generic events) in the body
    int opened = 0;           // incidents opened
    int attached = 0;         // alerts linked to an incident (new ones and attachments)
    int deduplicated = 0;     // repeats of an alert already known in the same status
    int resolved = 0;         // alerts that turned resolved
    int pending = 0;          // alerts held in a group below the open threshold
    int suppressed = 0;       // status changes swallowed by flap damping
    int ignored = 0;          // e.g. a resolution for an alert never seen firing
    QStringList incidents;    // numbers of the incidents touched
    QStringList eventIds;     // events appended
    QStringList fingerprints; // of the alerts in the body (PagerDuty answers with its dedup_key)
    QStringList messages;     // notes for the caller, e.g. a resolution policy a guard blocked
    QJsonObject toJson() const;
    /// Adds what a later call did (a big body committed in slices answers as one).
    void add(const IngestResult &later);
};

/// Error codes an ingest failure carries in Error::code; the listener maps them to HTTP.
namespace errors {
inline const QString Invalid = QStringLiteral("invalid"); // 400: malformed or missing fields
inline const QString UnknownSource = QStringLiteral("unknown_source"); // 404
inline const QString NotFound =
    QStringLiteral("not_found"); // 404: incident/alert named by a generic event
inline const QString Conflict = QStringLiteral("conflict"); // 409: a guard or transition refused it
inline const QString Database = QStringLiteral("db");       // 503: could not commit; retry later
inline const QString Forbidden =
    QStringLiteral("forbidden"); // 403: an action only a person may take (an approval)
} // namespace errors

/// The one entry point for alerts from outside (webhook listener, SQS consumer, imports):
/// normalizes the body of `source`, correlates the alerts (dedup, grouping, threshold, flap
/// damping, resolution policy) and runs the resulting engine commands. Returns only after
/// everything it accepted is committed; on failure nothing is stored.
///
/// Not thread-safe: call it from the thread that owns the engine and its store.
class IngestPipeline final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IngestPipeline)
public:
    IngestPipeline(engine::LifecycleEngine &engine, IngestConfig config = IngestConfig::defaults(),
                   QObject *parent = nullptr);
    ~IngestPipeline() override;

    /// The sources ingest() accepts: alertmanager, pagerduty, sentry, grafana, datadog, generic.
    static QStringList sources();

    /// `source`: one of sources(). `body`: the request body as received (JSON).
    /// `headers`: request headers with lower-case names (e.g. "sentry-hook-resource");
    /// may be empty. Error codes: see sitrep::ingest::errors.
    Result<IngestResult> ingest(const QString &source, const QByteArray &body,
                                const QHash<QByteArray, QByteArray> &headers = {});

    /// Correlates and commits alerts that are already normalized.
    Result<IngestResult> ingestAlerts(const QList<Alert> &alerts);

    const IngestConfig &config() const { return m_config; }
    engine::LifecycleEngine &engine() { return m_engine; }

Q_SIGNALS:
    /// After a commit that changed something.
    void ingested(const sitrep::ingest::IngestResult &result);

private:
    struct HookSlot;
    static QSet<QString> openedIn(const Correlator::Plan &plan, const QList<domain::Event> &events);
    Result<IngestResult> ingestGeneric(const QByteArray &body);
    Result<IngestResult> runCommands(const QList<engine::Command> &commands, IngestResult result);

    engine::LifecycleEngine &m_engine;
    IngestConfig m_config;
    std::unique_ptr<Correlator> m_correlator;
    std::shared_ptr<HookSlot> m_slot; // what the engine's commit hook writes, while a batch runs
};

} // namespace sitrep::ingest
