// SPDX-License-Identifier: MIT
#include "app/clicommands.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#ifndef SITREP_VERSION
#define SITREP_VERSION "unknown"
#endif

namespace sitrep::cli {

namespace {

const OptionSpec HelpOption{
    QStringLiteral("help"), {}, QStringLiteral("Show this help and exit."), {}};

QString optionSynopsis(const OptionSpec &o)
{
    return o.valueName.isEmpty() ? QStringLiteral("--%1").arg(o.name)
                                 : QStringLiteral("--%1 %2").arg(o.name, o.valueName);
}

// Two-column text: the left column padded to `width`, long left cells on a line of their own.
void row(QString &out, const QString &left, const QString &right, int width = 34)
{
    if (left.size() + 2 > width)
        out += QStringLiteral("  %1\n  %2%3\n").arg(left, QString(width, u' '), right);
    else
        out += QStringLiteral("  %1%2\n").arg(left.leftJustified(width), right);
}

QString commandSynopsis(const CommandSpec &c)
{
    return c.args.isEmpty() ? c.name : c.name + u' ' + c.args;
}

// roff: backslashes and hyphens escaped, a leading dot or quote neutralised.
QString roff(QString text)
{
    text.replace(u'\\', QStringLiteral("\\e"));
    text.replace(u'-', QStringLiteral("\\-"));
    if (text.startsWith(u'.') || text.startsWith(u'\''))
        text.prepend(QStringLiteral("\\&"));
    return text;
}

// Edits from a to b (insert, delete, replace, swap two neighbours: "lsit" is one from "list").
int editDistance(const QString &a, const QString &b)
{
    const qsizetype n = a.size(), m = b.size();
    QList<QList<int>> d(n + 1, QList<int>(m + 1));
    for (qsizetype i = 0; i <= n; ++i)
        d[i][0] = int(i);
    for (qsizetype j = 0; j <= m; ++j)
        d[0][j] = int(j);
    for (qsizetype i = 1; i <= n; ++i)
        for (qsizetype j = 1; j <= m; ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

} // namespace

const CommandSpec *findCommand(const QString &name)
{
    for (const CommandSpec &c : commands())
        if (c.name == name || c.aliases.contains(name))
            return &c;
    return nullptr;
}

QCommandLineOption tableOption(const QString &command, const QString &name)
{
    const CommandSpec *c = findCommand(command);
    if (c)
        for (const OptionSpec &o : c->options)
            if (o.name == name) {
                QCommandLineOption opt(o.name, o.help);
                if (!o.valueName.isEmpty())
                    opt.setValueName(o.valueName);
                if (!o.defaultValue.isEmpty())
                    opt.setDefaultValue(o.defaultValue);
                return opt;
            }
    fprintf(stderr, "sitrep: internal error: the command table has no option --%s for '%s'\n",
            name.toUtf8().constData(), command.toUtf8().constData());
    std::abort();
}

void addTableOptions(QCommandLineParser &parser, const CommandSpec &spec)
{
    for (const OptionSpec &o : spec.options)
        parser.addOption(tableOption(spec.name, o.name));
}

QString usageText()
{
    QString out = QStringLiteral("Usage: sitrep [COMMAND] [OPTIONS]\n"
                                 "With no command, opens the war-room window.\n\n"
                                 "Commands:\n");
    for (const CommandSpec &c : commands()) {
        // A group shows its subcommands, so the list alone says what each group does.
        QStringList subs;
        for (const SubcommandSpec &s : c.subcommands)
            subs << s.name;
        row(out,
            subs.isEmpty() ? commandSynopsis(c)
                           : QStringLiteral("%1 %2 ...").arg(c.name, subs.join(u'|')),
            c.summary);
    }
    out += QStringLiteral(
        "\n`sitrep COMMAND --help` (or `sitrep help COMMAND`) shows a command's options; every "
        "command\n"
        "that reads a database takes --db PATH (default: $SITREP_DB, else the application data\n"
        "folder). `sitrep --version` prints the version.\n"
        "Exit status: 0 done, 1 the command failed or was refused, 2 the command line was "
        "wrong.\n");
    return out;
}

QString commandHelp(const CommandSpec &c)
{
    QString out = QStringLiteral("Usage: sitrep %1\n%2\n").arg(commandSynopsis(c), c.summary);
    if (!c.details.isEmpty())
        out += u'\n' + c.details + u'\n';
    if (!c.subcommands.isEmpty()) {
        out += QStringLiteral("\nSubcommands:\n");
        for (const SubcommandSpec &s : c.subcommands)
            row(out, s.args.isEmpty() ? s.name : s.name + u' ' + s.args, s.summary);
    }
    out += QStringLiteral("\nOptions:\n");
    for (const OptionSpec &o : c.options)
        row(out, optionSynopsis(o), o.help);
    row(out, QStringLiteral("-h, --help"), HelpOption.help);
    return out;
}

QString manPage()
{
    QString m;
    const QString version = versionText();
    m += QStringLiteral(".TH SITREP 1 \"\" \"sitrep %1\" \"User Commands\"\n").arg(roff(version));
    m += QStringLiteral(
        ".SH NAME\nsitrep \\- incident war room for incident response, window and command line\n");
    m += QStringLiteral(".SH SYNOPSIS\n.B sitrep\n.RI [ COMMAND ]\n.RI [ OPTIONS ]\n.br\n.B "
                        "sitrep\n.I COMMAND\n.B \\-\\-help\n"
                        ".br\n.B sitrep \\-\\-version\n");
    m += QStringLiteral(
        ".SH DESCRIPTION\n"
        "Sitrep keeps every incident in a local SQLite database as an append\\-only event log with "
        "a\n"
        "per\\-incident hash chain, runs each change through a lifecycle workflow (states,\n"
        "transitions, guards, approvals, SLA clocks), and syncs with team back ends.\n"
        ".PP\n"
        "With no command, \\fBsitrep\\fR opens the war\\-room window. With a command, it works\n"
        "headless: every command prints one line naming the problem on standard error when it\n"
        "refuses, changes nothing then, and takes \\fB\\-\\-json\\fR where it prints data.\n"
        "\\fB\\-\\-db\\fR \\fIPATH\\fR may also come before the command.\n");
    m += QStringLiteral(".SH COMMANDS\n");
    for (const CommandSpec &c : commands()) {
        m += QStringLiteral(".SS \"%1\"\n")
                 .arg(roff(QStringLiteral("sitrep ") + commandSynopsis(c)));
        m += roff(c.summary) + u'\n';
        if (!c.details.isEmpty())
            m += QStringLiteral(".PP\n") + roff(c.details).replace(u'\n', u' ') + u'\n';
        for (const SubcommandSpec &s : c.subcommands)
            m +=
                QStringLiteral(".TP\n.B %1\n%2\n")
                    .arg(roff(s.args.isEmpty() ? s.name : s.name + u' ' + s.args), roff(s.summary));
        if (!c.options.isEmpty()) {
            m += QStringLiteral(".PP\nOptions:\n.RS\n");
            for (const OptionSpec &o : c.options) {
                if (o.valueName.isEmpty())
                    m += QStringLiteral(".TP\n.B \\-\\-%1\n").arg(roff(o.name));
                else
                    m += QStringLiteral(".TP\n.BI \\-\\-%1 \" %2\"\n")
                             .arg(roff(o.name), roff(o.valueName));
                m += roff(o.help) + u'\n';
            }
            m += QStringLiteral(".RE\n");
        }
    }
    m += QStringLiteral(
        ".SH OPTIONS\n"
        ".TP\n.B \\-h, \\-\\-help\nShow the usage, or a command's options after the command.\n"
        ".TP\n.B \\-\\-version\nPrint the version and exit.\n");
    m += QStringLiteral(
        ".SH EXIT STATUS\n"
        ".TP\n.B 0\nThe command did what it was asked.\n"
        ".TP\n.B 1\nThe command failed or was refused (invalid value, unknown incident, a "
        "transition the\n"
        "workflow does not allow, an unreadable file); nothing was changed.\n"
        ".TP\n.B 2\nThe command line was wrong: unknown command or option, missing or unexpected\n"
        "argument, an option used where it does not apply.\n");
    m += QStringLiteral(
        ".SH ENVIRONMENT\n"
        ".TP\n.B SITREP_DB\nDatabase file when \\fB\\-\\-db\\fR is not given.\n"
        ".TP\n.B SITREP_NOW\nPins the clock (ISO 8601 time or milliseconds since the epoch), for "
        "scripts and tests.\n"
        ".TP\n.B USER\nThe default actor recorded with each change (\\fB\\-\\-actor\\fR overrides "
        "it).\n"
        ".TP\n.B SITREP_BACKEND_TOKEN\nBearer token for \\fBsitrep sync\\fR (else a token file or "
        "the system keychain).\n"
        ".TP\n.B SITREP_INGEST_TOKEN\nBearer token the webhook listener accepts (else a token file "
        "or the system keychain).\n"
        ".TP\n.B SITREP_INGEST_LISTEN\nAddress the window's webhook listener binds.\n"
        ".TP\n.B SITREP_RUNBOOKS\nFolder of user runbooks.\n"
        ".TP\n.B SITREP_THEME\n\\fBlight\\fR or \\fBdark\\fR for the window (default: the "
        "system's).\n"
        ".TP\n.B AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, "
        "AWS_PROFILE\n"
        "AWS credentials and region for SQS and SNS, before the keychain and "
        "\\fI~/.aws/credentials\\fR.\n");
    m += QStringLiteral(
        ".SH FILES\n"
        ".TP\n.I ~/.local/share/sitrep/sitrep/sitrep.db\nThe default database (the application "
        "data folder).\n"
        ".TP\n.I ~/.aws/credentials\nShared AWS credentials, read and never copied.\n");
    m += QStringLiteral(".SH SEE ALSO\n.BR sqlite3 (1)\n");
    return m;
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = 0;
    const QString w = word.toLower();
    for (const QString &c : candidates) {
        const int d = editDistance(w, c.toLower());
        if (best.isEmpty() || d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    // Close means a typo, not another word: at most a third of the letters wrong.
    if (best.isEmpty() || bestDistance > std::max<qsizetype>(1, w.size() / 3))
        return {};
    return best;
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString near = closestMatch(word, candidates);
    return near.isEmpty() ? QString() : QStringLiteral("; did you mean '%1'?").arg(near);
}

bool asksForHelp(const QStringList &args)
{
    for (qsizetype i = 2; i < args.size(); ++i) {
        if (args[i] == u"--")
            return false;
        if (args[i] == u"--help" || args[i] == u"-h")
            return true;
    }
    return false;
}

QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c == u'\n' || c == u'\t') {
            out += text[i];
            continue;
        }
        if (c == 0x1b || c == 0x9b || c == 0x9d) {
            // An escape sequence: drop it whole. CSI runs to a final byte (@ to ~); OSC (and
            // DCS, PM, APC) to BEL or ST; anything else is ESC and one character.
            const char16_t kind = c == 0x9b   ? u'['
                                  : c == 0x9d ? u']'
                                              : (i + 1 < text.size() ? text[i + 1].unicode() : 0);
            if (c == 0x1b && kind)
                ++i;
            if (kind == u'[') {
                while (i + 1 < text.size() &&
                       !(text[i + 1].unicode() >= 0x40 && text[i + 1].unicode() <= 0x7e))
                    ++i;
                ++i;
            } else if (kind == u']' || kind == u'P' || kind == u'^' || kind == u'_') {
                while (
                    i + 1 < text.size() && text[i + 1].unicode() != 0x07 &&
                    !(text[i + 1].unicode() == 0x1b && i + 2 < text.size() && text[i + 2] == u'\\'))
                    ++i;
                i += (i + 1 < text.size() && text[i + 1].unicode() == 0x1b) ? 2 : 1;
            }
            continue;
        }
        if (text[i].category() == QChar::Other_Control)
            continue;
        out += text[i];
    }
    return out;
}

QString versionText()
{
    return QStringLiteral(SITREP_VERSION);
}

} // namespace sitrep::cli
