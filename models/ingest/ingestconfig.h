// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace sitrep::ingest {

/// Correlation and normalization settings (resources/config/ingest.yaml, or a file given
/// with --ingest-config). Everything has a default, so an empty file is valid.
struct IngestConfig {
    /// Alert fields or label names whose values form the grouping key. Fields: alertname,
    /// service, host, source, severity; anything else is looked up in the labels.
    QStringList groupBy{QStringLiteral("alertname"), QStringLiteral("service")};
    qint64 windowMs = 5 * 60 * 1000; // a group takes new alerts this long after its last one
    int threshold = 1;               // distinct firing alerts before a group opens an incident
    qint64 flapWindowMs = 10 * 60 * 1000;
    int flapMaxChanges = 4; // status changes inside flapWindow before damping starts
    /// Labels tried in order for Alert::service and Alert::host.
    QStringList serviceLabels{QStringLiteral("service"), QStringLiteral("app"),
                              QStringLiteral("job"), QStringLiteral("component")};
    QStringList hostLabels{QStringLiteral("instance"), QStringLiteral("host"),
                           QStringLiteral("hostname"), QStringLiteral("node"),
                           QStringLiteral("pod")};
    /// Per source: lower-case source severity -> Sitrep severity. Key "*" is the fallback.
    QHash<QString, QHash<QString, domain::Severity>> severityMap;
    /// Used by the workflow's all_alerts_resolved "transition" mode: the transition's note
    /// and resolution note, and the root-cause category its resolution guard asks for
    /// (empty: a resolution guard blocks the automatic transition; a suggestion is recorded).
    QString allResolvedNote = QStringLiteral("all alerts resolved");
    QString allResolvedRootCause = QStringLiteral("pending review (resolved automatically)");

    /// Built-in defaults: resources/config/ingest.yaml as compiled in.
    static IngestConfig defaults();
    /// Reads YAML (see resources/config/ingest.yaml); errors name the file and line.
    static Result<IngestConfig> fromYaml(const QByteArray &text, const QString &sourceName);
    static Result<IngestConfig> load(const QString &path);

    /// Maps a source's severity word; Unknown when neither it nor "*" is mapped.
    domain::Severity severityFor(const QString &source, const QString &raw) const;
};

} // namespace sitrep::ingest
