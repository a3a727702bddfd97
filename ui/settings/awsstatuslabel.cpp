// SPDX-License-Identifier: MIT
#include "ui/settings/awsstatuslabel.h"

#include "host/awsservices.h"

namespace sitrep::ui {

AwsStatusLabel::AwsStatusLabel(host::AwsServices &services, QWidget *parent)
    : SettingsStatusLabel(QStringLiteral("awsStatus"), parent), m_services(services)
{
    connect(&m_services, &host::AwsServices::changed, this, &AwsStatusLabel::refresh);
    refresh();
}

void AwsStatusLabel::refresh()
{
    const QString error = m_services.lastError();
    const QString state = m_services.statusText();
    showState(
        error.isEmpty() ? QStringLiteral("☁") : QStringLiteral("⚠"),
        tr("AWS: %1").arg(error.isEmpty() ? state : error.left(80)), !error.isEmpty(),
        error.isEmpty()
            ? tr("%1\nClick for AWS and notification settings").arg(state)
            : tr("%1\nLast error: %2\nClick for AWS and notification settings").arg(state, error));
}

} // namespace sitrep::ui
