// SPDX-License-Identifier: MIT
#include "ui/style/enginepanel.h"

#include "ui/style/formrows.h"

#include <QBoxLayout>
#include <QLabel>

namespace sitrep::ui {

EnginePanel::EnginePanel(engine::LifecycleEngine &engine, const QString &incidentUid,
                         const QString &me, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_uid(incidentUid), m_me(me)
{
}

EnginePanel::~EnginePanel() = default;

void EnginePanel::addMessage(QBoxLayout *layout, const QString &name, MessageStyle style,
                             bool selectable)
{
    m_message = messageLabel(name, this, selectable);
    m_style = style;
    layout->addWidget(m_message);
}

void EnginePanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    if (m_style)
        m_style(m_message, error);
    m_message->setVisible(!text.isEmpty());
}

QString EnginePanel::messageText() const
{
    return shownText(m_message);
}

bool EnginePanel::conclude(const Status &status, const QString &done)
{
    if (!status) {
        showMessage(status.errorMessage(), true);
        return false;
    }
    showMessage(done, false);
    reload();
    return true;
}

} // namespace sitrep::ui
