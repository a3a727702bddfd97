// SPDX-License-Identifier: MIT
#include "ui/style/formrows.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace sitrep::ui {

QPushButton *namedButton(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

QLineEdit *namedLineEdit(const QString &name, const QString &accessibleName,
                         const QString &placeholder, QWidget *parent)
{
    auto *e = new QLineEdit(parent);
    e->setObjectName(name);
    e->setAccessibleName(accessibleName);
    if (!placeholder.isEmpty())
        e->setPlaceholderText(placeholder);
    return e;
}

QComboBox *namedComboBox(const QString &name, const QString &accessibleName, QWidget *parent)
{
    auto *c = new QComboBox(parent);
    c->setObjectName(name);
    c->setAccessibleName(accessibleName);
    return c;
}

QPlainTextEdit *textArea(const QString &name, const QString &accessibleName, int lines,
                         QWidget *parent)
{
    auto *e = new QPlainTextEdit(parent);
    e->setObjectName(name);
    e->setAccessibleName(accessibleName);
    e->setTabChangesFocus(true);
    e->setFixedHeight(e->fontMetrics().lineSpacing() * lines + 12);
    return e;
}

QLabel *wrappingLabel(const QString &name, QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    return l;
}

QLabel *messageLabel(const QString &name, QWidget *parent, bool selectable)
{
    QLabel *l = wrappingLabel(name, parent);
    if (selectable)
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->hide();
    return l;
}

QString shownText(const QLabel *label)
{
    return label->isHidden() ? QString() : label->text();
}

QHBoxLayout *addRow(QBoxLayout *layout, std::initializer_list<RowItem> items, bool trailingStretch)
{
    auto *row = new QHBoxLayout;
    for (const RowItem &item : items)
        row->addWidget(item.widget, item.stretch);
    if (trailingStretch)
        row->addStretch(1);
    layout->addLayout(row);
    return row;
}

} // namespace sitrep::ui
