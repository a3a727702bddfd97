// SPDX-License-Identifier: MIT
// `sitrep screenshot VIEW FILE --size WxH` renders exactly the size asked for, on 4:3, 5:4,
// 16:10, 16:9 and portrait: windows take that size (nothing forces them wider), dialogs are
// drawn on a canvas of that size. Offscreen, on demo data.
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "ui/screenshots/viewfactory.h"

#include <QApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace sitrep;

class TestScreenshots : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<host::AppContext> m_ctx;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("shots.db"),
                                               testing::demoData(150)));
    }

    void screenshot_isExactlyTheSizeAsked_data()
    {
        QTest::addColumn<QString>("view");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("window"); // false: a dialog on a canvas
        for (const QSize &s : {QSize(1024, 768), QSize(1280, 1024), QSize(1280, 800),
                               QSize(1920, 1080), QSize(1080, 1920)}) {
            const QString tag = QStringLiteral("%1x%2").arg(s.width()).arg(s.height());
            for (const QString &v : {QStringLiteral("wall"), QStringLiteral("wall-charts"),
                                     QStringLiteral("list"), QStringLiteral("incident")})
                QTest::newRow(qPrintable(v + u' ' + tag)) << v << s << true;
            QTest::newRow(qPrintable(QStringLiteral("create ") + tag))
                << QStringLiteral("create") << s << false;
        }
    }

    void screenshot_isExactlyTheSizeAsked()
    {
        QFETCH(QString, view);
        QFETCH(QSize, size);
        QFETCH(bool, window);
        std::unique_ptr<QWidget> w(ui::createScreenshotView(view, *m_ctx, size));
        QVERIFY(w);
        QString note;
        const QPixmap shot = ui::renderScreenshot(w.get(), size, &note);
        QCOMPARE(shot.size(), size * shot.devicePixelRatio());
        QVERIFY2(note.isEmpty(), qPrintable(note));
        if (window)
            QCOMPARE(w->size(), size);
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
