// SPDX-License-Identifier: MIT
#include "ui/settings/statuslabel.h"

#include "host/awsservices.h"
#include "sync/syncservice.h"

#include <QCoreApplication>
#include <QMouseEvent>

namespace sitrep::ui {

SettingsStatusLabel::SettingsStatusLabel(const QString &objectName, std::function<State()> state,
                                         QWidget *parent)
    : QLabel(parent), m_state(std::move(state))
{
    setObjectName(objectName);
    setCursor(Qt::PointingHandCursor);
}

void SettingsStatusLabel::refresh()
{
    const State s = m_state();
    setText(s.symbol + u' ' + s.text);
    setStyleSheet(s.alarm ? QStringLiteral("color: #b42318; font-weight: bold;") : QString());
    setToolTip(s.toolTip);
}

void SettingsStatusLabel::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        Q_EMIT settingsRequested();
    QLabel::mouseReleaseEvent(event);
}

namespace {

// Each state's texts keep the translation context of the label class that first showed them.
class SyncState {
    Q_DECLARE_TR_FUNCTIONS(sitrep::ui::SyncStatusLabel)
public:
    static SettingsStatusLabel::State of(const sync::SyncStatus &status)
    {
        const bool offline = (!status.online() && status.pending() > 0) || status.unauthorized();
        // Who the token belongs to first: "alice (commander) · in sync".
        const QString text = status.identity().isEmpty()
                                 ? status.text()
                                 : tr("%1 · %2").arg(status.identity(), status.text());
        return {offline ? QStringLiteral("⚠") : QStringLiteral("⇅"), tr("Sync: %1").arg(text),
                offline,
                status.lastError().isEmpty()
                    ? tr("Click for back-end settings")
                    : tr("Last error: %1\nClick for back-end settings").arg(status.lastError())};
    }
};

class AwsState {
    Q_DECLARE_TR_FUNCTIONS(sitrep::ui::AwsStatusLabel)
public:
    static SettingsStatusLabel::State of(const host::AwsServices &services)
    {
        const QString error = services.lastError();
        const QString state = services.statusText();
        return {error.isEmpty() ? QStringLiteral("☁") : QStringLiteral("⚠"),
                tr("AWS: %1").arg(error.isEmpty() ? state : error.left(80)), !error.isEmpty(),
                error.isEmpty() ? tr("%1\nClick for AWS and notification settings").arg(state)
                                : tr("%1\nLast error: %2\nClick for AWS and notification settings")
                                      .arg(state, error)};
    }
};

} // namespace

SettingsStatusLabel *syncStatusLabel(sync::SyncStatus &status, QWidget *parent)
{
    return new SettingsStatusLabel(
        QStringLiteral("syncStatus"), status, &sync::SyncStatus::changed,
        [&status] { return SyncState::of(status); }, parent);
}

SettingsStatusLabel *awsStatusLabel(host::AwsServices &services, QWidget *parent)
{
    return new SettingsStatusLabel(
        QStringLiteral("awsStatus"), services, &host::AwsServices::changed,
        [&services] { return AwsState::of(services); }, parent);
}

} // namespace sitrep::ui
