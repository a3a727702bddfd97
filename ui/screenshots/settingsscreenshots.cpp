// SPDX-License-Identifier: MIT
#include "ui/screenshots/screenshotareas.h"

#include "host/appcontext.h"
#include "host/awssettings.h"
#include "secrets/secretstore.h"
#include "sync/syncsettings.h"
#include "ui/settings/syncsettingsdialog.h"

#include <QLineEdit>
#include <QPlainTextEdit>

namespace sitrep::ui {

namespace {

// What the dialog edits, for the picture only: secrets in memory, nothing written to the
// database (the fields are filled in the widgets, not saved).
struct Backing final : QObject {
    Backing(host::AppContext &context)
        : settings(context.store(), secrets), aws(context.store(), secrets)
    {
        secrets.write(secrets::BackendTokenSecret, QStringLiteral("x"), [](const Status &) {});
        secrets.write(secrets::AwsAccessKeyIdSecret, QStringLiteral("x"), [](const Status &) {});
        secrets.write(QStringLiteral("slack_bot_token"), QStringLiteral("x"),
                      [](const Status &) {});
    }
    secrets::MemorySecretStore secrets;
    sync::SyncSettings settings;
    host::AwsSettings aws;
};

} // namespace

static QWidget *createSettingsScreenshot(const QString &view, host::AppContext &context,
                                         const QSize &size)
{
    if (view != u"settings")
        return nullptr;
    auto *backing = new Backing(context);
    auto *dlg = new SyncSettingsDialog(backing->settings, &backing->aws);
    backing->setParent(dlg);
    const auto set = [dlg](const char *name, const QString &value) {
        if (auto *e = dlg->findChild<QLineEdit *>(QLatin1String(name)); e && e->text().isEmpty())
            e->setText(value);
    };
    set("backendUrl", QStringLiteral("https://sitrep.example.com"));
    set("awsRegion", QStringLiteral("eu-west-1"));
    set("awsAlertQueue",
        QStringLiteral("https://sqs.eu-west-1.amazonaws.com/123456789012/sitrep-alerts"));
    set("awsSlaTopic", QStringLiteral("sitrep-sla-alerts"));
    set("awsStatusTopic", QStringLiteral("sitrep-status-updates"));
    set("slackBaseUrl", QStringLiteral("https://slack.com/api/"));
    if (auto *c = dlg->findChild<QPlainTextEdit *>(QStringLiteral("notifyChannels"));
        c && c->toPlainText().isEmpty())
        c->setPlainText(QStringLiteral("slack_critical slack war_room\nteam_channel webhook "
                                       "https://chat.example.com/hooks/team\n"
                                       "page_oncall sns sitrep-page-oncall"));
    dlg->resize(std::max(760, std::min(size.width(), 900)), dlg->sizeHint().height());
    return dlg;
}

ScreenshotArea settingsScreenshots()
{
    return {{QStringLiteral("settings")}, &createSettingsScreenshot, true};
}

} // namespace sitrep::ui
