// SPDX-License-Identifier: MIT
// A small HTTP/1.1 server on 127.0.0.1 for delivery tests (Slack Web API, webhooks): it
// records every request and answers what the test's handler says.
#pragma once

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
        for (;;) {
            const int end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            HttpRequest r;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            r.method = first.value(0);
            r.path = first.value(1);
            for (int i = 1; i < lines.size(); ++i) {
                const int c = lines[i].indexOf(':');
                if (c > 0)
                    r.headers.insert(lines[i].left(c).trimmed().toLower(),
                                     lines[i].mid(c + 1).trimmed());
            }
            const int len = r.headers.value("content-length").toInt();
            if (buf.size() < end + 4 + len)
                return;
            r.body = buf.mid(end + 4, len);
            buf.remove(0, end + 4 + len);
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
