// SPDX-License-Identifier: MIT
#include "ui/style/messagebar.h"

#include "ui/style/bannerstyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace sitrep::ui {

MessageBar::MessageBar(const QString &name, const QString &textName, const QMargins &margins,
                       QWidget *parent)
    : QFrame(parent)
{
    setObjectName(name);
    setFrameShape(QFrame::StyledPanel);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(margins);
    m_text = new QLabel(this);
    m_text->setObjectName(textName);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_text, 1);
    auto *close = new QPushButton(tr("Dismiss"), this);
    close->setAccessibleName(tr("Dismiss message"));
    connect(close, &QPushButton::clicked, this, &MessageBar::dismiss);
    row->addWidget(close);
    hide();
}

void MessageBar::say(const QString &text, bool error)
{
    m_text->setText(text);
    styleAsBanner(this, error ? BannerKind::Error : BannerKind::Success);
    setAccessibleDescription(text);
    show();
}

void MessageBar::dismiss()
{
    hide();
    m_text->clear();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace sitrep::ui
