// SPDX-License-Identifier: MIT
// sitrep-server: the team back end. Commands: migrate, user add|list|disable, token rotate,
// serve. Everything it needs is in models/server; this file reads the command line and the
// configuration file and wires them together.
#include "server/apiserver.h"
#include "server/pg.h"
#include "server/schema.h"
#include "server/users.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTextStream>

#include <yaml-cpp/yaml.h>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace sitrep;
using namespace sitrep::server;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

const char *kUsage =
    "usage: sitrep-server COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  migrate                       create or upgrade the database schema\n"
    "  user add NAME --role ROLE     add a user; prints their API token once, as the last line\n"
    "  user list [--json]            list users, roles and whether they are disabled\n"
    "  user disable NAME             disable a user (their token fails on the next request)\n"
    "  token rotate NAME             give a user a new token (prints it, last line)\n"
    "  serve                         run the HTTP API\n"
    "  help                          this text\n"
    "\n"
    "Options:\n"
    "  --database URL                PostgreSQL URL (postgresql://user@host:port/db)\n"
    "  --config FILE                 YAML configuration (default /etc/sitrep/server.yaml when "
    "present)\n"
    "  --listen ADDR:PORT            serve: where to listen (default 127.0.0.1:8443)\n"
    "  --tls-cert FILE --tls-key FILE  serve: TLS (required off loopback)\n"
    "  --pool N                      serve: database connections of this instance (default 8)\n"
    "  --rate-limit N                serve: requests per second per token (default 200; 0: off)\n"
    "  --version                     print the version\n"
    "\n"
    "Roles: viewer, responder, commander, agent, admin.\n"
    "Environment: SITREP_DATABASE_URL (when no --database or configuration gives one).\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

struct Options {
    QStringList positional;
    QHash<QString, QString> values;
    QSet<QString> flags;
};

int usage(const QString &message)
{
    err() << "sitrep-server: " << message << " (see sitrep-server help)\n";
    err().flush();
    return 2;
}

int fail(const QString &message)
{
    err() << "sitrep-server: " << message << '\n';
    err().flush();
    return 1;
}

Result<Options> parse(const QStringList &args)
{
    static const QSet<QString> withValue{QStringLiteral("database"),   QStringLiteral("config"),
                                         QStringLiteral("listen"),     QStringLiteral("tls-cert"),
                                         QStringLiteral("tls-key"),    QStringLiteral("pool"),
                                         QStringLiteral("rate-limit"), QStringLiteral("role")};
    static const QSet<QString> flags{QStringLiteral("json"), QStringLiteral("help"),
                                     QStringLiteral("version")};
    Options o;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString a = args[i];
        if (!a.startsWith(u"--")) {
            o.positional << a;
            continue;
        }
        QString name = a.mid(2);
        QString value;
        const qsizetype eq = name.indexOf(u'=');
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
        }
        if (flags.contains(name) && eq < 0) {
            o.flags << name;
            continue;
        }
        if (!withValue.contains(name))
            return Result<Options>::fail(QStringLiteral("unknown option '--%1'").arg(name));
        if (eq < 0) {
            if (i + 1 >= args.size())
                return Result<Options>::fail(QStringLiteral("--%1 needs a value").arg(name));
            value = args[++i];
        }
        o.values.insert(name, value);
    }
    return o;
}

// The configuration file fills what the command line leaves open.
Status loadConfig(Options &o)
{
    QString path = o.values.value(QStringLiteral("config"));
    const bool explicitPath = !path.isEmpty();
    if (!explicitPath)
        path = QStringLiteral("/etc/sitrep/server.yaml");
    if (!QFile::exists(path)) {
        if (explicitPath)
            return Status::fail(QStringLiteral("no configuration file %1").arg(path));
        return {};
    }
    try {
        const YAML::Node root = YAML::LoadFile(path.toStdString());
        if (!root.IsMap())
            return Status::fail(QStringLiteral("%1: expected a mapping of settings").arg(path));
        // A setting is the command-line option of its name with '-' for '_'.
        static const QStringList keys{QStringLiteral("database"), QStringLiteral("listen"),
                                      QStringLiteral("tls_cert"), QStringLiteral("tls_key"),
                                      QStringLiteral("pool"),     QStringLiteral("rate_limit")};
        for (auto it = root.begin(); it != root.end(); ++it) {
            const QString key = QString::fromStdString(it->first.as<std::string>());
            if (!keys.contains(key))
                return Status::fail(QStringLiteral("%1: unknown setting '%2' (%3)")
                                        .arg(path, key, keys.join(QStringLiteral(", "))));
            const QString option = QString(key).replace(u'_', u'-');
            if (!o.values.contains(option))
                o.values.insert(option, QString::fromStdString(it->second.as<std::string>()));
        }
    } catch (const YAML::Exception &e) {
        return Status::fail(QStringLiteral("%1: %2").arg(path, QString::fromStdString(e.what())));
    }
    return {};
}

Result<QByteArray> databaseUrl(const Options &o)
{
    QString url = o.values.value(QStringLiteral("database"));
    if (url.isEmpty())
        url = qEnvironmentVariable("SITREP_DATABASE_URL");
    if (url.isEmpty())
        return Result<QByteArray>::fail(QStringLiteral(
            "no database: give --database URL, a configuration file, or SITREP_DATABASE_URL"));
    return url.toUtf8();
}

int sigFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(sigFd[1], &c, 1);
}

int serve(const Options &o, const QByteArray &url)
{
    ServerOptions so;
    so.databaseUrl = url;
    auto listen = ApiServer::parseListen(
        o.values.value(QStringLiteral("listen"), QStringLiteral("127.0.0.1:8443")));
    if (!listen)
        return usage(listen.errorMessage());
    so.address = listen->first;
    so.port = listen->second;
    so.tlsCert = o.values.value(QStringLiteral("tls-cert"));
    so.tlsKey = o.values.value(QStringLiteral("tls-key"));
    bool ok = true;
    if (o.values.contains(QStringLiteral("pool"))) {
        so.poolSize = o.values.value(QStringLiteral("pool")).toInt(&ok);
        if (!ok || so.poolSize < 1 || so.poolSize > 256)
            return usage(QStringLiteral("--pool must be 1 to 256"));
    }
    if (o.values.contains(QStringLiteral("rate-limit"))) {
        so.rateLimit = o.values.value(QStringLiteral("rate-limit")).toDouble(&ok);
        if (!ok || so.rateLimit < 0)
            return usage(
                QStringLiteral("--rate-limit must be a number of requests per second (0: off)"));
        so.rateBurst = qMax(1, int(so.rateLimit * 5));
    }
    // The schema must be current before anything is served.
    pg::Connection db(url);
    if (auto s = db.open(); !s)
        return fail(s.errorMessage());
    auto version = currentSchemaVersion(db);
    if (!version)
        return fail(version.errorMessage());
    if (*version != schemaVersion())
        return fail(QStringLiteral("the database is at schema %1, this server needs %2: run "
                                   "'sitrep-server migrate' first")
                        .arg(*version)
                        .arg(schemaVersion()));

    ApiServer server(so);
    if (auto s = server.start(); !s)
        return fail(s.errorMessage());
    // The test harness and the systemd unit read this line to learn the port.
    out() << "sitrep-server listening on " << so.address.toString() << ':' << server.port() << '\n';
    out().flush();

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sigFd) != 0)
        return fail(QStringLiteral("cannot set up signal handling"));
    QSocketNotifier notifier(sigFd[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &server, [&] {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(sigFd[0], &c, 1);
        server.shutdown();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    QObject::connect(&server, &ApiServer::stopped, qApp, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sitrep-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SITREP_VERSION));
    auto parsed = parse(app.arguments());
    if (!parsed)
        return usage(parsed.errorMessage());
    Options o = *parsed;
    if (o.flags.contains(QStringLiteral("version"))) {
        out() << "sitrep-server " << SITREP_VERSION << '\n';
        return 0;
    }
    const QString cmd = o.positional.value(0);
    if (cmd.isEmpty() || cmd == u"help" || o.flags.contains(QStringLiteral("help"))) {
        out() << kUsage;
        return cmd.isEmpty() && !o.flags.contains(QStringLiteral("help")) ? 2 : 0;
    }
    static const QStringList commands{QStringLiteral("migrate"), QStringLiteral("user"),
                                      QStringLiteral("token"), QStringLiteral("serve")};
    if (!commands.contains(cmd))
        return usage(QStringLiteral("unknown command '%1'").arg(cmd));
    if (auto s = loadConfig(o); !s)
        return fail(s.errorMessage());
    auto url = databaseUrl(o);
    if (!url)
        return usage(url.errorMessage());

    if (cmd == u"serve")
        return serve(o, *url);

    pg::Connection db(*url);
    if (auto s = db.open(); !s)
        return fail(s.errorMessage());
    if (cmd == u"migrate") {
        auto ran = migrate(db);
        if (!ran)
            return fail(ran.errorMessage());
        out() << (*ran == 0
                      ? QStringLiteral("schema is current (version %1)\n").arg(schemaVersion())
                      : QStringLiteral("applied %1 migration(s); schema version %2\n")
                            .arg(*ran)
                            .arg(schemaVersion()));
        return 0;
    }
    auto version = currentSchemaVersion(db);
    if (!version)
        return fail(version.errorMessage());
    if (*version != schemaVersion())
        return fail(
            QStringLiteral("the database is at schema %1: run 'sitrep-server migrate' first")
                .arg(*version));
    Users users(db);
    const QString sub = o.positional.value(1);
    const QString name = o.positional.value(2);
    if (cmd == u"user" && sub == u"add") {
        if (name.isEmpty())
            return usage(QStringLiteral("user add needs a NAME"));
        if (!o.values.contains(QStringLiteral("role")))
            return usage(QStringLiteral(
                "user add needs --role (viewer, responder, commander, agent or admin)"));
        auto role = parseRole(o.values.value(QStringLiteral("role")));
        if (!role)
            return usage(role.errorMessage());
        auto token = users.add(name, *role);
        if (!token)
            return fail(token.errorMessage());
        out() << "added " << name << " (" << roleName(*role) << "); their token, shown only now:\n"
              << *token << '\n';
        return 0;
    }
    if (cmd == u"user" && sub == u"list") {
        auto list = users.list();
        if (!list)
            return fail(list.errorMessage());
        if (o.flags.contains(QStringLiteral("json"))) {
            QJsonArray a;
            for (const UserRow &u : *list)
                a.append(QJsonObject{{QStringLiteral("name"), u.name},
                                     {QStringLiteral("role"), roleName(u.role)},
                                     {QStringLiteral("disabled"), u.disabled},
                                     {QStringLiteral("created"), u.createdAt},
                                     {QStringLiteral("token_set"), u.tokenSetAt}});
            out() << QJsonDocument(a).toJson(QJsonDocument::Indented);
            return 0;
        }
        out() << QStringLiteral("%1 %2 %3 %4\n")
                     .arg(QStringLiteral("NAME"), -24)
                     .arg(QStringLiteral("ROLE"), -10)
                     .arg(QStringLiteral("STATUS"), -9)
                     .arg(QStringLiteral("TOKEN SET"));
        for (const UserRow &u : *list)
            out() << QStringLiteral("%1 %2 %3 %4\n")
                         .arg(u.name, -24)
                         .arg(roleName(u.role), -10)
                         .arg(u.disabled ? QStringLiteral("disabled") : QStringLiteral("active"),
                              -9)
                         .arg(u.tokenSetAt);
        return 0;
    }
    if (cmd == u"user" && sub == u"disable") {
        if (name.isEmpty())
            return usage(QStringLiteral("user disable needs a NAME"));
        if (auto s = users.disable(name); !s)
            return fail(s.errorMessage());
        out() << "disabled " << name << "; their token no longer works\n";
        return 0;
    }
    if (cmd == u"token" && sub == u"rotate") {
        if (name.isEmpty())
            return usage(QStringLiteral("token rotate needs a NAME"));
        auto token = users.rotateToken(name);
        if (!token)
            return fail(token.errorMessage());
        out() << "new token for " << name << " (the old one no longer works), shown only now:\n"
              << *token << '\n';
        return 0;
    }
    return usage(QStringLiteral("unknown command '%1 %2'").arg(cmd, sub));
}
