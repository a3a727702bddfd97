// SPDX-License-Identifier: MIT
#include "ui/sync/refusalbanner.h"

#include "domain/synckinds.h"
#include "engine/lifecycleengine.h"

namespace sitrep::ui {

RefusalBanner::RefusalBanner(engine::LifecycleEngine &engine, const QString &incidentUid,
                             QWidget *parent)
    : QLabel(parent), m_engine(engine), m_uid(incidentUid)
{
    setObjectName(QStringLiteral("refusalBanner"));
    setAccessibleName(tr("Changes refused by the back end"));
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A symbol and bold type as well as the colour, so it survives colour blindness.
    setStyleSheet(QStringLiteral("QLabel { color: #b42318; font-weight: bold; border: 1px solid "
                                 "#b42318; border-radius: 3px; padding: 4px 8px; }"));
    connect(&m_engine, &engine::LifecycleEngine::eventsAppended, this,
            [this](const QStringList &, const QStringList &uids) {
                if (uids.contains(m_uid))
                    reload();
            });
    reload();
}

void RefusalBanner::reload()
{
    QString latest;
    m_count = 0;
    for (const auto &e : m_engine.store().timeline(m_uid))
        if (e.kind == domain::kinds::SyncRejected) {
            ++m_count;
            latest = e.payload[u"message"].toString();
        }
    setVisible(m_count > 0);
    if (m_count == 0)
        return;
    setText(
        QStringLiteral("⚠ ") +
        (m_count == 1
             ? latest
             : tr("%n change(s) here were not shared. Latest: %1", nullptr, m_count).arg(latest)));
}

} // namespace sitrep::ui
