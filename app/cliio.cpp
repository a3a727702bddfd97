// SPDX-License-Identifier: MIT
#include "app/cliio.h"

#include "app/clicommands.h"

#include "host/appcontext.h"
#include "sync/identity.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace sitrep::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QString outputError()
{
    auto *dev = qobject_cast<QFileDevice *>(out().device());
    const bool failed = out().status() != QTextStream::Ok || ferror(stdout) ||
                        (dev && dev->error() != QFileDevice::NoError);
    if (!failed)
        return {};
    return QStringLiteral("cannot write to standard output: %1")
        .arg(dev && dev->error() != QFileDevice::NoError ? dev->errorString()
                                                         : QStringLiteral("write failed"));
}

QString finishOutput()
{
    out().flush();
    if (auto *dev = qobject_cast<QFileDevice *>(out().device()))
        dev->flush();
    if (fflush(stdout) != 0 && out().status() == QTextStream::Ok)
        return QStringLiteral("cannot write to standard output: %1")
            .arg(QString::fromLocal8Bit(strerror(errno)));
    return outputError();
}

int failWith(const char *command, const QString &message)
{
    out().flush();
    // Messages quote what users, servers and payloads sent: never raw terminal controls.
    const QByteArray text = printable(message).toUtf8();
    if (command && *command)
        fprintf(stderr, "sitrep %s: %s\n", command, text.constData());
    else
        fprintf(stderr, "sitrep: %s\n", text.constData());
    return ExitFailure;
}

int usageFailWith(const char *command, const QString &message)
{
    failWith(command, message);
    return ExitUsage;
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                        .toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                  : QStringLiteral("-");
}

void printJson(const QJsonValue &value)
{
    const QJsonDocument d =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out() << d.toJson(QJsonDocument::Indented);
    out().flush();
}

void say(const QString &text)
{
    out() << printable(text) << '\n';
    out().flush();
}

void quitOnStopSignals()
{
    const auto quit = [](int) { QCoreApplication::quit(); };
    std::signal(SIGINT, quit);
    std::signal(SIGTERM, quit);
}

Result<QString> databasePath(const QString &dbOption, bool mayCreate, bool *created, bool startHint)
{
    const QString path = host::resolveDatabasePath(dbOption);
    const QFileInfo file(path);
    if (created)
        *created = !file.exists();
    if (file.exists())
        return path;
    if (!mayCreate)
        return Result<QString>::fail(
            startHint
                ? QStringLiteral("no database at %1 (sitrep create or sitrep demo starts one)")
                      .arg(path)
                : QStringLiteral("no database at %1").arg(path));
    if (!file.absoluteDir().exists()) {
        if (!dbOption.isEmpty() || !qEnvironmentVariableIsEmpty("SITREP_DB"))
            return Result<QString>::fail(
                QStringLiteral("no folder %1 for the database %2 (create the folder first)")
                    .arg(QDir::toNativeSeparators(file.absolutePath()), file.fileName()));
        if (!QDir().mkpath(file.absolutePath()))
            return Result<QString>::fail(QStringLiteral("cannot create the folder %1")
                                             .arg(QDir::toNativeSeparators(file.absolutePath())));
    }
    return path;
}

namespace {

/// "Unknown option 'colr'." becomes "Unknown option 'colr'; did you mean --colour?" when
/// one of the command's options is close.
QString parseError(const QCommandLineParser &p, const CommandSpec &spec)
{
    QString e = p.errorText();
    const QStringList unknown = p.unknownOptionNames();
    if (unknown.isEmpty())
        return e;
    QStringList names{QStringLiteral("help")};
    for (const auto &o : spec.options)
        names << o.name;
    const QString near = closestMatch(unknown.first(), names);
    if (near.isEmpty())
        return e;
    if (e.endsWith(u'.'))
        e.chop(1);
    return QStringLiteral("%1; did you mean --%2?").arg(e, near);
}

} // namespace

CliSession::CliSession(const QStringList &args, Wording wording)
    : m_spec(*findCommand(args.value(1))), m_args(args), m_wording(wording),
      m_name(wording.named ? m_spec.name.toUtf8() : QByteArray()),
      m_actor(sync::Identity::loginName())
{
    addTableOptions(m_parser, m_spec);
}

CliSession::~CliSession()
{
    if (!m_failed || !m_ctx)
        return;
    if (m_created && m_access == DbAccess::CreateIfDone) {
        removeDatabaseFiles();
        return;
    }
    if (!m_switchedWorkflow)
        return;
    if (m_previousWorkflow.isEmpty())
        (void)m_ctx->store().db().exec(QStringLiteral("DELETE FROM meta WHERE key='workflow'"));
    else
        (void)m_ctx->store().setMeta(QStringLiteral("workflow"), m_previousWorkflow);
}

bool CliSession::parse(int words, int minPositional, int maxPositional)
{
    QStringList a = m_args;
    a.remove(1, std::min<qsizetype>(words, a.size() - 1));
    if (!m_parser.parse(a))
        return stop(usage(parseError(m_parser, m_spec)));
    const QStringList pos = m_parser.positionalArguments();
    if (pos.size() < minPositional)
        return stop(
            usage(QStringLiteral("missing argument: sitrep %1 (see sitrep %2 --help)")
                      .arg(m_spec.args.isEmpty() ? m_spec.name : m_spec.name + u' ' + m_spec.args,
                           m_spec.name)));
    if (maxPositional >= 0 && pos.size() > maxPositional)
        return stop(usage(QStringLiteral("unexpected argument '%1'").arg(pos.at(maxPositional))));
    m_json = accepts("json") && m_parser.isSet(QStringLiteral("json"));
    return true;
}

bool CliSession::isSubcommand(const QString &name) const
{
    return std::any_of(m_spec.subcommands.cbegin(), m_spec.subcommands.cend(),
                       [&](const SubcommandSpec &s) { return s.name == name; });
}

bool CliSession::has(const char *option) const
{
    return m_parser.isSet(QString::fromLatin1(option));
}

QString CliSession::value(const char *option) const
{
    return m_parser.value(QString::fromLatin1(option));
}

QStringList CliSession::values(const char *option) const
{
    return m_parser.values(QString::fromLatin1(option));
}

bool CliSession::accepts(const char *option) const
{
    return std::any_of(m_spec.options.cbegin(), m_spec.options.cend(),
                       [&](const OptionSpec &o) { return o.name == QLatin1String(option); });
}

bool CliSession::open(DbAccess access, ActorCheck check)
{
    m_access = access;
    auto where = databasePath(accepts("db") ? value("db") : QString(), access != DbAccess::Existing,
                              &m_created, m_wording.startHint);
    if (!where)
        return stop(fail(where.errorMessage()));
    m_path = *where;
    QString chosenWorkflow;
    if (accepts("workflow") && has("workflow")) {
        // A new or empty database may start with any workflow; one that holds incidents
        // changes only through `sitrep workflow set`, which maps their states.
        if (!m_created) {
            store::Store probe;
            if (probe.open(m_path)) {
                if (probe.incidentCount() > 0)
                    return stop(
                        usage(QStringLiteral("--workflow is only for a database with no "
                                             "incidents yet; change this one's with `sitrep "
                                             "workflow set %1`")
                                  .arg(value("workflow"))));
                m_previousWorkflow = probe.meta(QStringLiteral("workflow"));
            }
        }
        chosenWorkflow = value("workflow");
        m_switchedWorkflow = true;
    }
    auto c = host::AppContext::open(m_path, chosenWorkflow);
    if (!c) {
        if (m_created)
            removeDatabaseFiles();
        return stop(fail(c.errorMessage()));
    }
    m_ctx = std::move(*c);
    if (!accepts("actor") || check == ActorCheck::OnWrite)
        return true;
    return resolveActor(check == ActorCheck::AtOpenViewersRead);
}

store::Store &CliSession::store()
{
    return m_ctx->store();
}

engine::LifecycleEngine &CliSession::engine()
{
    return m_ctx->engine();
}

qint64 CliSession::now() const
{
    return m_ctx->clock().nowMs();
}

QString CliSession::optionOrSetting(const char *option, const QString &key, const QString &fallback)
{
    return has(option) ? value(option) : m_ctx->store().meta(key, fallback);
}

bool CliSession::requireActor()
{
    return resolveActor(false);
}

bool CliSession::resolveActor(bool viewersRead)
{
    // With a back end the token's user, else --actor or the login name.
    const bool optionSet = accepts("actor") && has("actor");
    const auto inputs =
        sync::ActorInputs::commandLine(optionSet, optionSet ? value("actor") : QString());
    sync::Identity identity(m_ctx->store());
    auto who = identity.resolve(inputs);
    if (who) {
        m_actor = *who;
        return true;
    }
    if (viewersRead && who.error().code == sync::Identity::ReadOnly) {
        m_actor = identity.displayName(inputs);
        return true;
    }
    if (who.error().code == sync::Identity::ActorOptionRefused)
        return stop(usage(who.errorMessage()));
    return stop(fail(who.errorMessage()));
}

int CliSession::fail(const QString &message)
{
    m_failed = true;
    m_code = failWith(m_name.isEmpty() ? nullptr : m_name.constData(), message);
    return m_code;
}

int CliSession::usage(const QString &message)
{
    m_failed = true;
    m_code = usageFailWith(m_name.isEmpty() ? nullptr : m_name.constData(), message);
    return m_code;
}

int CliSession::unknownSubcommand(const QString &verb, HelpTo help)
{
    out().flush();
    if (help == HelpTo::Stdout) {
        out() << commandHelp(m_spec);
        out().flush();
    } else {
        fprintf(stderr, "%s", commandHelp(m_spec).toUtf8().constData());
    }
    if (verb.isEmpty())
        return m_code = ExitUsage;
    QStringList names;
    for (const auto &s : m_spec.subcommands)
        names << s.name;
    return usage(QStringLiteral("unknown %1 subcommand '%2'%3")
                     .arg(m_spec.name, verb, didYouMean(verb, names)));
}

bool CliSession::stop(int code)
{
    m_code = code; // as fail() or usage() set it
    return false;
}

void CliSession::removeDatabaseFiles()
{
    m_ctx.reset();
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(m_path + QLatin1String(suffix));
}

} // namespace sitrep::cli
