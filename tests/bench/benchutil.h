// SPDX-License-Identifier: MIT
#pragma once

// Small helpers shared by the benchmarks: the command line as a table of options, a
// monotonic stopwatch, number formatting and a plain-text table that reads well in a
// terminal and pastes into Markdown.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QStringList>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <optional>

namespace sitrep::bench {

/// One option of a benchmark's command line: a value option when it names its value (with
/// an optional default), else a flag. A value option with `atLeast` takes a whole number no
/// smaller than that.
struct Option {
    const char *name;
    const char *description;
    const char *valueName = nullptr;
    const char *defaultValue = nullptr;
    std::optional<qint64> atLeast = std::nullopt;
};

/// The command line parsed against a table of options (and --help); values read by name. A
/// value out of its option's bounds ends the program with a message naming the option, as a
/// malformed command line does.
class CommandLine {
public:
    CommandLine(QCoreApplication &app, std::initializer_list<Option> options,
                const QString &description = {})
    {
        if (!description.isEmpty())
            m_parser.setApplicationDescription(description);
        m_parser.addHelpOption();
        for (const Option &o : options) {
            const QString name = QString::fromLatin1(o.name);
            const QString text = QString::fromUtf8(o.description);
            m_parser.addOption(o.valueName ? QCommandLineOption(name, text,
                                                                QString::fromLatin1(o.valueName),
                                                                QString::fromUtf8(o.defaultValue))
                                           : QCommandLineOption(name, text));
        }
        m_parser.process(app);
        for (const Option &o : options) {
            if (!o.atLeast)
                continue;
            bool whole = false;
            const qint64 v = value(o.name).toLongLong(&whole);
            if (!whole || v < *o.atLeast) {
                fprintf(stderr, "%s: --%s must be a whole number of at least %lld\n",
                        qPrintable(QCoreApplication::applicationName()), o.name,
                        static_cast<long long>(*o.atLeast));
                std::exit(1);
            }
        }
    }
    QString value(const char *name) const { return m_parser.value(QString::fromLatin1(name)); }
    bool isSet(const char *name) const { return m_parser.isSet(QString::fromLatin1(name)); }

private:
    QCommandLineParser m_parser;
};

/// CPU time of the calling thread in seconds (user + system). On a busy machine it says
/// more about the code than wall time does.
inline double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// Wall and CPU time of one measured stretch; the stretches of a run add up.
struct Elapsed {
    double seconds = 0;
    double cpuSeconds = 0;
    Elapsed &operator+=(const Elapsed &o)
    {
        seconds += o.seconds;
        cpuSeconds += o.cpuSeconds;
        return *this;
    }
};

class Stopwatch {
public:
    Stopwatch() : m_cpu(threadCpuSeconds()) { m_t.start(); }
    double seconds() const { return double(m_t.nsecsElapsed()) / 1e9; }
    double millis() const { return double(m_t.nsecsElapsed()) / 1e6; }
    double cpuSeconds() const { return threadCpuSeconds() - m_cpu; }
    Elapsed elapsed() const { return {seconds(), cpuSeconds()}; }
    void restart()
    {
        m_t.restart();
        m_cpu = threadCpuSeconds();
    }

private:
    QElapsedTimer m_t;
    double m_cpu;
};

/// 1234567.8 -> "1,234,568"
inline QString num(double v, int decimals = 0)
{
    QString s = QString::number(v, 'f', decimals);
    const int dot = int(s.indexOf(u'.'));
    int end = dot < 0 ? int(s.size()) : dot;
    const int start = s.startsWith(u'-') ? 1 : 0;
    for (int i = end - 3; i > start; i -= 3)
        s.insert(i, u',');
    return s;
}

inline QString bytes(qint64 b)
{
    if (b >= 1024LL * 1024 * 1024)
        return QStringLiteral("%1 GiB").arg(double(b) / (1024.0 * 1024 * 1024), 0, 'f', 2);
    if (b >= 1024LL * 1024)
        return QStringLiteral("%1 MiB").arg(double(b) / (1024.0 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 KiB").arg(double(b) / 1024.0, 0, 'f', 1);
}

/// Each value with `decimals` decimals and `suffix` ("x" for a ratio), comma-separated: the
/// rounds of a comparison on one line.
inline QString each(const QList<double> &v, int decimals, const QString &suffix = {})
{
    QStringList out;
    for (double x : v)
        out << QString::number(x, 'f', decimals) + suffix;
    return out.join(QStringLiteral(", "));
}

inline double median(QList<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// The raw SQLite baseline of the sync benchmarks: a table shaped like the client's event log
/// at `path` (WAL, synchronous=NORMAL), its insert prepared (id, incident, hlc, ts, actor,
/// kind, payload, prev_hash, hash, origin) and one transaction begun; commit() ends it.
class RawEventLog {
public:
    explicit RawEventLog(const QString &path)
    {
        sqlite3_open(path.toUtf8().constData(), &m_db);
        sqlite3_exec(
            m_db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE events(seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, incident BLOB "
            "NOT NULL, hlc INTEGER, ts INTEGER,"
            " actor TEXT, kind TEXT, payload TEXT, prev_hash BLOB, hash BLOB, origin TEXT);",
            nullptr, nullptr, nullptr);
        sqlite3_prepare_v2(
            m_db,
            "INSERT INTO events(id,incident,hlc,ts,actor,kind,payload,prev_hash,hash,origin) "
            "VALUES(?,?,?,?,?,?,?,?,?,?)",
            -1, &m_insert, nullptr);
        sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
    }
    RawEventLog(const RawEventLog &) = delete;
    RawEventLog &operator=(const RawEventLog &) = delete;
    ~RawEventLog()
    {
        sqlite3_finalize(m_insert);
        sqlite3_close(m_db);
    }
    sqlite3_stmt *insert() const { return m_insert; }
    void commit() { sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr); }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_insert = nullptr;
};

/// Rows of cells printed as a Markdown table with padded columns.
class Table {
public:
    explicit Table(QStringList header) { m_rows << std::move(header); }
    void add(QStringList row) { m_rows << std::move(row); }
    void print(FILE *f = stdout) const
    {
        QList<int> w;
        for (const auto &r : m_rows)
            for (int i = 0; i < r.size(); ++i) {
                if (w.size() <= i)
                    w << 0;
                w[i] = std::max(w[i], int(r[i].size()));
            }
        auto line = [&](const QStringList &r) {
            QString s = QStringLiteral("|");
            for (int i = 0; i < w.size(); ++i)
                s += u' ' + r.value(i).leftJustified(w[i]) + QStringLiteral(" |");
            fprintf(f, "%s\n", s.toUtf8().constData());
        };
        line(m_rows.first());
        QStringList sep;
        for (int x : w)
            sep << QString(x, u'-');
        line(sep);
        for (int i = 1; i < m_rows.size(); ++i)
            line(m_rows[i]);
        fflush(f);
    }

private:
    QList<QStringList> m_rows;
};

} // namespace sitrep::bench
