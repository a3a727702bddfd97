// SPDX-License-Identifier: MIT
// The back-end settings dialog: "Test connection" says exactly what failed; the token goes
// to the secret store, never into the database.
#include "settings/syncsettingsdialog.h"
#include "store/store.h"
#include "sync/secretstore.h"
#include "sync/syncsettings.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;

class TestSyncSettingsDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void testConnection_namesTheFailure()
    {
        QTemporaryDir dir;
        store::Store st;
        QVERIFY(st.open(dir.filePath(QStringLiteral("s.db"))));
        sync::MemorySecretStore secrets;
        sync::SyncSettings settings(st, secrets);
        ui::SyncSettingsDialog dlg(settings);
        auto *url = dlg.findChildren<QLineEdit *>().value(0);
        QVERIFY(url);

        url->setText(QStringLiteral("http://incidents.example.com"));
        dlg.testConnection();
        QTRY_VERIFY(dlg.resultText().contains(u"https"));

        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        url->setText(QStringLiteral("http://127.0.0.1:%1").arg(port));
        dlg.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(dlg.resultText().contains(u"connection refused"), 10000);
    }

    void save_putsTheTokenInTheSecretStoreOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.db"));
        sync::MemorySecretStore secrets;
        {
            store::Store st;
            QVERIFY(st.open(path));
            sync::SyncSettings settings(st, secrets);
            ui::SyncSettingsDialog dlg(settings);
            const auto edits = dlg.findChildren<QLineEdit *>();
            edits.value(0)->setText(QStringLiteral("http://127.0.0.1:8443"));
            edits.value(1)->setText(QStringLiteral("dialog-secret-123"));
            dlg.save();
            QCOMPARE(dlg.result(), int(QDialog::Accepted));
            QCOMPARE(settings.url(), QStringLiteral("http://127.0.0.1:8443"));
            QCOMPARE(*secrets.read(sync::BackendTokenSecret), QStringLiteral("dialog-secret-123"));
            st.close();
        }
        for (const QString &f : QDir(dir.path()).entryList(QDir::Files)) {
            QFile file(dir.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains("dialog-secret-123"), qPrintable(f));
        }
    }
};

QTEST_MAIN(TestSyncSettingsDialog)
#include "tst_syncsettingsdialog.moc"
