// SPDX-License-Identifier: MIT
// Where AWS keys come from: the shared credentials file's profiles, the environment, and
// the chain's error naming everything it tried.
#include "aws/awscredentials.h"

#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace sitrep::aws;

class TestAwsCredentials : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void profile_readsNamedSection();
    void profile_missingProfileOrKeyIsNamed();
    void environment_needsBothKeys();
    void chain_errorListsEverySource();
};

static const QByteArray kFile = R"(# shared credentials
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secretdefault

[profile ops]
aws_access_key_id=AKIDOPS
aws_secret_access_key=secret/ops+key
aws_session_token = token-ops
; a comment
[broken]
aws_access_key_id = AKIDBROKEN
)";

void TestAwsCredentials::profile_readsNamedSection()
{
    auto d = ProfileCredentialsProvider::parse(kFile, QStringLiteral("default"));
    QVERIFY2(d, qPrintable(d.errorMessage()));
    QCOMPARE(d->accessKeyId, QStringLiteral("AKIDDEFAULT"));
    QCOMPARE(d->secretAccessKey, QStringLiteral("secretdefault"));
    QVERIFY(d->sessionToken.isEmpty());
    auto ops = ProfileCredentialsProvider::parse(kFile, QStringLiteral("ops"));
    QVERIFY(ops);
    QCOMPARE(ops->secretAccessKey, QStringLiteral("secret/ops+key"));
    QCOMPARE(ops->sessionToken, QStringLiteral("token-ops"));

    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("credentials")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(kFile);
    f.close();
    ProfileCredentialsProvider p(QStringLiteral("ops"), f.fileName());
    auto c = p.read();
    QVERIFY(c);
    QCOMPARE(c->accessKeyId, QStringLiteral("AKIDOPS"));
    QVERIFY(p.describe().contains(QStringLiteral("ops")));
}

void TestAwsCredentials::profile_missingProfileOrKeyIsNamed()
{
    auto none = ProfileCredentialsProvider::parse(kFile, QStringLiteral("staging"));
    QVERIFY(!none);
    QVERIFY(none.errorMessage().contains(QStringLiteral("no profile 'staging'")));
    auto broken = ProfileCredentialsProvider::parse(kFile, QStringLiteral("broken"));
    QVERIFY(!broken);
    QVERIFY(broken.errorMessage().contains(QStringLiteral("aws_secret_access_key")));
    ProfileCredentialsProvider missing(QStringLiteral("default"),
                                       QStringLiteral("/nonexistent/credentials"));
    QVERIFY(!missing.read());
}

void TestAwsCredentials::environment_needsBothKeys()
{
    qputenv("AWS_ACCESS_KEY_ID", "AKIDENV");
    qunsetenv("AWS_SECRET_ACCESS_KEY");
    EnvironmentCredentialsProvider env;
    QVERIFY(!env.read());
    qputenv("AWS_SECRET_ACCESS_KEY", "envsecret");
    auto c = env.read();
    QVERIFY(c);
    QCOMPARE(c->accessKeyId, QStringLiteral("AKIDENV"));
    qunsetenv("AWS_ACCESS_KEY_ID");
    qunsetenv("AWS_SECRET_ACCESS_KEY");
}

void TestAwsCredentials::chain_errorListsEverySource()
{
    qunsetenv("AWS_ACCESS_KEY_ID");
    qunsetenv("AWS_SECRET_ACCESS_KEY");
    ChainCredentialsProvider chain(
        {std::make_shared<EnvironmentCredentialsProvider>(),
         std::make_shared<ProfileCredentialsProvider>(QStringLiteral("default"),
                                                      QStringLiteral("/nonexistent/credentials"))});
    // Providers that answer at once: the chain answers before credentials() returns.
    std::optional<sitrep::Result<AwsCredentials>> answer;
    chain.credentials([&answer](sitrep::Result<AwsCredentials> r) { answer = std::move(r); });
    QVERIFY(answer);
    const auto c = *answer;
    QVERIFY(!c);
    QVERIFY(c.errorMessage().contains(QStringLiteral("environment")));
    QVERIFY(c.errorMessage().contains(QStringLiteral("/nonexistent/credentials")));
    QCOMPARE(c.error().code, QStringLiteral("credentials"));
}

QTEST_GUILESS_MAIN(TestAwsCredentials)
#include "tst_awscredentials.moc"
