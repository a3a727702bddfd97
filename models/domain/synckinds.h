// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace sitrep::domain::kinds {

// The back end refused one of this replica's events for good (identity or role rule, invalid
// event): payload event, kind, actor, code, reason, message. Recorded locally so the refusal
// shows on the incident; never sent to the back end (see sync::Outbox::localOnly).
inline const QString SyncRejected = QStringLiteral("sync.rejected");

} // namespace sitrep::domain::kinds
