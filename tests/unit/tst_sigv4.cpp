// SPDX-License-Identifier: MIT
// The signer against the AWS Signature Version 4 test suite: every case's canonical
// request, string to sign, Authorization header and the headers of the signed request.
#include "aws/sigv4.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QtTest>

using namespace sitrep::aws;

namespace {

const QString kSuiteDir = QStringLiteral(SITREP_TESTDATA_DIR "/aws-sigv4");
const AwsCredentials kCreds{
    QStringLiteral("AKIDEXAMPLE"), QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), {}};

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

/// Parses a .req file: request line, headers (folded lines continue a value), body.
SigV4Request parseRequest(const QByteArray &text)
{
    SigV4Request r;
    const int headerEnd = text.indexOf("\n\n");
    const QByteArray head = headerEnd < 0 ? text : text.left(headerEnd);
    if (headerEnd >= 0)
        r.body = text.mid(headerEnd + 2);
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray requestLine = lines.value(0);
    const int sp = requestLine.indexOf(' ');
    const int proto = requestLine.lastIndexOf(" HTTP/");
    r.method = requestLine.left(sp);
    const QByteArray target = requestLine.mid(sp + 1, proto - sp - 1);
    const int q = target.indexOf('?');
    r.path = q < 0 ? target : target.left(q);
    if (q >= 0) {
        for (const QByteArray &pair : target.mid(q + 1).split('&')) {
            if (pair.isEmpty())
                continue;
            const int eq = pair.indexOf('=');
            const QByteArray k = eq < 0 ? pair : pair.left(eq);
            const QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            r.query.append({QString::fromUtf8(QByteArray::fromPercentEncoding(k)),
                            QString::fromUtf8(QByteArray::fromPercentEncoding(v))});
        }
    }
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        if ((line.startsWith(' ') || line.startsWith('\t')) && !r.headers.isEmpty()) {
            r.headers.last().second += '\n' + line;
            continue;
        }
        const int colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        r.headers.append({line.left(colon), line.mid(colon + 1)});
    }
    return r;
}

QByteArray headerValue(const QByteArray &requestText, const QByteArray &name)
{
    for (const QByteArray &line : requestText.split('\n')) {
        if (line.toLower().startsWith(name.toLower() + ':'))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

qint64 suiteTime()
{
    return QDateTime(QDate(2015, 8, 30), QTime(12, 36, 0), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

class TestSigV4 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void suite_data();
    void suite();
    void suiteCoversEveryCase();
    void signingKey_matchesDocumentedExample();
    void knownHeaderSet_ignoresHeadersAddedLater();
    void sessionToken_signedByDefault();
    void canonicalUri_normalizesAndEncodes();
};

void TestSigV4::suite_data()
{
    QTest::addColumn<QString>("dir");
    if (!QFileInfo(kSuiteDir).isDir())
        QSKIP(qPrintable(
            QStringLiteral("AWS SigV4 test suite not found at %1 (set the CMake cache variable "
                           "SITREP_TESTDATA_DIR to the folder holding aws-sigv4/)")
                .arg(kSuiteDir)));
    QDirIterator it(kSuiteDir, {QStringLiteral("*.req")}, QDir::Files,
                    QDirIterator::Subdirectories);
    QStringList cases;
    while (it.hasNext())
        cases << it.next();
    cases.sort();
    for (const QString &req : cases) {
        const QString name = QDir(kSuiteDir).relativeFilePath(req).chopped(4);
        QTest::newRow(qPrintable(name)) << req.chopped(4);
    }
}

void TestSigV4::suite()
{
    QFETCH(QString, dir);
    const QByteArray reqText = readFile(dir + QStringLiteral(".req"));
    const QByteArray creq = readFile(dir + QStringLiteral(".creq"));
    const QByteArray sts = readFile(dir + QStringLiteral(".sts"));
    const QByteArray authz = readFile(dir + QStringLiteral(".authz"));
    const QByteArray sreq = readFile(dir + QStringLiteral(".sreq"));
    QVERIFY2(!reqText.isEmpty() && !creq.isEmpty() && !sts.isEmpty() && !authz.isEmpty(),
             qPrintable(dir));

    SigV4Request request = parseRequest(reqText);
    SigV4Options options;
    options.service = QStringLiteral("service");
    options.region = QStringLiteral("us-east-1");
    options.timeMs = suiteTime();

    // Temporary credentials: the signed request shows the token; the canonical request
    // shows whether it was signed or added after signing.
    AwsCredentials creds = kCreds;
    const QByteArray tokenInSigned = headerValue(sreq, "X-Amz-Security-Token");
    if (!tokenInSigned.isEmpty() && headerValue(reqText, "X-Amz-Security-Token").isEmpty()) {
        creds.sessionToken = QString::fromUtf8(tokenInSigned);
        options.signSessionToken = creq.contains("\nx-amz-security-token:");
    }

    const SigV4Signature sig = SigV4Signer::sign(request, creds, options);
    QCOMPARE(sig.canonicalRequest, creq);
    QCOMPARE(sig.stringToSign, sts);
    QCOMPARE(sig.authorization, authz);

    // The signed request carries the token (when any) and the Authorization header.
    // Upstream's get-vanilla-with-session-token.sreq carries get-vanilla's signature (its
    // .authz is the reference and is checked above), so only that one is exempt here.
    if (!dir.endsWith(QStringLiteral("get-vanilla-with-session-token")))
        QVERIFY(sreq.contains("Authorization: " + authz));
    QCOMPARE(sig.headers.last().first, QByteArray("Authorization"));
    QCOMPARE(sig.headers.last().second, authz);
    if (!tokenInSigned.isEmpty()) {
        bool found = false;
        for (const auto &[n, v] : sig.headers)
            found = found || (n.toLower() == "x-amz-security-token" && v == tokenInSigned);
        QVERIFY2(found, "session token header missing from the signed headers");
    }
}

void TestSigV4::suiteCoversEveryCase()
{
    if (!QFileInfo(kSuiteDir).isDir())
        QSKIP(qPrintable(QStringLiteral("AWS SigV4 test suite not found at %1").arg(kSuiteDir)));
    // Every case folder holds the five files; a case without .req would be silently missed.
    QDirIterator it(kSuiteDir, {QStringLiteral("*.creq")}, QDir::Files,
                    QDirIterator::Subdirectories);
    int n = 0;
    while (it.hasNext()) {
        const QString creq = it.next();
        QVERIFY2(QFile::exists(creq.chopped(5) + QStringLiteral(".req")), qPrintable(creq));
        ++n;
    }
    QVERIFY(n >= 30);
}

void TestSigV4::signingKey_matchesDocumentedExample()
{
    // The derived key of the AWS documentation's example (IAM, us-east-1, 20150830).
    const QByteArray key = SigV4Signer::signingKey(
        kCreds.secretAccessKey, "20150830", QStringLiteral("us-east-1"), QStringLiteral("iam"));
    QCOMPARE(key.toHex(),
             QByteArray("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"));
}

void TestSigV4::knownHeaderSet_ignoresHeadersAddedLater()
{
    SigV4Request r;
    r.headers = {{"Host", "127.0.0.1:4566"},
                 {"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "AmazonSQS.ReceiveMessage"}};
    r.body = R"({"QueueUrl":"q"})";
    SigV4Options o;
    o.service = QStringLiteral("sqs");
    o.timeMs = suiteTime();
    o.signedHeaderNames = {"host", "content-type", "x-amz-date", "x-amz-target",
                           "x-amz-security-token"};
    const auto a = SigV4Signer::sign(r, kCreds, o);
    r.headers.append(qMakePair(QByteArray("User-Agent"), QByteArray("Mozilla/5.0")));
    r.headers.append(qMakePair(QByteArray("Accept-Encoding"), QByteArray("gzip, deflate")));
    const auto b = SigV4Signer::sign(r, kCreds, o);
    QCOMPARE(b.signature, a.signature);
    QCOMPARE(a.signedHeaders, QByteArray("content-type;host;x-amz-date;x-amz-target"));
}

void TestSigV4::sessionToken_signedByDefault()
{
    SigV4Request r;
    r.headers = {{"Host", "sqs.us-east-1.amazonaws.com"}};
    SigV4Options o;
    o.service = QStringLiteral("sqs");
    o.timeMs = suiteTime();
    AwsCredentials c = kCreds;
    c.sessionToken = QStringLiteral("TOKEN");
    const auto s = SigV4Signer::sign(r, c, o);
    QVERIFY(s.signedHeaders.contains("x-amz-security-token"));
    QVERIFY(s.canonicalRequest.contains("x-amz-security-token:TOKEN\n"));
}

void TestSigV4::canonicalUri_normalizesAndEncodes()
{
    QCOMPARE(SigV4Signer::canonicalUri("", true), QByteArray("/"));
    QCOMPARE(SigV4Signer::canonicalUri("/a/b/../c/./d//", true), QByteArray("/a/c/d/"));
    QCOMPARE(SigV4Signer::canonicalUri("/a%20b", true), QByteArray("/a%2520b"));
    QCOMPARE(SigV4Signer::canonicalUri("/000000000000/q1", true), QByteArray("/000000000000/q1"));
}

QTEST_GUILESS_MAIN(TestSigV4)
#include "tst_sigv4.moc"
