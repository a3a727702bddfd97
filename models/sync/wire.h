// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "util/result.h"

#include <QJsonObject>
#include <QUrl>

namespace sitrep::sync {

/// An event as the REST contract carries it (resources/api/sitrep.yaml, schema Event).
QJsonObject eventToWire(const domain::Event &e, const QString &origin);
Result<domain::Event> eventFromWire(const QJsonObject &o);

/// A page of GET /api/changes, checked against the contract: `events` an array, `cursor` a
/// string, `more` a boolean (and `total` an integer when given); anything else is an error, so
/// a garbled answer is never taken for an empty page. An item of `events` that is not a valid
/// event is left out with a warning (counted in `invalid`): one bad event must not wedge the
/// feed for everything after it.
struct ChangePage {
    QList<domain::Event> events;
    qsizetype received = 0; // items in `events`, valid or not
    qsizetype invalid = 0;
    QString cursor;
    bool more = false;
    qint64 total = -1; // -1: not given
};
Result<ChangePage> changePageFromWire(const QJsonObject &o);

/// One event's result in the answer to a batch append (POST /api/events).
struct AppendResult {
    QString id;
    QString status; // accepted | duplicate | refused
    int code = 0;   // refused: 403, 404, 409 or 422
    QString error;
};
/// The answer to a batch append of `ids`, checked against the contract: one result per
/// event in request order with a known status, the counts, and valid added events.
struct BatchAnswer {
    QList<AppendResult> results;
    QList<domain::Event> events; // added by the back end (incident.renumbered)
};
Result<BatchAnswer> batchAnswerFromWire(const QJsonObject &o, const QStringList &ids);

/// Back-end endpoints must use https unless they are on this machine (loopback).
Status checkEndpoint(const QUrl &url);

} // namespace sitrep::sync
