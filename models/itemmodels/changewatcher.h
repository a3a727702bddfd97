// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::itemmodels {

/// Notices new events, whether this process's engine wrote them or another process (the
/// command line, an ingest daemon) did: it listens to eventsAppended and polls the
/// database's data_version, then reads only the events after the last one it saw.
class ChangeWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeWatcher)
public:
    explicit ChangeWatcher(engine::LifecycleEngine &engine, int pollMs = 400,
                           QObject *parent = nullptr);

    qint64 lastSeq() const { return m_lastSeq; }
    /// Checks now (also done by the timer).
    void poll();

Q_SIGNALS:
    /// New events in log order and the incidents they touched.
    void eventsArrived(const QList<domain::Event> &events, const QSet<QString> &incidentUids);

private:
    engine::LifecycleEngine &m_engine;
    QTimer m_timer;
    qint64 m_lastSeq = 0;
    qint64 m_dataVersion = -1;
};

} // namespace sitrep::itemmodels
