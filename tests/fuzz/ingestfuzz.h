// SPDX-License-Identifier: MIT
// The bodies of the ingest fuzz targets, shared with tst_ingest_fuzzreplay (which runs the
// same entry points over seeds and random mutations in the regular build).
#pragma once

#include "http/httprequestparser.h"
#include "ingest/normalizer.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace sitrep::ingest::fuzz {
using http::HttpLimits;
using http::HttpRequest;
using http::HttpRequestParser;

inline void require(bool ok)
{
    if (!ok)
        abort();
}

/// Any body gives alerts or an error with a code; alerts always carry what the correlator
/// relies on (source, fingerprint, title within limits).
inline int normalizerInput(const QString &source, const uint8_t *data, size_t size)
{
    static const IngestConfig config = IngestConfig::defaults();
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    QHash<QByteArray, QByteArray> headers;
    if (source == u"sentry" && size > 0) {
        static const QByteArray kinds[] = {"", "event_alert", "issue", "metric_alert",
                                           "installation"};
        headers.insert("sentry-hook-resource", kinds[data[size - 1] % 5]);
    }
    if (source == u"generic") {
        auto g = normalizeGeneric(body, config);
        require(g.ok() || !g.error().code.isEmpty());
        if (g)
            require(genericEventTypes().contains(g->type) && !g->alert.fingerprint.isEmpty());
        return 0;
    }
    auto r = normalize(source, body, config, headers);
    if (!r) {
        require(!r.error().code.isEmpty() && !r.errorMessage().isEmpty());
        return 0;
    }
    for (const Alert &a : *r) {
        require(a.source == source);
        require(!a.fingerprint.isEmpty() && a.fingerprint.size() <= 256);
        require(!a.title.isEmpty() && a.title.size() <= 300);
        require(a.startsAt >= 0 && a.endsAt >= 0);
        const Alert back = Alert::fromJson(a.toJson());
        require(back.id() == a.id() && back.status == a.status);
    }
    return 0;
}

/// The request parser, fed in two pieces at a point the input chooses, then the pipelined
/// remainder: never a crash; a complete request honours the limits; errors carry a status.
inline int httpParserInput(const uint8_t *data, size_t size)
{
    HttpLimits limits;
    limits.maxBodyBytes = 64 * 1024;
    limits.maxHeaderBytes = 4096;
    HttpRequestParser p(limits);
    const QByteArray all(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype cut = size > 0 ? qsizetype(data[0]) * qsizetype(size) / 256 : 0;
    auto check = [&](HttpRequestParser::State s) {
        if (s == HttpRequestParser::State::Error)
            require(p.errorStatus() >= 400 && p.errorStatus() < 600 && !p.errorMessage().isEmpty());
        if (s == HttpRequestParser::State::Complete) {
            const HttpRequest &r = p.request();
            require(r.body.size() <= limits.maxBodyBytes);
            require(!r.method.isEmpty() && r.path.startsWith('/'));
            require(r.body.size() == r.headers.value("content-length", "0").toLongLong());
        }
    };
    check(p.feed(all.left(cut)));
    auto s = p.feed(all.mid(cut));
    check(s);
    for (int i = 0; i < 4 && s == HttpRequestParser::State::Complete; ++i) {
        const QByteArray rest = p.takeRemainder();
        p.reset();
        if (rest.isEmpty())
            break;
        s = p.feed(rest);
        check(s);
    }
    return 0;
}

} // namespace sitrep::ingest::fuzz
