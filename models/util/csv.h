// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::util {

/// One CSV cell of text (RFC 4180 quoting) that a spreadsheet cannot take for a formula:
/// text starting with =, +, -, @, a tab or a carriage return gets a leading single quote, as
/// OWASP recommends against CSV injection. For text only: numbers an export writes on purpose
/// (counts, minutes, sequence numbers, negative ones included) are written as they are.
QString csvCell(const QString &text);

} // namespace sitrep::util
