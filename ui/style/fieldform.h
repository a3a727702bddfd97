// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

class QWidget;

namespace sitrep::ui {

/// The fields of a form, each bound to a key of a JSON object: filled from one and read back
/// into one. A line edit or text area holds a string (read back trimmed); a combo box holds
/// the data of its items.
class FieldForm {
public:
    /// Binds `widget` (a QLineEdit, QPlainTextEdit or QComboBox) to `key`; returns it.
    template <class W> W *bind(const QString &key, W *widget)
    {
        m_fields.append({key, widget});
        return widget;
    }
    /// Sets every field to its key's value (a text field whose key is missing is emptied; a
    /// combo box shows its first item when no item has the value).
    void fill(const QJsonObject &values) const;
    QJsonObject values() const;
    /// Empties the text fields; combo boxes keep their choice.
    void clear() const;
    QWidget *field(const QString &key) const;

private:
    QList<QPair<QString, QWidget *>> m_fields;
};

} // namespace sitrep::ui
