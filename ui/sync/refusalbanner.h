// SPDX-License-Identifier: MIT
#pragma once

#include <QLabel>

namespace sitrep::engine {
class LifecycleEngine;
}

namespace sitrep::ui {

/// An inline error over an incident's sections when the back end refused changes made here
/// (sync.rejected events): how many, and the latest reason. Hidden when there are none.
class RefusalBanner final : public QLabel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RefusalBanner)
public:
    RefusalBanner(engine::LifecycleEngine &engine, const QString &incidentUid,
                  QWidget *parent = nullptr);

    int refusals() const { return m_count; }

private:
    void reload();

    engine::LifecycleEngine &m_engine;
    QString m_uid;
    int m_count = 0;
};

} // namespace sitrep::ui
