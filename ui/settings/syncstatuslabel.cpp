// SPDX-License-Identifier: MIT
#include "ui/settings/syncstatuslabel.h"

#include "sync/syncservice.h"

#include <QMouseEvent>

namespace sitrep::ui {

SyncStatusLabel::SyncStatusLabel(sync::SyncStatus &status, QWidget *parent)
    : QLabel(parent), m_status(status)
{
    setObjectName(QStringLiteral("syncStatus"));
    setCursor(Qt::PointingHandCursor);
    connect(&m_status, &sync::SyncStatus::changed, this, &SyncStatusLabel::refresh);
    refresh();
}

void SyncStatusLabel::refresh()
{
    // A symbol as well as a colour, so the state survives colour blindness.
    const bool offline = (!m_status.online() && m_status.pending() > 0) || m_status.unauthorized();
    // Who the token belongs to first: "alice (commander) · in sync".
    const QString text = m_status.identity().isEmpty()
                             ? m_status.text()
                             : tr("%1 · %2").arg(m_status.identity(), m_status.text());
    setText((offline ? QStringLiteral("⚠ ") : QStringLiteral("⇅ ")) + tr("Sync: %1").arg(text));
    setStyleSheet(offline ? QStringLiteral("color: #b42318; font-weight: bold;") : QString());
    setToolTip(m_status.lastError().isEmpty()
                   ? tr("Click for back-end settings")
                   : tr("Last error: %1\nClick for back-end settings").arg(m_status.lastError()));
}

void SyncStatusLabel::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        Q_EMIT settingsRequested();
    QLabel::mouseReleaseEvent(event);
}

} // namespace sitrep::ui
