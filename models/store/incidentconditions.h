// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace sitrep::store {

class SqlWhere;

/// The filters every listing of the incidents table shares: the list view's
/// query::IncidentFilter and the store's ListQuery. Empty fields do not filter.
struct IncidentConditions {
    QStringList states;
    std::optional<bool> open;
    int severity = 0; // 1..4
    int priority = 0; // 1..4
    QString service;
    QString assignee;
    QString search; // plain words, each a prefix (ftsQuery() in store.h); each listing matches
                    // it its own way

    /// Adds the conditions on the columns (all but the search) to `where`.
    void addTo(SqlWhere &where) const;

    bool operator==(const IncidentConditions &) const = default;
};

} // namespace sitrep::store
