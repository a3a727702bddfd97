// SPDX-License-Identifier: MIT
// The German catalogue: every message in translations/sitrep_de.ts has a finished
// translation, and the compiled catalogue the app embeds reaches the models at run time
// (a tr() context that lupdate misread would leave them in English).
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidentdetails.h"
#include "itemmodels/workspacemodels.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace sitrep;

namespace {

/// The German catalogue: qt_add_translations compiles it next to the app's own build folder.
QString germanCatalogue()
{
    return QFileInfo(QStringLiteral(SITREP_BINARY))
        .dir()
        .filePath(QStringLiteral("app/sitrep_de.qm"));
}

} // namespace

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
                const bool unfinished =
                    xml.attributes().value(QStringLiteral("type")) == u"unfinished";
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
        QTranslator tr;
        QVERIFY2(tr.load(germanCatalogue()), qPrintable(germanCatalogue()));
        QCoreApplication::installTranslator(&tr);
        itemmodels::StatusUpdateModel updates;
        QCOMPARE(
            updates.headerData(itemmodels::StatusUpdateModel::Audience, Qt::Horizontal).toString(),
            QStringLiteral("Zielgruppe"));
        QCOMPARE(
            updates.headerData(itemmodels::StatusUpdateModel::Message, Qt::Horizontal).toString(),
            QStringLiteral("Meldung"));
        itemmodels::EvidenceModel evidence;
        QCOMPARE(evidence.headerData(itemmodels::EvidenceModel::Who, Qt::Horizontal).toString(),
                 QStringLiteral("Wer"));
        QCOMPARE(itemmodels::incidentColumnTitle(itemmodels::IncidentColumn::Created),
                 QStringLiteral("Erstellt"));
        QCoreApplication::removeTranslator(&tr);
        QCOMPARE(
            updates.headerData(itemmodels::StatusUpdateModel::Audience, Qt::Horizontal).toString(),
            QStringLiteral("Audience"));
    }

    void german_statesSeveritiesAndTimelineToo()
    {
        QTranslator tr;
        QVERIFY2(tr.load(germanCatalogue()), qPrintable(germanCatalogue()));
        QCoreApplication::installTranslator(&tr);
        // The presets' states (labels and ids) and the severities read in German.
        QCOMPARE(itemmodels::workflowStateLabel(QStringLiteral("Investigating")),
                 QStringLiteral("In Untersuchung"));
        QCOMPARE(itemmodels::workflowStateLabel(QStringLiteral("triggered")),
                 QStringLiteral("ausgelöst"));
        QCOMPARE(itemmodels::workflowStateLabel(QStringLiteral("Pending Customer")),
                 QStringLiteral("Wartet auf Kunden"));
        QCOMPARE(itemmodels::workflowStateLabel(QStringLiteral("My own state")),
                 QStringLiteral("My own state"));
        QCOMPARE(itemmodels::severityText(1), QStringLiteral("SEV1 kritisch"));
        QCOMPARE(itemmodels::severityText(4), QStringLiteral("SEV4 niedrig"));
        // Timeline sentences: transitions and the audience of a status update.
        domain::Event e;
        e.kind = domain::kinds::Transitioned;
        e.payload = {{QStringLiteral("from"), QStringLiteral("triggered")},
                     {QStringLiteral("to"), QStringLiteral("investigating")}};
        QCOMPARE(itemmodels::describeTimelineEvent(e),
                 QStringLiteral("Von ausgelöst nach in Untersuchung verschoben"));
        e.kind = domain::kinds::StatusUpdate;
        e.payload = {{QStringLiteral("message"), QStringLiteral("Failover läuft")},
                     {QStringLiteral("visibility"), QStringLiteral("external")}};
        QCOMPARE(itemmodels::describeTimelineEvent(e),
                 QStringLiteral("Statusmeldung (extern): Failover läuft"));
        QCOMPARE(itemmodels::timelineKindLabel(domain::kinds::NoteAdded), QStringLiteral("Notiz"));
        itemmodels::StatusUpdateModel updates;
        updates.setItems(
            {itemmodels::StatusUpdateItem{QStringLiteral("x"), QStringLiteral("Investigating"),
                                          QStringLiteral("external"), QStringLiteral("dana"), 1}});
        QCOMPARE(updates.index(0, itemmodels::StatusUpdateModel::Audience).data().toString(),
                 QStringLiteral("Extern"));
        QCOMPARE(updates.index(0, itemmodels::StatusUpdateModel::Status).data().toString(),
                 QStringLiteral("In Untersuchung"));
        QCoreApplication::removeTranslator(&tr);
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
