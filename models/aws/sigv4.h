// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

namespace sitrep::aws {

/// An AWS key pair, with the session token of temporary credentials when there is one.
/// Never logged, never stored by Sitrep (it is read from the keychain or ~/.aws).
struct AwsCredentials {
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken;
    bool isValid() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }
};

using HeaderList = QList<QPair<QByteArray, QByteArray>>;
using QueryList = QList<QPair<QString, QString>>;

/// The parts of an HTTP request that Signature Version 4 covers.
struct SigV4Request {
    QByteArray method = "POST";
    /// The path as it appears in the request line (it is normalized and URI-encoded once
    /// more for the canonical request, as every service but S3 expects).
    QByteArray path = "/";
    /// Query parameters, percent-decoded, in any order.
    QueryList query;
    /// The headers the request will carry, in order; repeated names allowed.
    HeaderList headers;
    QByteArray body;
};

struct SigV4Options {
    QString region = QStringLiteral("us-east-1");
    QString service;
    /// Signing time in ms since the epoch (UTC). Sets the X-Amz-Date header and the scope.
    qint64 timeMs = 0;
    /// Remove "." and ".." segments and repeated slashes (every service but S3).
    bool normalizePath = true;
    /// Sign X-Amz-Security-Token (most services), or add it after signing.
    bool signSessionToken = true;
    /// Lower-case names of the headers to sign (host and x-amz-* are always signed when
    /// present). Empty: sign every header. A fixed set keeps the signature valid when the
    /// HTTP stack adds headers of its own later.
    QSet<QByteArray> signedHeaderNames;
};

/// What signing produced: the intermediate texts (for tests and diagnostics) and the
/// headers to send, in order, ending with Authorization.
struct SigV4Signature {
    QByteArray canonicalRequest;
    QByteArray stringToSign;
    QByteArray signedHeaders;
    QByteArray signature; // hex
    QByteArray authorization;
    QByteArray amzDate; // 20150830T123600Z
    QByteArray scope;   // 20150830/us-east-1/service/aws4_request
    HeaderList headers;
};

/// AWS Signature Version 4 (header form, AWS4-HMAC-SHA256). QtCore only.
class SigV4Signer {
public:
    static SigV4Signature sign(const SigV4Request &request, const AwsCredentials &credentials,
                               const SigV4Options &options);

    static QByteArray canonicalUri(const QByteArray &path, bool normalize);
    static QByteArray canonicalQuery(const QueryList &query);
    /// Percent-encodes everything but A-Z a-z 0-9 - . _ ~ (and '/' when keepSlash).
    static QByteArray uriEncode(const QByteArray &utf8, bool keepSlash = false);
    /// Trims and collapses runs of whitespace (folded header lines included) to one space.
    static QByteArray canonicalHeaderValue(const QByteArray &value);
    static QByteArray signingKey(const QString &secret, const QByteArray &date,
                                 const QString &region, const QString &service);
    static QByteArray amzDate(qint64 timeMs);
};

} // namespace sitrep::aws
