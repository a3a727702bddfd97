// SPDX-License-Identifier: MIT
#include "ui/settings/statuslabel.h"

#include <QMouseEvent>

namespace sitrep::ui {

SettingsStatusLabel::SettingsStatusLabel(const QString &objectName, QWidget *parent)
    : QLabel(parent)
{
    setObjectName(objectName);
    setCursor(Qt::PointingHandCursor);
}

void SettingsStatusLabel::showState(const QString &symbol, const QString &text, bool alarm,
                                    const QString &toolTip)
{
    setText(symbol + u' ' + text);
    setStyleSheet(alarm ? QStringLiteral("color: #b42318; font-weight: bold;") : QString());
    setToolTip(toolTip);
}

void SettingsStatusLabel::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        Q_EMIT settingsRequested();
    QLabel::mouseReleaseEvent(event);
}

} // namespace sitrep::ui
