// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QLabel;

namespace sitrep::ui {

/// Shows an outcome in the message label of the problems view or the incident's problem
/// section, in the same colours in both: red for an error, green for a success. Hidden
/// when `text` is empty.
void showProblemsMessage(QLabel *label, const QString &text, bool error);

} // namespace sitrep::ui
