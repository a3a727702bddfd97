// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <initializer_list>

class QBoxLayout;
class QComboBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QVBoxLayout;
class QWidget;

namespace sitrep::ui {

/// The small pieces the panels' forms are made of: a row of fields and buttons, a label
/// for the outcome, named so that tests and screenshots find them.

/// A push button with an object name.
QPushButton *namedButton(const QString &text, const QString &name, QWidget *parent);
/// A one-line field: named, with the name a screen reader says and the hint shown while
/// it is empty (none if `placeholder` is empty).
QLineEdit *namedLineEdit(const QString &name, const QString &accessibleName,
                         const QString &placeholder, QWidget *parent);
/// A drop-down list, named, with the name a screen reader says.
QComboBox *namedComboBox(const QString &name, const QString &accessibleName, QWidget *parent);
/// A list, named, with the name a screen reader says.
QListWidget *namedList(const QString &name, const QString &accessibleName, QWidget *parent);
/// A list with columns (a tree without branches), named, with the name a screen reader says.
QTreeWidget *flatList(const QString &name, const QString &accessibleName,
                      const QStringList &headers, QWidget *parent);
/// A text area `lines` lines high that Tab leaves, as it leaves a one-line field.
QPlainTextEdit *textArea(const QString &name, const QString &accessibleName, int lines,
                         QWidget *parent);
/// A named label that wraps its words (a state, a title).
QLabel *wrappingLabel(const QString &name, QWidget *parent);
/// The same for an outcome: hidden until there is something to say; its text can be
/// selected (and copied) when `selectable`.
QLabel *messageLabel(const QString &name, QWidget *parent, bool selectable = false);
/// The text of a message label while it shows; empty while it is hidden.
QString shownText(const QLabel *label);

/// A titled box and the column its contents go in.
struct Group {
    QGroupBox *box = nullptr;
    QVBoxLayout *column = nullptr;
};
/// A group box titled `title`, added to `layout` with `stretch`.
Group addGroup(QBoxLayout *layout, const QString &title, int stretch = 0);

/// One widget of a row, and its stretch factor.
struct RowItem {
    QWidget *widget = nullptr;
    int stretch = 0;
};
/// Lays `items` out left to right, then a stretch if `trailingStretch`, adds the row to
/// `layout` and returns it.
QHBoxLayout *addRow(QBoxLayout *layout, std::initializer_list<RowItem> items,
                    bool trailingStretch = false);

} // namespace sitrep::ui
