// SPDX-License-Identifier: MIT
// Reads the layers as CMake declared them (<build>/layers.txt, written by
// cmake/SitrepLayers.cmake) and the sources themselves, and fails when
//  - a source includes a header of a layer its library does not link,
//  - a project include does not name its layer ("theme.h" instead of "ui/theme.h"), so it
//    would resolve by search order or by the including file's folder,
//  - a source file under models/, ui/ or app/ belongs to no library, or to two,
//  - the libraries' links form a cycle,
//  - a low layer links more than the layers below it, or a core library links a ui one.
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <functional>

namespace {

struct Layer {
    QString target;
    QString prefix;
    QString folder;
    QStringList links;
    QStringList files;
};

QString source(const QString &rel)
{
    return QStringLiteral(SITREP_SOURCE_DIR "/") + rel;
}

QList<Layer> readLayers()
{
    QList<Layer> layers;
    QFile f(QStringLiteral(SITREP_LAYERS_FILE));
    if (!f.open(QIODevice::ReadOnly))
        return layers;
    const auto lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const QStringList parts = line.split(QLatin1Char(' '));
        if (parts.size() != 5)
            continue;
        Layer l{
            parts[0], parts[1], parts[2], {}, parts[4].split(QLatin1Char(','), Qt::SkipEmptyParts)};
        if (parts[3] != QLatin1String("-"))
            l.links = parts[3].split(QLatin1Char(','));
        layers.append(l);
    }
    return layers;
}

QStringList quotedIncludes(const QString &path)
{
    static const QRegularExpression re(QStringLiteral("^\\s*#\\s*include\\s+\"([^\"]+)\""),
                                       QRegularExpression::MultilineOption);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList out;
    auto it = re.globalMatch(QString::fromUtf8(f.readAll()));
    while (it.hasNext())
        out << it.next().captured(1);
    return out;
}

} // namespace

class TstLayers : public QObject {
    Q_OBJECT
private:
    QList<Layer> m_layers;
    QHash<QString, QString> m_headerOwner; // "sync/outbox.h" -> sitrep_sync
    QHash<QString, QString> m_fileOwner;   // "models/sync/outbox.h" -> sitrep_sync
    QHash<QString, QSet<QString>> m_links;

private slots:
    void initTestCase()
    {
        m_layers = readLayers();
        QVERIFY2(m_layers.size() > 20,
                 "layers.txt is missing or nearly empty: reconfigure the build");
        for (const Layer &l : std::as_const(m_layers)) {
            m_links[l.target] = QSet<QString>(l.links.begin(), l.links.end());
            for (const QString &file : l.files) {
                QVERIFY2(!m_fileOwner.contains(file),
                         qPrintable(file + QStringLiteral(" is in two libraries: ") +
                                    m_fileOwner.value(file) + QStringLiteral(" and ") + l.target));
                m_fileOwner.insert(file, l.target);
                if (file.endsWith(QLatin1String(".h"))) {
                    const QString rel = file.mid(l.folder.size() + 1);
                    m_headerOwner.insert(l.prefix + QLatin1Char('/') + rel, l.target);
                }
            }
        }
    }

    void everySourceBelongsToALibrary()
    {
        QStringList orphans;
        for (const char *top : {"models", "ui", "app"}) {
            QDirIterator it(source(QString::fromLatin1(top)),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString rel = it.next().mid(QStringLiteral(SITREP_SOURCE_DIR "/").size());
                // The two programs' main() files are the executables themselves.
                if (rel == QLatin1String("app/main.cpp") ||
                    rel == QLatin1String("app/server/main.cpp"))
                    continue;
                if (!m_fileOwner.contains(rel))
                    orphans << rel;
            }
        }
        QVERIFY2(orphans.isEmpty(),
                 qPrintable(QStringLiteral("in no library: ") + orphans.join(QLatin1String(", "))));
    }

    void includesNameALinkedLayer()
    {
        QStringList problems;
        for (const Layer &l : std::as_const(m_layers)) {
            for (const QString &file : l.files) {
                for (const QString &inc : quotedIncludes(source(file))) {
                    if (inc.endsWith(QLatin1String(".moc")) || inc.startsWith(QLatin1String("ui_")))
                        continue; // generated next to the build
                    const QString owner = m_headerOwner.value(inc);
                    if (owner.isEmpty()) {
                        problems
                            << QStringLiteral("%1: \"%2\" is no layer's header").arg(file, inc);
                        continue;
                    }
                    if (owner != l.target && !m_links.value(l.target).contains(owner))
                        problems << QStringLiteral(
                                        "%1: includes \"%2\" of %3, which %4 does not link")
                                        .arg(file, inc, owner, l.target);
                }
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void layersFormNoCycle()
    {
        // Depth-first search over the links between the project's own libraries.
        QHash<QString, int> state; // 0 new, 1 on the path, 2 done
        QStringList path;
        QString cycle;
        std::function<bool(const QString &)> visit = [&](const QString &t) {
            state[t] = 1;
            path << t;
            for (const QString &next : m_links.value(t)) {
                if (!m_links.contains(next))
                    continue; // Qt or a third-party library
                if (state.value(next) == 1) {
                    cycle = (path.mid(path.indexOf(next)) << next).join(QLatin1String(" -> "));
                    return true;
                }
                if (state.value(next) == 0 && visit(next))
                    return true;
            }
            path.removeLast();
            state[t] = 2;
            return false;
        };
        for (const Layer &l : std::as_const(m_layers)) {
            if (state.value(l.target) == 0 && visit(l.target))
                break;
        }
        QVERIFY2(cycle.isEmpty(), qPrintable(QStringLiteral("cycle: ") + cycle));
    }
    void lowLayersDoNotReachUp_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("allowed");
        const auto l = [](std::initializer_list<const char *> names) {
            QStringList out;
            for (const char *n : names)
                out << QStringLiteral("sitrep_") + QLatin1String(n);
            return out;
        };
        QTest::newRow("util") << QStringLiteral("sitrep_util") << QStringList();
        QTest::newRow("domain") << QStringLiteral("sitrep_domain") << l({"util"});
        QTest::newRow("workflow") << QStringLiteral("sitrep_workflow") << l({"domain", "util"});
        QTest::newRow("store") << QStringLiteral("sitrep_store") << l({"domain", "util"});
        QTest::newRow("engine") << QStringLiteral("sitrep_engine")
                                << l({"domain", "workflow", "store", "util"});
        QTest::newRow("query") << QStringLiteral("sitrep_query") << l({"domain", "store", "util"});
        QTest::newRow("itemmodels")
            << QStringLiteral("sitrep_itemmodels")
            << l({"domain", "workflow", "store", "engine", "query", "util"});
        QTest::newRow("metrics") << QStringLiteral("sitrep_metrics")
                                 << l({"domain", "workflow", "store", "engine", "query", "util"});
        QTest::newRow("reminders") << QStringLiteral("sitrep_reminders")
                                   << l({"domain", "workflow", "store", "engine", "query", "util"});
        QTest::newRow("secrets") << QStringLiteral("sitrep_secrets") << l({"util"});
        QTest::newRow("aws") << QStringLiteral("sitrep_aws") << l({"secrets", "util"});
        QTest::newRow("http") << QStringLiteral("sitrep_http") << QStringList();
    }

    void lowLayersDoNotReachUp()
    {
        QFETCH(QString, target);
        QFETCH(QStringList, allowed);
        QVERIFY2(m_links.contains(target), qPrintable(target + QStringLiteral(" is not a layer")));
        for (const QString &to : m_links.value(target)) {
            if (to.startsWith(QLatin1String("sitrep_")))
                QVERIFY2(allowed.contains(to),
                         qPrintable(QStringLiteral("%1 links %2").arg(target, to)));
        }
    }

    void coreNeverLinksUi()
    {
        for (const Layer &l : std::as_const(m_layers)) {
            if (!l.folder.startsWith(QLatin1String("models/")))
                continue;
            for (const QString &to : l.links)
                QVERIFY2(!to.startsWith(QLatin1String("sitrep_ui")) &&
                             to != QLatin1String("sitrep_screenshots"),
                         qPrintable(QStringLiteral("%1 links %2").arg(l.target, to)));
        }
    }
};

QTEST_GUILESS_MAIN(TstLayers)
#include "tst_layers.moc"
