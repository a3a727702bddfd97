// SPDX-License-Identifier: MIT
// A small HTTP/1.1 server on 127.0.0.1 for delivery tests (Slack Web API, webhooks): it
// records every request and answers what the test's handler says.
#pragma once

#include "fixtures/httpmessage.h"
#include "fixtures/support.h"

#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>

namespace sitrep::testing {

struct HttpRequest {
    QByteArray method;
    QByteArray path;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
};

struct HttpAnswer {
    int status = 200;
    QByteArray body = "{}";
    QByteArray contentType = "application/json";
};

class HttpReceiver : public QObject {
public:
    using Handler = std::function<HttpAnswer(const HttpRequest &)>;

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
    }
    void setHandler(Handler h) { m_handler = std::move(h); }
    const QList<HttpRequest> &requests() const { return m_requests; }
    QList<HttpRequest> requestsTo(const QByteArray &path) const
    {
        return testing::requestsTo(m_requests, path);
    }

    HttpReceiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s]() { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        while (const auto m = takeHttpMessage(buf)) {
            HttpRequest r;
            r.method = m->startWord(0);
            r.path = m->startWord(1);
            r.headers = m->headersByLowerName<QMap<QByteArray, QByteArray>>();
            r.body = m->body;
            m_requests << r;
            const HttpAnswer a = m_handler ? m_handler(r) : HttpAnswer{};
            QByteArray out = "HTTP/1.1 " + QByteArray::number(a.status) +
                             " X\r\nContent-Type: " + a.contentType +
                             "\r\nContent-Length: " + QByteArray::number(a.body.size()) +
                             "\r\nConnection: keep-alive\r\n\r\n" + a.body;
            s->write(out);
        }
    }

    QTcpServer m_server;
    QMap<QTcpSocket *, QByteArray> m_buffers;
    QList<HttpRequest> m_requests;
    Handler m_handler;
};

} // namespace sitrep::testing
