// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequestparser.h"
#include "util/result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace sitrep::ingest {

// The listener speaks HTTP through the shared parser of models/http.
using http::HttpLimits;
using http::httpReason;
using http::HttpRequest;
using http::HttpRequestParser;

class IngestPipeline;
struct IngestResult;

struct IngestServerOptions {
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; // 0: any free port (see IngestServer::port())
    /// Bearer token every endpoint accepts. Required: the server does not start without it.
    QByteArray token;
    /// Sentry's client secret for Sentry-Hook-Signature (HMAC-SHA256 of the body); empty: the
    /// token.
    QByteArray sentrySecret;
    /// PagerDuty Events v2 routing_key the /hooks/pagerduty endpoint accepts; empty: the token.
    QByteArray pagerDutyRoutingKey;
    HttpLimits limits;
    int requestTimeoutMs = 10000; // for one request to arrive completely (and keep-alive idle)
    /// For a request's headers to arrive, from its first byte: a client that trickles its
    /// headers holds a slot this long at most (a valid sender sends them in one go).
    int headerTimeoutMs = 2000;
    /// Connections open at once. Each costs a socket and at most one request's buffers;
    /// beyond it, the connection idle longest or slowest to send makes room. The listener
    /// raises the open-files limit to cover it.
    int maxConnections = 1024;
    /// A body with more alerts than this is committed in slices of this many, one slice per
    /// turn of the event loop, so other requests are answered in between; the answer still
    /// comes after the last slice committed.
    int alertsPerSlice = 200;
};

/// The webhook listener: POST /ingest (seed 003 generic events) and /hooks/{alertmanager,
/// pagerduty, sentry, grafana, datadog} over a strict HTTP/1.1 parser on QTcpServer.
/// Authenticates each request (bearer token; Sentry's signature; PagerDuty's routing_key),
/// answers 2xx only after the pipeline committed, 4xx with a JSON error naming the problem,
/// 503 when the database cannot commit. Used by `sitrep serve` and the GUI alike.
class IngestServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IngestServer)
public:
    IngestServer(IngestPipeline &pipeline, IngestServerOptions options, QObject *parent = nullptr);
    ~IngestServer() override;

    Status listen();
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    const IngestServerOptions &options() const { return m_options; }

    /// Parses "host:port", "port" or "[v6]:port"; loopback when no host is given.
    static Result<QPair<QHostAddress, quint16>> parseListen(const QString &text);

    /// What the listener answers to one complete request (exposed for tests and fuzzing).
    struct Response {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    /// Runs the whole body in one go (the live listener slices big bodies instead).
    Response handle(const HttpRequest &request);

    /// Holds a 2xx answer until `gate` says so: it gets what was committed and calls back
    /// with success (answer as usual) or a failure (answer 503 with Retry-After; what was
    /// committed stays, and the sender's retry deduplicates). With a team back end, the
    /// agent answers only once the back end has the alerts.
    using AnswerGate = std::function<void(const IngestResult &, std::function<void(Status)>)>;
    void setAnswerGate(AnswerGate gate) { m_gate = std::move(gate); }

Q_SIGNALS:
    /// After each answered request: status, path, and the error text for 4xx/5xx.
    void requestHandled(int status, const QString &path, const QString &message);

private:
    struct Connection;
    struct Prepared;
    struct SliceJob;
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void process(QTcpSocket *socket, QByteArray data);
    Prepared prepare(const HttpRequest &request);
    Response answer(const Prepared &work, const Result<IngestResult> &result);
    Response finish(const Prepared &work, Response response);
    void runSlice(const std::shared_ptr<SliceJob> &job);
    /// The pipeline's work for a checked request, all of it in one go.
    Result<IngestResult> run(const Prepared &work);
    /// The connection waits for work that ends after this turn; `rest` (a pipelined next
    /// request) is read after the answer.
    void suspend(Connection *c, const QByteArray &rest);
    /// After an answer: the connection is ready for its next request (false: it is closing).
    bool nextRequest(QTcpSocket *socket);
    /// Answers through the gate, then goes on with the connection (answerLater).
    void gateThen(QTcpSocket *socket, const Prepared &work, const IngestResult &result,
                  bool keepAlive);
    /// Answers a request whose work ended after its turn of the event loop, then reads
    /// what the connection sent meanwhile.
    void answerLater(QTcpSocket *socket, const Response &response, bool keepAlive);
    int headerDeadline() const
    {
        return qMin(m_options.headerTimeoutMs, m_options.requestTimeoutMs);
    }
    void respond(QTcpSocket *socket, const Response &r, bool keepAlive);
    bool authorized(const QString &source, const HttpRequest &request) const;

    IngestPipeline &m_pipeline;
    IngestServerOptions m_options;
    AnswerGate m_gate;
    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, Connection *> m_connections;
    QElapsedTimer m_clock;  // the rejection log's pace
    quint64 m_sequence = 0; // connection ages: when each connected or last finished a request
    QHash<QString, std::pair<qint64, qint64>> m_rejections; // reason -> (count, last logged)
    bool evictOne();
    void noteRejection(const QString &reason, const QString &detail = {});
};

} // namespace sitrep::ingest
