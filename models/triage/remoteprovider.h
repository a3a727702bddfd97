// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "triage/triageresult.h"
#include "util/result.h"

#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace sitrep::triage {

/// A triage provider over HTTP: POSTs the incident as JSON (incidentRequestJson) to a
/// configured URL and reads the answer in either TriageResult::fromJson shape. The URL
/// must be https unless it is on this machine. Optional: the local model is the default.
class RemoteProvider final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteProvider)
public:
    using Callback = std::function<void(Result<TriageResult>)>;

    explicit RemoteProvider(QUrl url, int timeoutMs = 10000, QObject *parent = nullptr);

    /// Checks the URL (scheme, loopback rule, no credentials in it).
    static Status checkUrl(const QUrl &url);
    /// Asks for a suggestion; `done` runs on this object's thread, exactly once.
    void suggest(const domain::Incident &incident, Callback done);

private:
    QUrl m_url;
    int m_timeoutMs;
    QNetworkAccessManager *m_nam;
};

} // namespace sitrep::triage
