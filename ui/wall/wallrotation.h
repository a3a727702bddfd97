// SPDX-License-Identifier: MIT
#pragma once

#include "metrics/metricsservice.h"

#include <QSet>
#include <QString>

namespace sitrep::ui {

/// Which page the wall shows, apart from any widget: pages rotate in order every period;
/// a P1 that was not there in the previous snapshot jumps to the incidents page (0) and
/// holds it for a full period. The first snapshot only learns what is already open.
class WallRotation {
public:
    explicit WallRotation(int pageCount = 5) : m_pages(qMax(1, pageCount)) {}

    int page() const { return m_page; }
    int pageCount() const { return m_pages; }
    /// The rotation timer fired: next page (unless a P1 interruption holds this one).
    int advance()
    {
        if (m_hold) {
            m_hold = false;
            return m_page;
        }
        m_page = (m_page + 1) % m_pages;
        return m_page;
    }
    /// New data. Returns true when a new P1 interrupted the rotation.
    bool update(const QList<metrics::ActiveIncident> &active)
    {
        QSet<QString> p1;
        for (const auto &a : active)
            if (a.isP1())
                p1.insert(a.uid);
        bool fresh = false;
        if (m_primed) {
            for (const QString &uid : std::as_const(p1))
                if (!m_seenP1.contains(uid))
                    fresh = true;
        }
        m_seenP1.unite(p1);
        m_primed = true;
        if (fresh) {
            m_page = 0;
            m_hold = true;
            ++m_interruptions;
        }
        return fresh;
    }
    int interruptions() const { return m_interruptions; }
    bool holding() const { return m_hold; }

private:
    int m_pages;
    int m_page = 0;
    bool m_hold = false;
    bool m_primed = false;
    int m_interruptions = 0;
    QSet<QString> m_seenP1;
};

} // namespace sitrep::ui
