// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

namespace sitrep::workflow {
class OnCallSchedule;
class PriorityMatrix;
} // namespace sitrep::workflow

namespace sitrep::engine {

/// The rules an incident's fields follow, one function each. The engine applies them to
/// every command, and the window and the command line check input with the same
/// functions before they send it, so a value one front end accepts is never refused by
/// another (and no stored value becomes invalid).
namespace rules {

/// The longest title anything stores: alert titles are cut to it on ingest.
inline constexpr int MaxTitleLength = 300;
/// The longest description, note or other free text.
inline constexpr int MaxTextLength = 65536;
/// The longest service name a person may type.
inline constexpr int MaxServiceNameLength = 64;

/// A title: 1 to MaxTitleLength characters once trimmed, one line without control characters.
Status checkTitle(const QString &title);
/// A description or other free text: at most MaxTextLength characters.
Status checkText(const QString &field, const QString &text);
/// A service name a person types: a letter or digit, then letters, digits, '.', '_', '/'
/// or '-', at most MaxServiceNameLength characters.
Status checkServiceName(const QString &name);
/// Each of `names` that is not in `existing` (names already stored stay valid, even those
/// an alert source brought in with another spelling).
Status checkServices(const QStringList &names, const QStringList &existing = {});
/// "checkout-api, payments" or one name a line: trimmed names, empty ones and duplicates
/// dropped.
QStringList splitServices(const QString &text);
/// A known assignment group of the schedule, in its canonical spelling. Empty stays empty
/// (no group); `current` is accepted as it is, so a stored group never becomes invalid.
/// The engine applies it to set and assign; front ends apply it where people create
/// incidents (imported or synthesised history may name groups the schedule lacks).
Result<QString> checkAssignmentGroup(const workflow::OnCallSchedule &oncall, const QString &name,
                                     const QString &current = {});
/// Priority from impact x urgency when both are known, else from the severity; None when
/// neither says anything.
domain::Priority derivedPriority(const workflow::PriorityMatrix &matrix, const QString &impact,
                                 const QString &urgency, domain::Severity severity);

/// An evidence link: an absolute http or https URL with a host, nothing else (no file:,
/// javascript:, data: or other scheme a click would hand to some local handler).
Status checkEvidenceUrl(const QString &url);
/// The default largest evidence file (50 MiB) and the setting that changes it (whole MiB).
inline constexpr qint64 DefaultMaxAttachmentBytes = qint64(50) * 1024 * 1024;
inline const QString MaxAttachmentSetting = QStringLiteral("evidence.max_mb");
/// The value of MaxAttachmentSetting: a whole number of MiB from 1 to 2047 (an attachment
/// is held in memory and stored in one SQLite blob).
Result<qint64> parseMaxAttachmentMb(const QString &value);

} // namespace rules
} // namespace sitrep::engine
