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

/// Back-end endpoints must use https unless they are on this machine (loopback).
Status checkEndpoint(const QUrl &url);

} // namespace sitrep::sync
