// SPDX-License-Identifier: MIT
// Test helpers for the AWS tests: starts the fauxqs SNS/SQS emulator on 127.0.0.1 (via
// tests/fixtures/fauxqs-server.mjs) and waits for asynchronous client callbacks.
#pragma once

#include "aws/awsclient.h"
#include "aws/awscredentials.h"
#include "fixtures/support.h"
#include "util/result.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <memory>
#include <optional>

namespace sitrep::testing {

/// The emulator as a child process. start() answers an error text when node or the
/// installed fauxqs package is missing, so the test can skip saying why.
class FauxqsProcess {
public:
    ~FauxqsProcess() { stop(); }

    static QString fixturesDir()
    {
        const QString env = qEnvironmentVariable("SITREP_FIXTURES_DIR");
        return env.isEmpty() ? QStringLiteral(SITREP_SOURCE_DIR "/tests/fixtures") : env;
    }

    /// Empty on success, else why the emulator cannot run here.
    QString start()
    {
        QString node = qEnvironmentVariable("SITREP_NODE");
        if (node.isEmpty())
            node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty())
            return QStringLiteral(
                "node (>= 20) not found on PATH (or set SITREP_NODE); fauxqs tests need it");
        const QString dir = fixturesDir();
        if (!QFileInfo::exists(dir + QStringLiteral("/node_modules/fauxqs/package.json")))
            return QStringLiteral("fauxqs is not installed: run `npm ci` in %1").arg(dir);
        m_proc.setProgram(node);
        m_proc.setArguments({dir + QStringLiteral("/fauxqs-server.mjs")});
        m_proc.setWorkingDirectory(dir);
        m_proc.setProcessChannelMode(QProcess::SeparateChannels);
        m_proc.start();
        if (!m_proc.waitForStarted(10000))
            return QStringLiteral("cannot start %1: %2").arg(node, m_proc.errorString());
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000 && !out.contains('\n')) {
            if (!m_proc.waitForReadyRead(500) && m_proc.state() != QProcess::Running)
                break;
            out += m_proc.readAllStandardOutput();
        }
        const int i = out.indexOf("FAUXQS_PORT=");
        if (i < 0) {
            const QString err = QString::fromUtf8(m_proc.readAllStandardError()).trimmed();
            stop();
            return QStringLiteral("fauxqs did not start: %1")
                .arg(err.isEmpty() ? QStringLiteral("no port printed") : err.left(400));
        }
        m_port = out.mid(i + 12).trimmed().toInt();
        return {};
    }

    /// start(), then one client of each type asked for (SqsClient, SnsClient) on the
    /// emulator with test credentials. Empty on success, else why the emulator cannot run.
    template <typename... Clients>
    QString startWithClients(QNetworkAccessManager &nam, std::unique_ptr<Clients> &...clients)
    {
        if (QString why = start(); !why.isEmpty())
            return why;
        auto creds = std::make_shared<aws::StaticCredentialsProvider>(
            aws::AwsCredentials{QStringLiteral("AKIDTEST"), QStringLiteral("secret"), {}});
        ((clients = std::make_unique<Clients>(nam, endpoint(), creds)), ...);
        return {};
    }

    void stop()
    {
        if (m_proc.state() == QProcess::NotRunning)
            return;
        m_proc.closeWriteChannel(); // the server exits when its stdin closes
        if (!m_proc.waitForFinished(5000))
            stopProcess(m_proc, 3000, 3000);
    }

    int port() const { return m_port; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_port)); }
    aws::AwsEndpoint endpoint() const
    {
        aws::AwsEndpoint e;
        e.url = url();
        e.region = QStringLiteral("us-east-1");
        return e;
    }

private:
    QProcess m_proc;
    int m_port = 0;
};

/// Runs an asynchronous call and waits for its callback (or the timeout).
template <typename T, typename Start> Result<T> await(Start &&start, int timeoutMs = 40000)
{
    std::optional<Result<T>> out;
    QEventLoop loop;
    start([&](Result<T> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!out)
        return Result<T>::fail(QStringLiteral("no answer within %1 ms").arg(timeoutMs),
                               QStringLiteral("timeout"));
    return std::move(*out);
}

} // namespace sitrep::testing
