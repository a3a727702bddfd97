// SPDX-License-Identifier: MIT
// The war-room window at 200% (QT_SCALE_FACTOR=2, device pixel ratio 2) in the light and
// the dark theme: no control is smaller than it needs to be to show its text, the window
// renders at twice the pixels, icons are drawn for the ratio (not scaled up), and banner
// colours derived from the palette keep WCAG AA contrast.

#include "fixtures/appcontext.h"
#include "fixtures/wall.h"
#include "host/appcontext.h"
#include "itemmodels/incidenttablemodel.h"
#include "metrics/metricsservice.h"
#include "ui/createincidentdialog.h"
#include "ui/incidentworkspace.h"
#include "ui/mainwindow.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/severitystyle.h"
#include "ui/theme.h"
#include "ui/wall/wallwindow.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace sitrep;

/// Every visible control of `root` that is narrower or lower than its content needs.
static QStringList clippedControls(QWidget *root)
{
    QStringList out;
    auto name = [](QWidget *w, const QString &text) {
        return QStringLiteral("%1 %2 \"%3\"")
            .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(), text.left(40));
    };
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisible() || w->width() <= 0)
            continue;
        if (auto *l = qobject_cast<QLabel *>(w)) {
            if (l->text().isEmpty() || !l->pixmap().isNull())
                continue;
            if (l->wordWrap()) {
                if (l->height() + 1 < l->heightForWidth(l->width()))
                    out << name(w, l->text()) + QStringLiteral(": %1 px high, needs %2")
                                                    .arg(l->height())
                                                    .arg(l->heightForWidth(l->width()));
            } else if (l->width() + 1 < l->minimumSizeHint().width() ||
                       l->height() + 1 < l->minimumSizeHint().height()) {
                out << name(w, l->text()) + QStringLiteral(": %1x%2, needs %3x%4")
                                                .arg(l->width())
                                                .arg(l->height())
                                                .arg(l->minimumSizeHint().width())
                                                .arg(l->minimumSizeHint().height());
            }
        } else if (auto *b = qobject_cast<QAbstractButton *>(w)) {
            if (b->text().isEmpty() || w->inherits("QTabBar") ||
                w->parentWidget()->inherits("QTabBar"))
                continue;
            const QSize need = b->sizeHint();
            if (b->width() + 1 < need.width() || b->height() + 1 < need.height())
                out << name(w, b->text()) + QStringLiteral(": %1x%2, needs %3x%4")
                                                .arg(b->width())
                                                .arg(b->height())
                                                .arg(need.width())
                                                .arg(need.height());
        } else if (qobject_cast<QLineEdit *>(w) || qobject_cast<QComboBox *>(w)) {
            const QSize need = w->minimumSizeHint();
            if (w->width() + 1 < need.width() || w->height() + 1 < need.height())
                out << name(w, QString()) + QStringLiteral(": %1x%2, needs %3x%4")
                                                .arg(w->width())
                                                .arg(w->height())
                                                .arg(need.width())
                                                .arg(need.height());
        }
    }
    return out;
}

class TestScaling : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<host::AppContext> m_ctx;

    void checkRender(QWidget *w)
    {
        QCOMPARE(w->devicePixelRatio(), 2.0);
        const QPixmap pm = w->grab();
        QCOMPARE(pm.devicePixelRatio(), 2.0);
        QCOMPARE(pm.size(), w->size() * 2);
        const QStringList clipped = clippedControls(w);
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QStringLiteral("\n"))));
    }

    void checkWindow()
    {
        ui::MainWindow w(*m_ctx);
        w.setPassive(true);
        w.resize(1280, 800);
        w.show();
        QVERIFY(w.waitUntilLoaded(10000));
        QApplication::processEvents();
        checkRender(&w);
        QString uid;
        for (const auto &inc : m_ctx->store().list(store::ListQuery{}))
            if (inc.eventCount > 3) { // a full timeline, evidence and updates
                uid = inc.uid;
                break;
            }
        QVERIFY(!uid.isEmpty());
        ui::IncidentWorkspace *ws = w.openIncident(uid);
        QVERIFY(ws);
        QApplication::processEvents();
        checkRender(&w);

        ui::CreateIncidentDialog dlg(m_ctx->engine(), QStringLiteral("tester"));
        dlg.show();
        dlg.accept(); // empty form: every field error shows, the dialog must still fit them
        QApplication::processEvents();
        checkRender(&dlg);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("scaling.db"),
                                               testing::demoData(40)));
        QCOMPARE(qApp->devicePixelRatio(), 2.0);
    }

    void lightTheme_windowWorkspaceAndDialogFitAt200Percent()
    {
        ui::applyTheme(ui::ThemeMode::Light);
        QVERIFY(!ui::isDarkPalette(QApplication::palette()));
        checkWindow();
    }

    void darkTheme_windowWorkspaceAndDialogFitAt200Percent()
    {
        ui::applyTheme(ui::ThemeMode::Dark);
        QVERIFY(ui::isDarkPalette(QApplication::palette()));
        checkWindow();
        ui::applyTheme(ui::ThemeMode::Light);
    }

    void wall_fitsEveryScreenShapeAt200Percent()
    {
        // 1920x1080, 1280x1024, 1024x768 and a portrait 1080x1920 screen at 200%.
        for (const QSize &size :
             {QSize(960, 540), QSize(640, 512), QSize(512, 384), QSize(540, 960)}) {
            metrics::MetricsService svc(m_ctx->dbPath(), m_ctx->clock());
            ui::WallWindow wall(svc, testing::steadyWall());
            QVERIFY(testing::showWall(wall, size));
            QApplication::processEvents();
            QCOMPARE(wall.size(), size);
            const QPixmap pm = wall.grab();
            QCOMPARE(pm.size(), size * 2);
            const QStringList clipped = wall.clippedTexts() + clippedControls(&wall);
            QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QStringLiteral("\n"))));
        }
    }

    void clippedControls_findsASqueezedButtonAndLabel()
    {
        QWidget w;
        auto *b = new QPushButton(QStringLiteral("Acknowledge and page the commander"), &w);
        auto *l = new QLabel(QStringLiteral("Resolution SLA overdue 3h 12m"), &w);
        w.resize(400, 200);
        w.show();
        b->setGeometry(0, 0, 40, 10);
        l->setGeometry(0, 40, 30, 30);
        const QStringList found = clippedControls(&w);
        QCOMPARE(found.size(), 2);
        b->resize(b->sizeHint());
        l->resize(l->sizeHint());
        QVERIFY(clippedControls(&w).isEmpty());
    }

    void severityIcon_isDrawnForTheDevicePixelRatio()
    {
        for (int s = 0; s <= 4; ++s) {
            const QPixmap pm = ui::severityIcon(s).pixmap(QSize(16, 16), 2.0);
            QCOMPARE(pm.devicePixelRatio(), 2.0);
            QCOMPARE(pm.size(), QSize(32, 32));
            const QPixmap big = ui::severityIcon(s).pixmap(QSize(64, 64), 2.0);
            QCOMPARE(big.size(), QSize(128, 128)); // drawn, not a 48 px pixmap scaled up
        }
    }

    void banners_followThePaletteWithAAContrast()
    {
        for (const QPalette &pal : {QApplication::style()->standardPalette(), ui::darkPalette()}) {
            for (auto kind : {ui::BannerKind::Error, ui::BannerKind::Success,
                              ui::BannerKind::Warning, ui::BannerKind::Info}) {
                const ui::BannerColors c = ui::bannerColors(kind, pal);
                QVERIFY2(
                    ui::contrastRatio(c.text, c.background) >= 4.5,
                    qPrintable(QStringLiteral("%1 on %2").arg(c.text.name(), c.background.name())));
                // The banner is a tint of the theme, not a light patch on a dark window.
                QCOMPARE(ui::isDarkPalette(pal), c.background.lightnessF() < 0.5);
                QVERIFY(ui::contrastRatio(ui::readableAccent(kind, pal),
                                          pal.color(QPalette::Window)) >= 4.5);
            }
        }
        // A banner restyles itself when the application palette changes.
        ui::applyTheme(ui::ThemeMode::Light);
        QLabel banner(QStringLiteral("No commander for 6 minutes"));
        banner.setObjectName(QStringLiteral("banner"));
        ui::styleAsBanner(&banner, ui::BannerKind::Warning);
        const QString light = banner.styleSheet();
        QVERIFY(light.contains(
            ui::bannerColors(ui::BannerKind::Warning, QApplication::palette()).background.name()));
        ui::applyTheme(ui::ThemeMode::Dark);
        QApplication::processEvents();
        QVERIFY(banner.styleSheet() != light);
        QVERIFY(banner.styleSheet().contains(
            ui::bannerColors(ui::BannerKind::Warning, ui::darkPalette()).background.name()));
        ui::applyTheme(ui::ThemeMode::Light);
    }
};

int main(int argc, char **argv)
{
    // Before the application exists: the scale factor is read once.
    qputenv("QT_SCALE_FACTOR", "2");
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestScaling t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_scaling.moc"
