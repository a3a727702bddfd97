// SPDX-License-Identifier: MIT
#include "aws/sigv4.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMap>
#include <QMessageAuthenticationCode>

#include <algorithm>

namespace sitrep::aws {

namespace {

QByteArray hmac(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

QByteArray SigV4Signer::uriEncode(const QByteArray &utf8, bool keepSlash)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(utf8.size() * 3);
    for (const char c : utf8) {
        if (isUnreserved(c) || (keepSlash && c == '/')) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    return out;
}

QByteArray SigV4Signer::canonicalUri(const QByteArray &path, bool normalize)
{
    QByteArray p = path.isEmpty() ? QByteArrayLiteral("/") : path;
    if (normalize) {
        // RFC 3986 dot-segment removal plus collapsing empty segments ("//"), keeping a
        // trailing slash when the path had one.
        const bool trailing = p.endsWith('/') || p.endsWith("/.") || p.endsWith("/..");
        QList<QByteArray> out;
        for (const QByteArray &seg : p.split('/')) {
            if (seg.isEmpty() || seg == ".")
                continue;
            if (seg == "..") {
                if (!out.isEmpty())
                    out.removeLast();
                continue;
            }
            out << seg;
        }
        p = '/' + out.join('/');
        if (trailing && !out.isEmpty())
            p += '/';
    }
    return uriEncode(p, true);
}

QByteArray SigV4Signer::canonicalQuery(const QueryList &query)
{
    QList<QPair<QByteArray, QByteArray>> enc;
    enc.reserve(query.size());
    for (const auto &[k, v] : query)
        enc.append({uriEncode(k.toUtf8()), uriEncode(v.toUtf8())});
    std::sort(enc.begin(), enc.end());
    QByteArray out;
    for (const auto &[k, v] : enc) {
        if (!out.isEmpty())
            out += '&';
        out += k + '=' + v;
    }
    return out;
}

QByteArray SigV4Signer::canonicalHeaderValue(const QByteArray &value)
{
    return value.simplified();
}

QByteArray SigV4Signer::signingKey(const QString &secret, const QByteArray &date,
                                   const QString &region, const QString &service)
{
    const QByteArray kDate = hmac("AWS4" + secret.toUtf8(), date);
    const QByteArray kRegion = hmac(kDate, region.toUtf8());
    const QByteArray kService = hmac(kRegion, service.toUtf8());
    return hmac(kService, QByteArrayLiteral("aws4_request"));
}

QByteArray SigV4Signer::amzDate(qint64 timeMs)
{
    return QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC)
        .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))
        .toLatin1();
}

SigV4Signature SigV4Signer::sign(const SigV4Request &request, const AwsCredentials &credentials,
                                 const SigV4Options &options)
{
    SigV4Signature sig;
    sig.amzDate = amzDate(options.timeMs);
    const QByteArray date = sig.amzDate.left(8);
    sig.scope =
        date + '/' + options.region.toUtf8() + '/' + options.service.toUtf8() + "/aws4_request";

    // The headers to send: the request's own, X-Amz-Date set to the signing time, and the
    // session token where the service wants it signed.
    HeaderList headers = request.headers;
    bool haveDate = false;
    bool haveToken = false;
    for (auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        if (lower == "x-amz-date") {
            value = sig.amzDate;
            haveDate = true;
        } else if (lower == "x-amz-security-token") {
            haveToken = true;
        }
    }
    if (!haveDate)
        headers.append({QByteArrayLiteral("X-Amz-Date"), sig.amzDate});
    const bool tokenAfter =
        !credentials.sessionToken.isEmpty() && !haveToken && !options.signSessionToken;
    if (!credentials.sessionToken.isEmpty() && !haveToken && options.signSessionToken)
        headers.append(
            {QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken.toUtf8()});

    // Canonical headers: lower-case names in order, repeated values joined with commas in
    // the order they appear.
    QMap<QByteArray, QByteArray> canonical;
    for (const auto &[name, value] : std::as_const(headers)) {
        const QByteArray lower = name.trimmed().toLower();
        const bool always = lower == "host" || lower.startsWith("x-amz-");
        if (!options.signedHeaderNames.isEmpty() && !always &&
            !options.signedHeaderNames.contains(lower))
            continue;
        const QByteArray v = canonicalHeaderValue(value);
        auto it = canonical.find(lower);
        if (it == canonical.end())
            canonical.insert(lower, v);
        else
            *it += ',' + v;
    }
    QByteArray canonicalHeaders;
    QList<QByteArray> names;
    for (auto it = canonical.cbegin(); it != canonical.cend(); ++it) {
        canonicalHeaders += it.key() + ':' + it.value() + '\n';
        names << it.key();
    }
    sig.signedHeaders = names.join(';');

    sig.canonicalRequest = request.method.toUpper() + '\n' +
                           canonicalUri(request.path, options.normalizePath) + '\n' +
                           canonicalQuery(request.query) + '\n' + canonicalHeaders + '\n' +
                           sig.signedHeaders + '\n' + sha256Hex(request.body);
    sig.stringToSign = "AWS4-HMAC-SHA256\n" + sig.amzDate + '\n' + sig.scope + '\n' +
                       sha256Hex(sig.canonicalRequest);
    const QByteArray key =
        signingKey(credentials.secretAccessKey, date, options.region, options.service);
    sig.signature = hmac(key, sig.stringToSign).toHex();
    sig.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.accessKeyId.toUtf8() + '/' +
                        sig.scope + ", SignedHeaders=" + sig.signedHeaders +
                        ", Signature=" + sig.signature;

    if (tokenAfter)
        headers.append(
            {QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken.toUtf8()});
    headers.append({QByteArrayLiteral("Authorization"), sig.authorization});
    sig.headers = headers;
    return sig;
}

} // namespace sitrep::aws
