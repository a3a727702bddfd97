// SPDX-License-Identifier: MIT
#include "ui/problems/problemmessage.h"

#include <QLabel>

namespace sitrep::ui {

void styleProblemsMessage(QLabel *label, bool error)
{
    label->setStyleSheet(
        error ? QStringLiteral("QLabel { background: #F8D7DA; color: #58151C; border: 1px solid "
                               "#D55E00; border-radius: 4px; padding: 4px 8px; }")
              : QStringLiteral("QLabel { background: #D1E7DD; color: #0A3622; border: 1px solid "
                               "#009E73; border-radius: 4px; padding: 4px 8px; }"));
}

} // namespace sitrep::ui
