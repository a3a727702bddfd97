// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sitrep::triage {

/// The fields triage suggests, in display order.
inline const QStringList &suggestedFields()
{
    static const QStringList f{QStringLiteral("category"), QStringLiteral("subcategory"),
                               QStringLiteral("priority"), QStringLiteral("assignment_group")};
    return f;
}

/// Timeline event kinds (payloads documented on TriageResult::eventPayload and FieldFeedback).
inline const QString SuggestedKind = QStringLiteral("triage.suggested");
inline const QString AcceptedKind = QStringLiteral("triage.accepted");
inline const QString RejectedKind = QStringLiteral("triage.rejected");

/// The text and context the classifier reads from an incident.
struct TriageInput {
    QString title;
    QString description;
    QStringList services;
    QStringList alerts;
    QString severity; // critical | high | medium | low | ""
    QString impact;
    QString urgency;

    static TriageInput fromIncident(const domain::Incident &incident);
};

/// One suggested value with its calibrated probability.
struct FieldSuggestion {
    QString value;
    double confidence = 0;
};

/// A knowledge-base article that matches an incident.
struct ArticleMatch {
    QString id; // resolution:INC0000001, KE0000001, runbook:slow-query, md:network/dns.md
    QString title;
    QString source;       // resolution | known_error | runbook | markdown
    QString location;     // file path for runbooks and Markdown articles, else empty
    double relevance = 0; // cosine similarity, 0..1
};

/// What triage suggests for one incident (seed 000's ai_triage_result).
struct TriageResult {
    QString incidentUid;
    QString number;
    QHash<QString, FieldSuggestion> fields; // keys from suggestedFields(); absent = no suggestion
    QList<ArticleMatch> articles;           // best first, at most three
    QString suggestedResolution;
    QString modelVersion; // "local-v3", or what a remote provider reports

    /// Overall confidence: the category's.
    double confidence() const { return fields.value(QStringLiteral("category")).confidence; }

    /// Payload of the `triage.suggested` event: {"category","subcategory","priority",
    /// "assignment_group","confidence","confidences":{field:conf},"articles":[{"id","title",
    /// "relevance","source"}],"suggested_resolution","model_version"}.
    QJsonObject eventPayload() const;
    /// Seed 000's shape: {"ai_triage_result": {"category_suggestion", ..., "kb_articles", ...}}.
    QJsonObject aiTriageResult() const;
    /// Reads either shape above (what a remote provider answers, or a recorded event).
    static Result<TriageResult> fromJson(const QJsonObject &json);
};

/// The incident as the remote provider receives it.
QJsonObject incidentRequestJson(const domain::Incident &incident);

} // namespace sitrep::triage
