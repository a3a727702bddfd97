// SPDX-License-Identifier: MIT
// The victim of tst_crash: applies commands to a database in an endless loop through the
// real engine, and after each commit prints "C <event id>..." for the events it committed.
// The test kills it with SIGKILL at a random moment.
#include "host/appcontext.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QRandomGenerator>

#include <cstdio>

using namespace sitrep;
using engine::Command;

static void report(const QList<Result<engine::Outcome>> &results)
{
    QByteArray line("C");
    for (const auto &r : results)
        if (r)
            for (const auto &e : r->events)
                line += ' ' + e.id.toLatin1();
    line += '\n';
    fwrite(line.constData(), 1, size_t(line.size()), stdout);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: crashchild DB SEED\n");
        return 2;
    }
    auto ctx = host::AppContext::open(QString::fromLocal8Bit(argv[1]));
    if (!ctx) {
        fprintf(stderr, "crashchild: %s\n", qPrintable(ctx.errorMessage()));
        return 1;
    }
    auto &eng = (*ctx)->engine();
    auto &store = (*ctx)->store();
    QRandomGenerator rng(quint32(QByteArray(argv[2]).toUInt()));
    static const char *const severities[] = {"critical", "high", "medium", "low"};
    auto openCmd = [&](int i) {
        return Command::open(
            {{QStringLiteral("title"), QStringLiteral("crash test %1").arg(i)},
             {QStringLiteral("severity"), QString::fromLatin1(severities[rng.bounded(4)])},
             {QStringLiteral("description"), QStringLiteral("written by the crash test child")}},
            QStringLiteral("crash"));
    };
    auto someIncident = [&]() -> std::optional<domain::Incident> {
        const qint64 n = store.incidentCount();
        if (n == 0)
            return std::nullopt;
        return store.incidentByRowId(1 + rng.bounded(int(n)));
    };
    fputs("READY\n", stdout);
    fflush(stdout);
    for (int i = 0;; ++i) {
        const int op = rng.bounded(100);
        QList<Command> cmds;
        if (op < 20) {
            cmds << openCmd(i);
        } else if (op < 55) {
            if (auto inc = someIncident())
                cmds << Command::note(
                    inc->uid,
                    QStringLiteral("note %1 %2").arg(i).arg(QString(rng.bounded(200), u'x')),
                    QStringLiteral("crash"));
        } else if (op < 75) {
            if (auto inc = someIncident()) {
                const QStringList targets = eng.allowedTransitions(*inc);
                if (!targets.isEmpty()) {
                    if (inc->priority == domain::Priority::P1)
                        cmds << Command::approve(inc->uid, QStringLiteral("crash"));
                    cmds << Command::transition(
                        inc->uid, targets[rng.bounded(int(targets.size()))],
                        QStringLiteral("crash"),
                        {{QStringLiteral("resolution_note"), QStringLiteral("fixed")},
                         {QStringLiteral("root_cause"), QStringLiteral("software")}});
                }
            }
        } else {
            // A big transaction: many opens and notes at once.
            for (int k = 0; k < 20; ++k) {
                if (k % 4 == 0)
                    cmds << openCmd(i * 100 + k);
                else if (auto inc = someIncident())
                    cmds << Command::note(inc->number,
                                          QStringLiteral("batch note %1/%2").arg(i).arg(k),
                                          QStringLiteral("crash"));
            }
        }
        if (cmds.isEmpty())
            cmds << openCmd(i);
        auto r = eng.executeBatch(cmds);
        if (!r) {
            fprintf(stderr, "crashchild: %s\n", qPrintable(r.errorMessage()));
            return 1;
        }
        report(*r);
    }
}
