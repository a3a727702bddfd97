// SPDX-License-Identifier: MIT
#include "ui/settings/syncstatuslabel.h"

#include "sync/syncservice.h"

namespace sitrep::ui {

SyncStatusLabel::SyncStatusLabel(sync::SyncStatus &status, QWidget *parent)
    : SettingsStatusLabel(QStringLiteral("syncStatus"), parent), m_status(status)
{
    connect(&m_status, &sync::SyncStatus::changed, this, &SyncStatusLabel::refresh);
    refresh();
}

void SyncStatusLabel::refresh()
{
    const bool offline = (!m_status.online() && m_status.pending() > 0) || m_status.unauthorized();
    // Who the token belongs to first: "alice (commander) · in sync".
    const QString text = m_status.identity().isEmpty()
                             ? m_status.text()
                             : tr("%1 · %2").arg(m_status.identity(), m_status.text());
    showState(offline ? QStringLiteral("⚠") : QStringLiteral("⇅"), tr("Sync: %1").arg(text),
              offline,
              m_status.lastError().isEmpty()
                  ? tr("Click for back-end settings")
                  : tr("Last error: %1\nClick for back-end settings").arg(m_status.lastError()));
}

} // namespace sitrep::ui
