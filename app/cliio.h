// SPDX-License-Identifier: MIT
// What every command of the `sitrep` binary shares: its standard output, the one line it
// prints for a problem, and the database it works on with the options of its table entry
// (CliSession). Every command-line handler opens its database through CliSession::open().
#pragma once

#include "app/clicommands.h"

#include "host/appcontext.h"
#include "util/result.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <memory>
#include <optional>

namespace sitrep::cli {

/// Standard output for every command, buffered; flushed before anything goes to stderr.
QTextStream &out();
/// Why standard output lost what was written to it ("cannot write to standard output:
/// REASON"), or empty while it is fine.
QString outputError();
/// Flushes out() and standard output; outputError() if anything was lost.
QString finishOutput();

/// Prints "sitrep[ COMMAND]: MESSAGE" on stderr after flushing out(), without terminal
/// control characters; returns exit code 1.
int failWith(const char *command, const QString &message);
/// failWith() for a command line that is wrong: returns exit code 2.
int usageFailWith(const char *command, const QString &message);

/// A time as "yyyy-MM-dd HH:mm" (UTC), or "-" for none.
QString when(qint64 ms);
/// An object or array as indented JSON on out(), flushed.
void printJson(const QJsonValue &value);
/// What `toJson` makes of each item of `list` (by default the item's toJson()), as an array.
template <typename List, typename ToJson> QJsonArray jsonArray(const List &list, ToJson toJson)
{
    QJsonArray a;
    for (const auto &item : list)
        a.append(toJson(item));
    return a;
}
template <typename List> QJsonArray jsonArray(const List &list)
{
    return jsonArray(list, [](const auto &item) { return item.toJson(); });
}
/// One line on out(), flushed, without terminal control characters: for text that came
/// from a back end, a remediation target or the settings.
void say(const QString &text);

/// Runs `start`, which calls back with a Result<T> once done, and waits for that answer in
/// an event loop; "interrupted" when the loop ends first (Ctrl-C, see quitOnStopSignals()).
template <typename T, typename Start> Result<T> waitFor(Start &&start)
{
    std::optional<Result<T>> answer;
    QEventLoop loop;
    start([&](Result<T> r) {
        answer.emplace(std::move(r));
        loop.quit();
    });
    if (!answer)
        loop.exec();
    if (!answer)
        return Result<T>::fail(QStringLiteral("interrupted"));
    return std::move(*answer);
}

/// SIGINT and SIGTERM end the application's event loop, so a long-running command (a
/// listener, a consumer, a dispatcher) stops cleanly between two commits.
void quitOnStopSignals();

/// The database a command works on: --db, else $SITREP_DB, else the application data
/// folder. A missing file is an error unless the command may start a database
/// (`mayCreate`), and a missing folder is an error for a path the user gave: a mistyped
/// --db never becomes a silently empty cache somewhere new. The default folder is made on
/// first use. `created` says whether the file is not there yet. The error for a missing
/// file says how to start one unless `startHint` is false.
Result<QString> databasePath(const QString &dbOption, bool mayCreate, bool *created = nullptr,
                             bool startHint = true);

/// What a command may do when its database is not there yet.
enum class DbAccess {
    /// It must be there: "no database at PATH (sitrep create or sitrep demo starts one)".
    Existing,
    /// Start one (never in a folder that is not there). It stays when the command fails
    /// later on: a listener or a consumer keeps what it took in.
    MayCreate,
    /// Start one, and remove it again when the command fails: a refused command leaves
    /// nothing behind.
    CreateIfDone,
};

/// When a command that takes --actor learns who acts (sync/identity.h has the rule).
enum class ActorCheck {
    /// As the database opens: a refused --actor is a usage error (2), any other problem
    /// (an identity nobody can name yet, a viewer) a failure (1).
    AtOpen,
    /// The same, except that a viewer reads, under the best name known.
    AtOpenViewersRead,
    /// Only when requireActor() is called, before something is recorded.
    OnWrite,
};

/// Where the help of a command group goes when its subcommand is missing or unknown.
enum class HelpTo { Stdout, Stderr };

/// How a command words its messages.
struct Wording {
    bool named = false;    // "sitrep COMMAND: MESSAGE" instead of "sitrep: MESSAGE"
    bool startHint = true; // a missing database says how to start one (triage's never has)
};

/// One run of a command. The parser holds the options of the command's table entry
/// (args[1] names it). The database is --db, else $SITREP_DB, else the application data
/// folder (databasePath() in cliio.h). Problems print one line, "sitrep[ COMMAND]: MESSAGE",
/// and give the exit status: 1 when the command failed or was refused, 2 when the command
/// line was wrong. After a failure (fail() or usage()), a database this run started with
/// DbAccess::CreateIfDone is removed again, and a workflow it chose is forgotten.
class CliSession {
public:
    explicit CliSession(const QStringList &args, Wording wording = {});
    ~CliSession();
    CliSession(const CliSession &) = delete;
    CliSession &operator=(const CliSession &) = delete;

    // The command line.

    /// Parses the arguments after the first `words` (1: the command word; 2: also a
    /// subcommand the handler dispatched on) and checks how many positional arguments there
    /// are (`maxPositional` -1: any number). On a problem prints it and returns false, with
    /// code() the exit status.
    bool parse(int words = 1, int minPositional = 0, int maxPositional = -1);
    const CommandSpec &spec() const { return m_spec; }
    bool has(const char *option) const;
    QString value(const char *option) const;
    QStringList values(const char *option) const;
    QString pos(int i) const { return m_parser.positionalArguments().value(i); }
    QStringList positional() const { return m_parser.positionalArguments(); }
    /// `name` is one of the subcommands the table lists for this command.
    bool isSubcommand(const QString &name) const;
    /// --json was given (to a command that takes it).
    bool json() const { return m_json; }

    // The database.

    /// Opens the database and, for a command that takes --actor, learns who acts as
    /// `check` says (a command without --actor acts as the login name). A --workflow the
    /// command takes is saved as the database's workflow, for a database with no incidents
    /// yet. On a problem prints it and returns false, with code() the exit status.
    bool open(DbAccess access, ActorCheck check = ActorCheck::AtOpen);
    host::AppContext &context() { return *m_ctx; }
    store::Store &store();
    engine::LifecycleEngine &engine();
    qint64 now() const;
    /// The value of --OPTION when given, else the database's setting `key` (`fallback` when
    /// that is not set either).
    QString optionOrSetting(const char *option, const QString &key, const QString &fallback = {});
    /// Who acts: as open() or requireActor() resolved it, else the login name.
    QString actor() const { return m_actor; }
    /// Resolves who acts (ActorCheck::OnWrite); false, after printing why, when nobody may.
    bool requireActor();

    // Outcomes.

    /// Prints the message; returns 1.
    int fail(const QString &message);
    /// Prints the message for a wrong command line; returns 2.
    int usage(const QString &message);
    /// The exit status of the last problem: after parse(), open() or requireActor()
    /// returned false, or fail() or usage().
    int code() const { return m_code; }
    /// For a group's missing or unknown subcommand `verb`: the group's help, then for an
    /// unknown one the reason with the closest subcommand. Returns 2.
    int unknownSubcommand(const QString &verb, HelpTo help);

private:
    bool accepts(const char *option) const;
    bool resolveActor(bool viewersRead);
    bool stop(int code); // false, for `return stop(fail(...))`
    void removeDatabaseFiles();

    const CommandSpec &m_spec;
    const QStringList m_args;
    const Wording m_wording;
    const QByteArray m_name; // the command, for "sitrep COMMAND: ..."
    QCommandLineParser m_parser;
    std::unique_ptr<host::AppContext> m_ctx;
    QString m_path;
    QString m_actor;
    DbAccess m_access = DbAccess::Existing;
    bool m_json = false;
    int m_code = ExitOk;
    bool m_failed = false;
    bool m_created = false;
    bool m_switchedWorkflow = false;
    QString m_previousWorkflow;
};

/// The handler of a command that takes `minPositional` to `maxPositional` arguments (-1: any
/// number): `work` runs once they are in order, and opens what it needs itself.
template <int (*work)(CliSession &), int minPositional = 0, int maxPositional = -1>
int onArguments(const QStringList &args)
{
    CliSession s(args);
    if (!s.parse(1, minPositional, maxPositional))
        return s.code();
    return work(s);
}

/// `work` once the existing database is open.
template <int (*work)(CliSession &)> int onOpenDatabase(CliSession &s)
{
    return s.open(DbAccess::Existing) ? work(s) : s.code();
}

/// The handler of a command that takes `minPositional` to `maxPositional` arguments (-1: any
/// number) and works on an existing database: `work` runs once both are in order.
template <int (*work)(CliSession &), int minPositional, int maxPositional>
int onDatabase(const QStringList &args)
{
    return onArguments<onOpenDatabase<work>, minPositional, maxPositional>(args);
}

} // namespace sitrep::cli
