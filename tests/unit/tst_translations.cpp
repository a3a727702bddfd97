// SPDX-License-Identifier: MIT
// The German catalogue: every message in translations/sitrep_de.ts has a finished
// translation, and the compiled catalogue the app embeds reaches the models at run time
// (a tr() context that lupdate misread would leave them in English).
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/workspacemodels.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace sitrep;

class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void german_everyMessageIsTranslated()
    {
        QFile ts(QStringLiteral(SITREP_SOURCE_DIR "/translations/sitrep_de.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&ts);
        QString context, source;
        QStringList missing;
        int messages = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            if (xml.name() == u"name")
                context = xml.readElementText();
            else if (xml.name() == u"source")
                source = xml.readElementText();
            else if (xml.name() == u"translation") {
                ++messages;
                const bool unfinished = xml.attributes().value(QStringLiteral("type")) == u"unfinished";
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (unfinished || text.isEmpty())
                    missing << context + QStringLiteral(": ") + source;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(messages > 600);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
    }

    void german_reachesTheModels()
    {
        // qt_add_translations compiles the catalogue next to the app's own build folder.
        const QString qm = QFileInfo(QStringLiteral(SITREP_BINARY)).dir().filePath(QStringLiteral("app/sitrep_de.qm"));
        QTranslator tr;
        QVERIFY2(tr.load(qm), qPrintable(qm));
        QCoreApplication::installTranslator(&tr);
        itemmodels::StatusUpdateModel updates;
        QCOMPARE(updates.headerData(itemmodels::StatusUpdateModel::Audience, Qt::Horizontal).toString(), QStringLiteral("Zielgruppe"));
        QCOMPARE(updates.headerData(itemmodels::StatusUpdateModel::Message, Qt::Horizontal).toString(), QStringLiteral("Meldung"));
        itemmodels::EvidenceModel evidence;
        QCOMPARE(evidence.headerData(itemmodels::EvidenceModel::Who, Qt::Horizontal).toString(), QStringLiteral("Wer"));
        QCOMPARE(itemmodels::incidentColumnTitle(itemmodels::IncidentColumn::Created), QStringLiteral("Erstellt"));
        QCoreApplication::removeTranslator(&tr);
        QCOMPARE(updates.headerData(itemmodels::StatusUpdateModel::Audience, Qt::Horizontal).toString(), QStringLiteral("Audience"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
