// SPDX-License-Identifier: MIT
#pragma once

// Small helpers shared by the benchmarks: a monotonic stopwatch, number formatting and a
// plain-text table that reads well in a terminal and pastes into Markdown.

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace sitrep::bench {

/// CPU time of the calling thread in seconds (user + system). On a busy machine it says
/// more about the code than wall time does.
inline double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

class Stopwatch {
public:
    Stopwatch() : m_cpu(threadCpuSeconds()) { m_t.start(); }
    double seconds() const { return double(m_t.nsecsElapsed()) / 1e9; }
    double millis() const { return double(m_t.nsecsElapsed()) / 1e6; }
    double cpuSeconds() const { return threadCpuSeconds() - m_cpu; }
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

inline double median(QList<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

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
