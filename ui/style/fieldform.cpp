// SPDX-License-Identifier: MIT
#include "ui/style/fieldform.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>

#include <algorithm>

namespace sitrep::ui {

void FieldForm::fill(const QJsonObject &values) const
{
    for (const auto &[key, widget] : m_fields) {
        const QString value = values.value(key).toString();
        if (auto *line = qobject_cast<QLineEdit *>(widget))
            line->setText(value);
        else if (auto *text = qobject_cast<QPlainTextEdit *>(widget))
            text->setPlainText(value);
        else if (auto *combo = qobject_cast<QComboBox *>(widget))
            combo->setCurrentIndex(std::max(0, combo->findData(value)));
    }
}

QJsonObject FieldForm::values() const
{
    QJsonObject o;
    for (const auto &[key, widget] : m_fields) {
        if (auto *line = qobject_cast<QLineEdit *>(widget))
            o.insert(key, line->text().trimmed());
        else if (auto *text = qobject_cast<QPlainTextEdit *>(widget))
            o.insert(key, text->toPlainText().trimmed());
        else if (auto *combo = qobject_cast<QComboBox *>(widget))
            o.insert(key, combo->currentData().toString());
    }
    return o;
}

void FieldForm::clear() const
{
    for (const auto &[key, widget] : m_fields) {
        if (auto *line = qobject_cast<QLineEdit *>(widget))
            line->clear();
        else if (auto *text = qobject_cast<QPlainTextEdit *>(widget))
            text->clear();
    }
}

QWidget *FieldForm::field(const QString &key) const
{
    for (const auto &[k, widget] : m_fields)
        if (k == key)
            return widget;
    return nullptr;
}

} // namespace sitrep::ui
