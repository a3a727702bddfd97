// SPDX-License-Identifier: MIT
#include "ui/settings/awsstatuslabel.h"

#include "host/awsservices.h"

#include <QMouseEvent>

namespace sitrep::ui {

AwsStatusLabel::AwsStatusLabel(host::AwsServices &services, QWidget *parent)
    : QLabel(parent), m_services(services)
{
    setObjectName(QStringLiteral("awsStatus"));
    setCursor(Qt::PointingHandCursor);
    connect(&m_services, &host::AwsServices::changed, this, &AwsStatusLabel::refresh);
    refresh();
}

void AwsStatusLabel::refresh()
{
    // A symbol as well as a colour, so the state survives colour blindness.
    const QString error = m_services.lastError();
    const QString state = m_services.statusText();
    if (error.isEmpty()) {
        setText(QStringLiteral("☁ ") + tr("AWS: %1").arg(state));
        setStyleSheet(QString());
    } else {
        setText(QStringLiteral("⚠ ") + tr("AWS: %1").arg(error.left(80)));
        setStyleSheet(QStringLiteral("color: #b42318; font-weight: bold;"));
    }
    setToolTip(
        error.isEmpty()
            ? tr("%1\nClick for AWS and notification settings").arg(state)
            : tr("%1\nLast error: %2\nClick for AWS and notification settings").arg(state, error));
}

void AwsStatusLabel::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        Q_EMIT settingsRequested();
    QLabel::mouseReleaseEvent(event);
}

} // namespace sitrep::ui
