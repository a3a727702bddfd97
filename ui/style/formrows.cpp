// SPDX-License-Identifier: MIT
#include "ui/style/formrows.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>

namespace sitrep::ui {

namespace {

/// A new `Widget` in `parent`, named, with the name a screen reader says.
template <typename Widget>
Widget *named(const QString &name, const QString &accessibleName, QWidget *parent)
{
    auto *w = new Widget(parent);
    w->setObjectName(name);
    w->setAccessibleName(accessibleName);
    return w;
}

} // namespace

QPushButton *namedButton(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

QLineEdit *namedLineEdit(const QString &name, const QString &accessibleName,
                         const QString &placeholder, QWidget *parent)
{
    auto *e = named<QLineEdit>(name, accessibleName, parent);
    if (!placeholder.isEmpty())
        e->setPlaceholderText(placeholder);
    return e;
}

QComboBox *namedComboBox(const QString &name, const QString &accessibleName, QWidget *parent)
{
    return named<QComboBox>(name, accessibleName, parent);
}

QListWidget *namedList(const QString &name, const QString &accessibleName, QWidget *parent)
{
    return named<QListWidget>(name, accessibleName, parent);
}

QTreeWidget *flatList(const QString &name, const QString &accessibleName,
                      const QStringList &headers, QWidget *parent)
{
    auto *t = named<QTreeWidget>(name, accessibleName, parent);
    t->setHeaderLabels(headers);
    t->setRootIsDecorated(false);
    return t;
}

QPlainTextEdit *textArea(const QString &name, const QString &accessibleName, int lines,
                         QWidget *parent)
{
    auto *e = named<QPlainTextEdit>(name, accessibleName, parent);
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

Group addGroup(QBoxLayout *layout, const QString &title, int stretch)
{
    auto *box = new QGroupBox(title, layout->parentWidget());
    auto *column = new QVBoxLayout(box);
    layout->addWidget(box, stretch);
    return {box, column};
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
