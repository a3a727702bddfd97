// SPDX-License-Identifier: MIT
#pragma once

#include "domain/event.h"
#include "domain/incident.h"
#include "util/result.h"

#include <QList>
#include <QString>

#include <memory>

namespace sitrep::store {
class Store;
}
namespace sitrep::engine {
class Projection;
}

namespace sitrep::problems {

/// The knowledge base (table kb_articles) and the known-error links, a projection of the
/// event log: the engine keeps them current inside its write transaction, so a resolve and
/// its article commit together or not at all, and merged remote events and a bulk load
/// update them the same way:
///  - a transition into a state that stamps "resolved", or a later edit of the resolution
///    note / root cause, upserts the article "resolution:<number>" (one per incident: a
///    re-resolve updates it);
///  - a `known_error.linked` record links the incident to that known error (and its problem);
///  - resolving an incident that is linked to a known error, directly or through a problem
///    that has known errors, links it, bumps the entry's incident count and last-seen time
///    and rewrites the entry's article.
/// Problems and known errors themselves are records of this replica: an event naming one it
/// does not have links nothing (ProblemStore checks the names of local commands first).
///
/// The article table's shape is stable for readers such as the triage classifier:
///   kb_articles(id TEXT PK, kind 'known_error'|'resolution', title, body (Markdown),
///               tags (JSON array of strings), source_ref (KE or incident number), updated_at ms)
namespace knowledgebase {

/// The projection ("knowledge_base"), to register once with the engine
/// (LifecycleEngine::addProjection); `sitrep rebuild` rebuilds it from the log.
std::unique_ptr<engine::Projection> projection();

/// Upserts the resolution article of a resolved incident with a resolution note; a no-op
/// (returns false) for other incidents.
Result<bool> writeResolutionArticle(store::Store &store, const domain::Incident &incident);

/// Re-reads a known error (by row id) with its incident links and upserts its article.
Status writeKnownErrorArticle(store::Store &store, qint64 knownErrorId);

/// Links an incident to a known error (and the known error's problem) and recounts the
/// entry; `seenAt` > 0 also moves its last-seen time. Idempotent.
Status linkKnownError(store::Store &store, qint64 knownErrorId, const domain::Incident &incident,
                      qint64 seenAt, const QString &actor);

} // namespace knowledgebase
} // namespace sitrep::problems
