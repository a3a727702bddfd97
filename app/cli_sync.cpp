// SPDX-License-Identifier: MIT
#include "app/cli_sync.h"
#include "app/clicommands.h"
#include "app/cliio.h"

#include "engine/fieldrules.h"
#include "host/awssettings.h"
#include "secrets/secretstore.h"
#include "sync/outbox.h"
#include "sync/syncservice.h"
#include "sync/wire.h"
#include "triage/triagestore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

namespace sitrep::cli {

namespace {

struct Settable {
    QString key;
    QString help;
};

const QList<Settable> &settable()
{
    static const QList<Settable> keys{
        {QStringLiteral("backend.url"),
         QStringLiteral("REST back end (https, or http on loopback); turns sync on")},
        {QStringLiteral("sync.interval_ms"),
         QStringLiteral("pause between sync cycles when in sync (default 5000)")},
        {QStringLiteral("sync.page_size"),
         QStringLiteral("changes per pull request (default 500)")},
        {QStringLiteral("ingest.listen"),
         QStringLiteral("address the window's alert listener binds (token: `sitrep secret set "
                        "ingest.token`)")},
        {QStringLiteral("aws.endpoint"),
         QStringLiteral("SQS/SNS endpoint (https, or http on loopback)")},
        {QStringLiteral("aws.region"), QStringLiteral("AWS region (default us-east-1)")},
        {QStringLiteral("aws.profile"), QStringLiteral("profile in ~/.aws/credentials")},
        {QStringLiteral("aws.alert_queue"),
         QStringLiteral("SQS queue URL the alert consumer long-polls")},
        {QStringLiteral("aws.sla_topic"),
         QStringLiteral("SNS topic for SLA breaches (default: the channels file's)")},
        {QStringLiteral("aws.status_topic"),
         QStringLiteral("SNS topic for external status updates")},
        {QStringLiteral("notify.config"), QStringLiteral("notification channels YAML file")},
        {QStringLiteral("notify.slack_base_url"),
         QStringLiteral("Slack Web API base URL (token: `sitrep secret set slack_bot_token`)")},
        {engine::rules::MaxAttachmentSetting,
         QStringLiteral("largest evidence file `attach --file` and the window accept, in MiB "
                        "(default 50)")},
        {QStringLiteral("notify.channels"),
         QStringLiteral("channel lines: \"NAME webhook URL\", \"NAME slack war_room|ID\", \"NAME "
                        "sns TOPIC\"")},
    };
    static const QList<Settable> all = [] {
        QList<Settable> k = keys;
        for (const auto &[key, help] : triage::settingKeys())
            k.append({key, help});
        return k;
    }();
    return all;
}

bool looksSecret(const QString &key)
{
    const QString k = key.toLower();
    for (const char *w :
         {"token", "secret", "password", "passwd", "access_key", "secret_key", "credential"})
        if (k.contains(QLatin1String(w)))
            return true;
    return false;
}

} // namespace

Result<QString> resolveToken(const QString &tokenFile)
{
    const QString env = qEnvironmentVariable("SITREP_BACKEND_TOKEN");
    if (!env.isEmpty())
        return env;
    if (!tokenFile.isEmpty()) {
        QFile f(tokenFile);
        if (!f.open(QIODevice::ReadOnly))
            return Result<QString>::fail(
                QStringLiteral("cannot read token file %1: %2").arg(tokenFile, f.errorString()));
        return QString::fromUtf8(f.readAll()).trimmed();
    }
    secrets::KeychainSecretStore keychain;
    auto t = waitFor<QString>(
        [&](auto done) { keychain.read(secrets::BackendTokenSecret, std::move(done)); });
    if (!t && t.error().code == u"not_found")
        return QString();
    return t;
}

int runConfig(CliSession &s)
{
    const QStringList pos = s.positional();
    const QString verb = pos.value(0);
    static const QHash<QString, int> arity{{QStringLiteral("set"), 3},
                                           {QStringLiteral("get"), 2},
                                           {QStringLiteral("unset"), 2},
                                           {QStringLiteral("list"), 1}};
    if (!arity.contains(verb)) {
        const QString near = verb.isEmpty() ? QString() : closestMatch(verb, arity.keys());
        return s.usage(
            QStringLiteral("%1usage: sitrep config set KEY VALUE | get KEY | unset KEY | list")
                .arg(near.isEmpty()
                         ? QString()
                         : QStringLiteral("unknown config subcommand '%1'; did you mean '%2'? ")
                               .arg(verb, near)));
    }
    if (pos.size() != arity.value(verb))
        return s.usage(verb == u"list"
                           ? QStringLiteral("usage: sitrep config list")
                           : QStringLiteral("usage: sitrep config %1 KEY%2")
                                 .arg(verb, verb == u"set" ? QStringLiteral(" VALUE") : QString()));
    const QString key = pos.value(1);
    if (verb != u"list" && looksSecret(key))
        return s.fail(
            QStringLiteral("'%1' looks like a secret: secrets go to the system keychain with "
                           "`sitrep secret set NAME` (value on stdin), never into the settings")
                .arg(key));
    auto keyKnown = std::any_of(settable().cbegin(), settable().cend(),
                                [&](const Settable &k) { return k.key == key; });
    if (verb != u"list" && !keyKnown) {
        QStringList names;
        for (const auto &k : settable())
            names << k.key;
        const QString near = closestMatch(key, names);
        return s.fail(
            near.isEmpty()
                ? QStringLiteral("unknown setting '%1' (settings: %2)")
                      .arg(key, names.join(QStringLiteral(", ")))
                : QStringLiteral("unknown setting '%1'; did you mean '%2'?").arg(key, near));
    }
    // Reading settings needs a database that exists; `config set` may start one (a database
    // is often configured before its first incident), and a refused setting leaves no new,
    // empty database behind.
    if (!s.open(verb == u"set" ? DbAccess::CreateIfDone : DbAccess::Existing))
        return s.code();
    store::Store &st = s.store();
    secrets::KeychainSecretStore keychain;
    host::AwsSettings aws(st, keychain);
    // Tokens an older version kept in the channel lines move to the keychain now.
    if (auto moved = waitFor<int>([&](auto done) { aws.moveChannelSecrets(done); }); !moved)
        fprintf(stderr, "sitrep config: %s\n",
                printable(moved.errorMessage()).toUtf8().constData());
    else if (*moved > 0)
        fprintf(stderr,
                "sitrep config: %d webhook secret(s) moved from notify.channels to the "
                "system keychain\n",
                *moved);
    if (verb == u"list") {
        for (const auto &k : settable())
            say(QStringLiteral("%1 = %2").arg(k.key, st.meta(k.key)));
        return 0;
    }
    if (verb == u"get") {
        say(st.meta(key));
        return 0;
    }
    if (verb == u"unset") {
        // Back to the default; for backend.url that stops syncing (changes made meanwhile
        // stay queued in the outbox until a back end is set again).
        auto del = st.db().prepareOnce(QStringLiteral("DELETE FROM meta WHERE key=?"));
        if (!del)
            return s.fail(st.db().lastError());
        del->bind(1, key);
        if (!del->exec())
            return s.fail(del->error());
        say(QStringLiteral("%1 unset").arg(key));
        return 0;
    }
    QString value = pos[2].trimmed();
    if (key == u"backend.url") {
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return s.fail(
                QStringLiteral("backend.url: '%1' is not a URL (like https://sitrep.example.com)")
                    .arg(value));
        if (auto ok = sync::checkEndpoint(url); !ok)
            return s.fail(QStringLiteral("backend.url: %1").arg(ok.errorMessage()));
        if (!url.userInfo().isEmpty())
            return s.fail(QStringLiteral(
                "put no credentials in the URL; use `sitrep secret set backend.token`"));
    } else if (key.startsWith(QStringLiteral("aws.")) ||
               key.startsWith(QStringLiteral("notify."))) {
        // Checked as the window and `sitrep aws` will read it, together with the rest.
        host::AwsConfig probe = host::AwsConfig::load(st);
        probe.set(key, value);
        if (auto v = probe.validate(); !v)
            return s.fail(v.errorMessage());
        // A token written into a channel line goes to the keychain; the line keeps its name.
        if (key == u"notify.channels" && probe.hasPlainSecrets()) {
            auto lines = waitFor<QString>([&](auto done) { aws.storeChannelSecrets(value, done); });
            if (!lines)
                return s.fail(lines.errorMessage());
            value = *lines;
        }
    } else if (key.startsWith(QStringLiteral("triage."))) {
        if (auto v = triage::validateSetting(key, value); !v)
            return s.fail(v.errorMessage());
    } else if (key == engine::rules::MaxAttachmentSetting) {
        if (auto v = engine::rules::parseMaxAttachmentMb(value); !v)
            return s.fail(v.errorMessage());
    } else if (key.startsWith(QStringLiteral("sync."))) {
        bool ok = false;
        const int n = value.toInt(&ok);
        if (!ok || n < 1)
            return s.fail(QStringLiteral("%1 must be a positive whole number").arg(key));
    }
    if (auto done = st.setMeta(key, value); !done)
        return s.fail(done.errorMessage());
    if (key == u"backend.url")
        if (auto done = sync::Outbox::enable(st); !done)
            return s.fail(done.errorMessage());
    say(QStringLiteral("%1 = %2").arg(key, value));
    return 0;
}

int runSecret(CliSession &s)
{
    const QStringList pos = s.positional();
    const QString verb = pos.value(0), name = pos.value(1);
    if (pos.size() != 2 || (verb != u"set" && verb != u"delete" && verb != u"check"))
        return s.usage(QStringLiteral(
            "usage: sitrep secret set NAME (value on stdin) | delete NAME | check NAME"));
    secrets::KeychainSecretStore keychain;
    if (verb == u"set") {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return s.fail(QStringLiteral("cannot read the secret from stdin"));
        QString value = QString::fromUtf8(in.readAll());
        while (value.endsWith(u'\n') || value.endsWith(u'\r'))
            value.chop(1);
        if (value.isEmpty())
            return s.fail(QStringLiteral("no secret on stdin"));
        if (auto done = waitFor<void>(
                [&](auto finished) { keychain.write(name, value, std::move(finished)); });
            !done)
            return s.fail(done.errorMessage());
        say(QStringLiteral("stored '%1' in the system keychain").arg(name));
        return 0;
    }
    if (verb == u"delete") {
        if (auto done =
                waitFor<void>([&](auto finished) { keychain.remove(name, std::move(finished)); });
            !done)
            return s.fail(done.errorMessage());
        say(QStringLiteral("deleted '%1'").arg(name));
        return 0;
    }
    auto v = waitFor<QString>([&](auto done) { keychain.read(name, std::move(done)); });
    if (!v)
        return s.fail(v.errorMessage());
    say(QStringLiteral("'%1' is set (%2 characters)").arg(name).arg(v->size()));
    return 0;
}

int runSync(CliSession &s)
{
    store::Store &st = s.store();
    const QString url = st.meta(QStringLiteral("backend.url"));
    if (url.isEmpty())
        return s.fail(QStringLiteral("no back end configured: sitrep config set backend.url URL"));
    if (auto done = sync::Outbox::enable(st); !done)
        return s.fail(done.errorMessage());
    auto token = resolveToken(s.value("token-file"));
    if (!token)
        return s.fail(token.errorMessage());
    sync::SyncOptions o;
    o.url = QUrl(url);
    o.token = *token;
    o.intervalMs = st.meta(QStringLiteral("sync.interval_ms"), QStringLiteral("5000")).toInt();
    o.pageSize = st.meta(QStringLiteral("sync.page_size"), QStringLiteral("500")).toInt();
    sync::SyncService svc(s.engine(), o);
    if (st.maxSeq() == 0 && st.meta(QStringLiteral("sync.cursor")).isEmpty()) {
        auto n = waitFor<qint64>([&](auto finished) {
            svc.initialSync(
                [&](qint64 done, qint64 total) {
                    if (!s.json())
                        fprintf(stderr, "\rinitial sync: %lld/%lld events", qlonglong(done),
                                qlonglong(total));
                    return true;
                },
                finished);
        });
        if (!s.json())
            fprintf(stderr, "\n");
        if (!n)
            return s.fail(n.errorMessage());
    }
    auto print = [&](const sync::SyncReport &r) {
        if (s.json()) {
            say(QString::fromUtf8(
                QJsonDocument(QJsonObject{{QStringLiteral("ok"), r.ok},
                                          {QStringLiteral("sent"), r.sent},
                                          {QStringLiteral("pulled"), r.pulled},
                                          {QStringLiteral("duplicates"), r.duplicates},
                                          {QStringLiteral("conflicts"), r.conflicts},
                                          {QStringLiteral("rejected"), r.rejected},
                                          {QStringLiteral("more"), r.more},
                                          {QStringLiteral("error"), r.error},
                                          {QStringLiteral("status"), svc.status()->text()},
                                          {QStringLiteral("identity"), svc.status()->identity()}})
                    .toJson(QJsonDocument::Compact)));
        } else {
            const QString who = svc.status()->identity();
            say(QStringLiteral("sync: sent %1, pulled %2, conflicts %3; %4%5%6")
                    .arg(r.sent)
                    .arg(r.pulled)
                    .arg(r.conflicts)
                    .arg(who.isEmpty() ? QString() : who + QStringLiteral(" · "),
                         svc.status()->text(),
                         r.ok ? QString() : QStringLiteral(" (%1)").arg(r.error)));
            if (r.more)
                say(QStringLiteral("sync: the back end has more changes; the next cycle goes on"));
        }
    };
    if (s.has("once")) {
        auto r = waitFor<sync::SyncReport>([&](auto done) {
            svc.syncOnce([done](const sync::SyncReport &report) { done(report); });
        });
        if (!r)
            return s.fail(r.errorMessage());
        print(*r);
        return r->ok ? 0 : 1;
    }
    QObject::connect(&svc, &sync::SyncService::cycleFinished, &svc, print);
    svc.start();
    return QCoreApplication::exec();
}

} // namespace sitrep::cli
