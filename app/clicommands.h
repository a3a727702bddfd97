// SPDX-License-Identifier: MIT
// The command table: every command of the `sitrep` binary with its summary, arguments,
// options and handler. Usage, `--help` on every command, `sitrep help --man` and dispatch
// all read it, so what the help says is what the parser accepts.
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

namespace sitrep::cli {

/// Exit status: the command ran; it failed or was refused; the command line was wrong.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

struct OptionSpec {
    QString name;      // long name, without dashes
    QString valueName; // empty for a flag
    QString help;
    QString defaultValue;
};

struct SubcommandSpec {
    QString name;
    QString args; // what follows the subcommand, e.g. "NUMBER --format md|html|pdf --out FILE"
    QString summary;
};

struct CommandSpec {
    using Handler = int (*)(const QStringList &args);
    QString name;
    QStringList aliases;
    QString args; // what follows the name in the synopsis
    QString summary;
    QList<OptionSpec> options; // everything the command accepts, besides --help
    QList<SubcommandSpec> subcommands;
    Handler handler = nullptr; // null: a window command, run by the GUI entry point
    QString details;           // a paragraph the help and the manual print after the summary
};

/// The table, in the order usage lists it.
const QList<CommandSpec> &commands();
/// The command named `name` (or one of its aliases); null when there is none.
const CommandSpec *findCommand(const QString &name);
/// The option of `command` named `name`, as the table declares it. A name the table lacks
/// is a programming error: it fails loudly at the first run of that command.
QCommandLineOption tableOption(const QString &command, const QString &name);
/// Adds every option of `spec` to `parser`.
void addTableOptions(QCommandLineParser &parser, const CommandSpec &spec);

/// `sitrep help`: every command with its summary.
QString usageText();
/// `sitrep COMMAND --help`: synopsis, summary, subcommands and options.
QString commandHelp(const CommandSpec &spec);
/// `sitrep help --man`: a section 1 manual page in roff (man macros).
QString manPage();
/// The closest of `candidates` to a mistyped `word`, or empty when none is close.
QString closestMatch(const QString &word, const QStringList &candidates);
/// "; did you mean 'NEAR'?" for the closest of `candidates` to `word`, or empty.
QString didYouMean(const QString &word, const QStringList &candidates);
/// True when args (after the command word) ask for help: -h or --help before a "--".
bool asksForHelp(const QStringList &args);
/// `text` with terminal control characters (escape sequences, bells, carriage returns)
/// removed; line breaks and tabs kept. For text from a server, an alert or a payload.
QString printable(const QString &text);

/// Name of the program's version, from the build.
QString versionText();

} // namespace sitrep::cli
