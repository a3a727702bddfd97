// SPDX-License-Identifier: MIT
#include "sync/syncsettings.h"

#include "sync/identity.h"
#include "sync/outbox.h"
#include "sync/restclient.h"
#include "sync/wire.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QPointer>

namespace sitrep::sync {

QString SyncSettings::url()
{
    return m_store.meta(QStringLiteral("backend.url"));
}

Status SyncSettings::setUrl(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (auto s = checkEndpoint(url); !s)
        return s;
    if (!url.userInfo().isEmpty())
        return Status::fail(QStringLiteral(
            "put no credentials in the URL; the token is stored in the system keychain"));
    if (auto s = m_store.setMeta(QStringLiteral("backend.url"), url.toString()); !s)
        return s;
    return Outbox::enable(m_store);
}

void SyncSettings::token(std::function<void(const QString &)> done)
{
    m_secrets.value(secrets::BackendTokenSecret, std::move(done));
}

void SyncSettings::setToken(const QString &token, secrets::SecretStore::Done done)
{
    m_secrets.store(secrets::BackendTokenSecret, token, std::move(done));
}

static QString explain(const QUrl &url, const HttpReply &r)
{
    const QString where =
        QStringLiteral("%1:%2").arg(url.host()).arg(url.port(url.scheme() == u"https" ? 443 : 80));
    if (r.networkError()) {
        switch (QNetworkReply::NetworkError(r.transportError)) {
        case QNetworkReply::ConnectionRefusedError:
            return QStringLiteral("nothing is listening at %1 (connection refused)").arg(where);
        case QNetworkReply::HostNotFoundError:
            return QStringLiteral("the name '%1' was not found (DNS)").arg(url.host());
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
            return QStringLiteral("%1 did not answer in time").arg(where);
        case QNetworkReply::SslHandshakeFailedError:
            return QStringLiteral("TLS failed with %1: %2").arg(where, r.error);
        case QNetworkReply::RemoteHostClosedError:
            return QStringLiteral("%1 closed the connection without answering").arg(where);
        default:
            return QStringLiteral("cannot reach %1: %2").arg(where, r.error);
        }
    }
    if (r.status == 401 || r.status == 403)
        return QStringLiteral("the back end refused the token (HTTP %1); set it again")
            .arg(r.status);
    if (r.status == 404)
        return QStringLiteral("no Sitrep API at %1 (HTTP 404 on /api/health); check the path")
            .arg(url.toString());
    if (r.status >= 300 && r.status < 400)
        return QStringLiteral("the back end redirects (HTTP %1); enter the final URL")
            .arg(r.status);
    return QStringLiteral("the back end answered %1").arg(r.describe());
}

void SyncSettings::testConnection(const QUrl &url, const QString &token, int timeoutMs,
                                  const std::function<void(const Status &, const QString &)> &done,
                                  store::Store *remember)
{
    if (auto s = checkEndpoint(url); !s) {
        done(s, {});
        return;
    }
    auto *client = new RestClient(url, token);
    client->setTimeoutMs(timeoutMs);
    // Only the database whose back end this is keeps what it answers.
    if (remember && remember->meta(QStringLiteral("backend.url")) != url.toString())
        remember = nullptr;
    client->send(
        "GET", QStringLiteral("/api/health"), nullptr, {},
        [client, url, done, remember](const HttpReply &r) {
            if (!r.ok() || !r.json().value(u"ok").toBool()) {
                client->deleteLater();
                if (r.ok())
                    done(Status::fail(QStringLiteral("%1 answered, but not as a Sitrep back end")
                                          .arg(url.toString())),
                         {});
                else
                    done(Status::fail(explain(url, r)), {});
                return;
            }
            const QString connected = QStringLiteral("connected to %1 (API %2)")
                                          .arg(url.host(), r.json().value(u"api").toString());
            if (!r.json().value(u"features").toArray().contains(QStringLiteral("me"))) {
                client->deleteLater();
                if (remember)
                    (void)Identity(*remember).rememberNoIdentities();
                done({}, connected);
                return;
            }
            client->send("GET", QStringLiteral("/api/me"), nullptr, {},
                         [client, url, done, remember, connected](const HttpReply &me) {
                             client->deleteLater();
                             if (!me.ok())
                                 return done(Status::fail(explain(url, me)), {});
                             auto user = BackendUser::fromJson(me.json());
                             if (!user)
                                 return done(Status::fail(user.errorMessage()), {});
                             if (remember)
                                 if (auto s = Identity(*remember).remember(*user); !s)
                                     return done(s, {});
                             done({}, QStringLiteral("%1 as %2").arg(connected, user->display()));
                         });
        });
}

} // namespace sitrep::sync
