// SPDX-License-Identifier: MIT
// The include graph between folders: each folder of models/ and each folder of ui/ is a
// library of its own, so no two of them may include each other, directly or round a loop,
// and the low layers never reach up. Read from the source tree, the way the compiler
// resolves a quoted include (the including file's folder first, then ui/, then models/).
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <functional>

namespace {

using Graph = QHash<QString, QSet<QString>>;

const QString Root = QStringLiteral(SITREP_SOURCE_DIR);

/// "models/engine", "ui/wall", "ui" (the files directly in ui/), or empty (elsewhere).
QString folderOf(const QString &path)
{
    const QStringList parts = path.mid(Root.size() + 1).split(u'/');
    if (parts.size() > 2 && parts[0] == u"models")
        return parts[0] + u'/' + parts[1];
    if (parts.size() >= 2 && parts[0] == u"ui")
        return parts.size() > 2 ? parts[0] + u'/' + parts[1] : parts[0];
    return {};
}

Graph includeGraph(QHash<QPair<QString, QString>, QString> *example = nullptr)
{
    static const QRegularExpression include(
        QStringLiteral("^\\s*#\\s*include\\s+\"([^\"]+)\""), QRegularExpression::MultilineOption);
    Graph graph;
    for (const QString &top : {QStringLiteral("models"), QStringLiteral("ui")}) {
        QDirIterator it(Root + u'/' + top, {QStringLiteral("*.h"), QStringLiteral("*.cpp")},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString from = folderOf(path);
            if (from.isEmpty())
                continue;
            graph[from];
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QString text = QString::fromUtf8(f.readAll());
            for (auto m = include.globalMatch(text); m.hasNext();) {
                const QString name = m.next().captured(1);
                QStringList candidates{QFileInfo(path).absolutePath() + u'/' + name};
                if (top == u"ui")
                    candidates << Root + QStringLiteral("/ui/") + name;
                candidates << Root + QStringLiteral("/models/") + name;
                for (const QString &c : candidates) {
                    if (!QFileInfo::exists(c))
                        continue;
                    const QString to = folderOf(QFileInfo(c).absoluteFilePath());
                    if (!to.isEmpty() && to != from) {
                        graph[from].insert(to);
                        if (example && !example->contains({from, to}))
                            example->insert({from, to}, path.mid(Root.size() + 1) + QStringLiteral(" -> ") + name);
                    }
                    break;
                }
            }
        }
    }
    return graph;
}

/// The folders on some loop (strongly connected components of more than one folder).
QList<QStringList> cycles(const Graph &graph)
{
    QHash<QString, int> index, low;
    QStringList stack;
    QSet<QString> onStack;
    QList<QStringList> out;
    int counter = 0;
    std::function<void(const QString &)> visit = [&](const QString &v) {
        index[v] = low[v] = counter++;
        stack << v;
        onStack.insert(v);
        for (const QString &w : graph.value(v)) {
            if (!index.contains(w)) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (onStack.contains(w)) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] == index[v]) {
            QStringList component;
            QString w;
            do {
                w = stack.takeLast();
                onStack.remove(w);
                component << w;
            } while (w != v);
            if (component.size() > 1) {
                component.sort();
                out << component;
            }
        }
    };
    QStringList nodes = graph.keys();
    nodes.sort();
    for (const QString &v : std::as_const(nodes))
        if (!index.contains(v))
            visit(v);
    return out;
}

QString describe(const Graph &graph)
{
    QStringList nodes = graph.keys();
    nodes.sort();
    QString out;
    for (const QString &n : std::as_const(nodes)) {
        QStringList to(graph.value(n).cbegin(), graph.value(n).cend());
        to.sort();
        out += QStringLiteral("%1 -> %2\n").arg(n, -18).arg(to.join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void folders_includeEachOtherWithoutCycles()
    {
        QHash<QPair<QString, QString>, QString> example;
        const Graph graph = includeGraph(&example);
        QVERIFY(graph.contains(QStringLiteral("models/engine")));
        qInfo().noquote() << "\n" + describe(graph);
        QStringList problems;
        for (const QStringList &loop : cycles(graph)) {
            problems << loop.join(QStringLiteral(" <-> "));
            for (const QString &a : loop)
                for (const QString &b : loop)
                    if (graph.value(a).contains(b))
                        problems << QStringLiteral("    ") + example.value({a, b});
        }
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QStringLiteral("include cycles:\n") + problems.join(u'\n')));
    }

    void lowLayers_doNotReachUp_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QStringList>("allowed");
        const auto l = [](std::initializer_list<const char *> names) {
            QStringList out;
            for (const char *n : names)
                out << QStringLiteral("models/") + QLatin1String(n);
            return out;
        };
        QTest::newRow("domain") << QStringLiteral("models/domain") << l({"util"});
        QTest::newRow("workflow") << QStringLiteral("models/workflow") << l({"domain", "util"});
        QTest::newRow("store") << QStringLiteral("models/store") << l({"domain", "util"});
        QTest::newRow("engine") << QStringLiteral("models/engine")
                                << l({"domain", "workflow", "store", "util"});
        QTest::newRow("query") << QStringLiteral("models/query") << l({"domain", "store", "util"});
        QTest::newRow("itemmodels") << QStringLiteral("models/itemmodels")
                                    << l({"domain", "store", "engine", "query", "util"});
        QTest::newRow("metrics") << QStringLiteral("models/metrics")
                                 << l({"domain", "store", "engine", "query", "util"});
        QTest::newRow("reminders") << QStringLiteral("models/reminders")
                                   << l({"domain", "workflow", "store", "engine", "query", "util"});
    }

    void lowLayers_doNotReachUp()
    {
        QFETCH(QString, folder);
        QFETCH(QStringList, allowed);
        QHash<QPair<QString, QString>, QString> example;
        const Graph graph = includeGraph(&example);
        for (const QString &to : graph.value(folder))
            QVERIFY2(allowed.contains(to), qPrintable(example.value({folder, to})));
    }

    void models_neverIncludeUi()
    {
        QHash<QPair<QString, QString>, QString> example;
        const Graph graph = includeGraph(&example);
        for (auto it = graph.cbegin(); it != graph.cend(); ++it) {
            if (!it.key().startsWith(u"models/"))
                continue;
            for (const QString &to : it.value())
                QVERIFY2(to.startsWith(u"models/"), qPrintable(example.value({it.key(), to})));
        }
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
