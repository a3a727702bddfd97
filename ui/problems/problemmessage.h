// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QLabel;

namespace sitrep::ui {

/// Colours the message label of the problems view or the incident's problem section, in
/// the same colours in both: red for an error, green for a success.
void styleProblemsMessage(QLabel *label, bool error);

} // namespace sitrep::ui
