// SPDX-License-Identifier: MIT
// A local HTTP/1.1 server for tests of HTTP clients: listens on 127.0.0.1 (a free port),
// keeps every request as it arrived and answers it with a given status and body, or holds
// it unanswered until the test says so.
#pragma once

#include "fixtures/httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <memory>
#include <utility>

namespace sitrep::testing {

/// One request as it arrived: request line, headers (names as sent), body.
using RawRequest = HttpMessage;

/// A local HTTP/1.1 server: keeps every complete request and answers it with `status` and
/// `body`, or holds it unanswered (answerAll() answers the held ones later).
class RecordingServer : public QObject {
public:
    int status = 200;
    QByteArray body = "{}";
    QByteArray contentType = "application/json";
    bool hold = false;
    QList<RawRequest> requests;
    QList<QTcpSocket *> held;
    QTcpServer server;

    RecordingServer()
    {
        if (!server.listen(QHostAddress(QHostAddress::LocalHost), 0))
            qFatal("cannot listen on 127.0.0.1");
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                auto buf = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [this, s, buf] {
                    buf->append(s->readAll());
                    auto r = takeHttpMessage(*buf);
                    if (!r)
                        return;
                    requests << *r;
                    if (hold)
                        held << s;
                    else
                        answer(s);
                });
            }
        });
    }
    quint16 port() const { return server.serverPort(); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port())); }

    void answer(QTcpSocket *s)
    {
        s->write("HTTP/1.1 " + QByteArray::number(status) + " Status\r\nContent-Type: " +
                 contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) +
                 "\r\nConnection: close\r\n\r\n" + body);
        s->disconnectFromHost();
    }
    void answerAll()
    {
        const auto sockets = std::exchange(held, {});
        for (QTcpSocket *s : sockets)
            answer(s);
    }
};

} // namespace sitrep::testing
