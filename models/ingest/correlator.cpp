// SPDX-License-Identifier: MIT
#include "ingest/correlator.h"

#include "domain/canonicaljson.h"
#include "engine/lifecycleengine.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sitrep::ingest {

using domain::Severity;
using engine::Command;

const QString Correlator::AllResolvedKind = QStringLiteral("alerts.all_resolved");

namespace {

// An incident title is one line without control characters (the engine refuses others):
// whatever an alert source sends, each run of them becomes one space, so the alert still
// opens its incident.
QString oneLine(const QString &text)
{
    QString out;
    out.reserve(text.size());
    bool gap = false;
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator) {
            gap = true;
            continue;
        }
        if (gap && !out.isEmpty() && !out.endsWith(u' ') && c != u' ')
            out += u' ';
        gap = false;
        out += c;
    }
    return out.trimmed();
}
const QString Firing = QStringLiteral("firing");
const QString Resolved = QStringLiteral("resolved");

struct IncidentInfo {
    bool exists = false;
    bool open = false;
    bool resolved = false; // resolvedAt stamped
    bool closed = false;   // closedAt stamped
    bool acknowledged = false;
    QString number;
};

// The first row the prepared query `q` selects for `key`, mapped by `read`; nothing when there
// is none or the query could not be prepared.
template <typename Read> auto firstRow(store::Stmt *q, const QString &key, Read read)
{
    return q ? q->bind(1, key).one(read) : decltype(q->one(read))();
}
// The alert a state row keeps, read back from its stored text.
Alert storedAlert(const Correlator::AlertRow &row)
{
    return Alert::fromJson(QJsonDocument::fromJson(row.alert).object());
}
} // namespace

struct Correlator::Work {
    Plan &plan;
    QHash<QString, QString> groupByKey;     // key -> current group id (staged or loaded)
    QHash<QString, IncidentInfo> incidents; // uid -> info
    QList<QString> toCheck;                 // incidents that saw a resolution
    QSet<QString> flapRecorded;             // alert ids already given a flapping event
};

Correlator::Correlator(store::Store &store, const IngestConfig &config,
                       const workflow::Workflow &workflow)
    : m_store(store), m_config(config), m_workflow(workflow)
{
}

QString Correlator::groupKey(const Alert &a) const
{
    QStringList parts;
    for (const QString &f : m_config.groupBy) {
        QString v;
        if (f == u"alertname")
            v = a.alertname.isEmpty() ? a.title : a.alertname;
        else if (f == u"service")
            v = a.service;
        else if (f == u"host")
            v = a.host;
        else if (f == u"source")
            v = a.source;
        else if (f == u"severity")
            v = domain::severityName(a.severity);
        else
            v = a.labels.value(f).toString();
        parts << f + u'=' + v;
    }
    return parts.join(QChar(0x1f));
}

store::Stmt *Correlator::stmt(const QString &sql)
{
    store::Stmt *s = m_store.db().prepare(sql);
    if (!s && m_error.isEmpty())
        m_error =
            QStringLiteral("correlation state is unreadable: %1").arg(m_store.db().lastError());
    return s;
}

std::optional<Correlator::AlertRow> Correlator::loadAlert(const QString &id)
{
    return firstRow(stmt(QStringLiteral("SELECT group_id, incident, status, reported, severity, "
                                        "first_seen, last_seen, flap_start, flap_changes, "
                                        "flapping, alert FROM ingest_alerts WHERE id=?")),
                    id, [&](const store::Stmt &s) {
                        AlertRow r;
                        r.id = id;
                        store::RowReader row(s);
                        row.read(r.groupId, r.incident, r.status, r.reported, r.severity,
                                 r.firstSeen, r.lastSeen, r.flapStart, r.flapChanges, r.flapping);
                        r.alert = row.blob(); // parsed only where a field is needed
                        r.stored = AlertKeys{r.groupId,  r.incident, r.status,
                                             r.reported, r.severity, r.firstSeen};
                        return r;
                    });
}

std::optional<Correlator::GroupRow> Correlator::loadGroup(const QString &condition,
                                                          const QString &value)
{
    return firstRow(stmt(QStringLiteral("SELECT id, group_key, incident, severity, first_seen, "
                                        "last_seen FROM ingest_groups WHERE %1")
                             .arg(condition)),
                    value, [](const store::Stmt &s) {
                        GroupRow g;
                        store::RowReader(s).read(g.id, g.key, g.incident, g.severity, g.firstSeen,
                                                 g.lastSeen);
                        g.stored = static_cast<const Sighting &>(g);
                        return g;
                    });
}

QString Correlator::incidentOfAlert(const QString &alertId)
{
    auto r = loadAlert(alertId);
    return r ? r->incident : QString();
}

static IncidentInfo incidentInfo(store::Store &store, QHash<QString, IncidentInfo> &cache,
                                 const QString &uid)
{
    if (auto it = cache.constFind(uid); it != cache.cend())
        return *it;
    // The five columns it needs, not the whole row: a storm asks this of every incident its
    // alerts touch, once per body.
    IncidentInfo info;
    if (store::Stmt *q = store.db().prepare(
            QStringLiteral("SELECT number, is_open, resolved_at, closed_at, acknowledged_at "
                           "FROM incidents WHERE uid=?"))) {
        q->bindBlob(1, store::Store::uuidToBlob(uid));
        if (q->step()) {
            store::RowReader row(*q);
            qint64 resolvedAt = 0, closedAt = 0, acknowledgedAt = 0;
            row.read(info.number, info.open, resolvedAt, closedAt, acknowledgedAt);
            info.exists = true;
            info.resolved = resolvedAt > 0;
            info.closed = closedAt > 0;
            info.acknowledged = acknowledgedAt > 0;
        }
        q->reset();
    }
    cache.insert(uid, info);
    return info;
}

bool Correlator::groupLive(Work &w, const GroupRow &g, qint64 now)
{
    const bool recent = now - g.lastSeen <= m_config.windowMs;
    if (g.incident.isEmpty())
        return recent;
    const IncidentInfo info = incidentInfo(m_store, w.incidents, g.incident);
    if (!info.exists || info.closed)
        return false;
    // An unresolved incident keeps collecting its alerts; a resolved one (open or not, as
    // the workflow has it) only inside the window; one ended otherwise (cancelled) none.
    if (!info.resolved)
        return info.open;
    return recent;
}

void Correlator::link(Work &w, const QString &incident, const Alert &a, const QString &key,
                      const QString &actor)
{
    // Written in canonical form as they are made, keys in their sorted order: the engine stores
    // and hashes these bytes as the alert.linked event's payload (one per alert of a storm),
    // instead of building an object by inserts and writing it out afterwards.
    domain::CanonicalObjectWriter args;
    args.string(QLatin1String("alert"), a.id())
        .string(QLatin1String("group"), QString(key).replace(QChar(0x1f), QStringLiteral(", ")));
    if (!a.host.isEmpty())
        args.string(QLatin1String("host"), a.host);
    if (!a.service.isEmpty())
        args.string(QLatin1String("service"), a.service);
    args.string(QLatin1String("severity"), domain::severityName(a.severity))
        .string(QLatin1String("source"), a.source)
        .string(QLatin1String("status"), alertStatusName(a.status))
        .string(QLatin1String("title"), a.title);
    if (!a.links.isEmpty())
        args.string(QLatin1String("url"), a.links.first().href);
    w.plan.commands << Command::make(Command::Kind::LinkAlert, incident, args.finish(), actor);
    ++w.plan.attached;
}

bool Correlator::damp(Work &w, AlertRow &row, qint64 now, const QString &actor)
{
    if (now - row.flapStart > m_config.flapWindowMs) {
        // Quiet for a window: a fresh count, and damping (if any) ends.
        row.flapStart = now;
        row.flapChanges = 1;
        row.flapping = false;
        return false;
    }
    ++row.flapChanges;
    if (row.flapChanges > m_config.flapMaxChanges) {
        if (!row.flapping && !row.incident.isEmpty() && !w.flapRecorded.contains(row.id)) {
            w.flapRecorded.insert(row.id);
            w.plan.commands << Command::make(
                Command::Kind::Record, row.incident,
                {{QStringLiteral("kind"), QStringLiteral("alert.flapping")},
                 {QStringLiteral("payload"),
                  QJsonObject{
                      {QStringLiteral("alert"), row.id},
                      {QStringLiteral("changes"), row.flapChanges},
                      {QStringLiteral("window_minutes"), double(m_config.flapWindowMs) / 60000.0},
                      {QStringLiteral("message"),
                       QStringLiteral("%1 changed status %2 times in %3 minutes; "
                                      "further changes are damped")
                           .arg(row.id)
                           .arg(row.flapChanges)
                           .arg(double(m_config.flapWindowMs) / 60000.0)}}}},
                actor);
        }
        row.flapping = true;
        return true;
    }
    return false;
}

void Correlator::checkAllResolved(Work &w, const QString &incident, qint64 now)
{
    Q_UNUSED(now);
    const IncidentInfo info = incidentInfo(m_store, w.incidents, incident);
    if (!info.exists || !info.open || info.resolved || info.closed)
        return;
    // Every alert of the incident resolved and none flapping; staged rows win over stored
    // ones. The stored side only looks for a counter-example, so a storm of resolutions
    // does not rescan every alert of a large incident each time.
    int total = 0;
    for (auto it = w.plan.alerts.cbegin(); it != w.plan.alerts.cend(); ++it) {
        if (it->incident != incident)
            continue;
        ++total;
        if (it->status != Resolved || it->flapping)
            return;
    }
    const auto stagedResolved = [&](const QString &id) {
        const auto it = w.plan.alerts.constFind(id);
        return it != w.plan.alerts.cend() && it->status == Resolved && !it->flapping;
    };
    // Whether a stored alert of the incident that `sql` selects (by id) blocks, looking no
    // further than the first that does; a query that cannot run blocks.
    const auto storedBlocks = [&](const QString &sql, const auto &blocks) {
        store::Stmt *q = stmt(sql);
        if (!q)
            return true;
        q->bind(1, incident);
        bool blocked = false;
        while (!blocked && q->step())
            blocked = blocks(store::RowReader(*q).text());
        q->reset();
        return blocked;
    };
    if (storedBlocks(
            QStringLiteral("SELECT id FROM ingest_alerts WHERE incident=? AND status='firing'"),
            [&](const QString &id) { return !stagedResolved(id); }))
        return;
    if (storedBlocks(QStringLiteral("SELECT id FROM ingest_alerts WHERE incident=? AND flapping=1"),
                     [&](const QString &id) {
                         return !w.plan.alerts.contains(id); // staged rows were checked above
                     }))
        return;
    store::Stmt *q = stmt(QStringLiteral("SELECT COUNT(*) FROM ingest_alerts WHERE incident=?"));
    if (!q)
        return;
    if (const auto stored =
            firstRow(q, incident, [](const store::Stmt &s) { return store::RowReader(s).int64(); }))
        total = qMax<int>(total, int(*stored));
    if (total == 0)
        return;
    const auto policy = m_workflow.allAlertsResolved();
    const QString target = policy.state.isEmpty()
                               ? m_workflow.stateStamping(QStringLiteral("resolved"))
                               : policy.state;
    QJsonObject payload{{QStringLiteral("alerts"), total}, {QStringLiteral("policy"), policy.mode}};
    if (policy.mode == u"transition" && !target.isEmpty()) {
        QJsonObject extra{{QStringLiteral("note"), m_config.allResolvedNote},
                          {QStringLiteral("resolution_note"), m_config.allResolvedNote}};
        if (!m_config.allResolvedRootCause.isEmpty())
            extra[u"root_cause"] = m_config.allResolvedRootCause;
        w.plan.policyTransitions.insert(int(w.plan.commands.size()), incident);
        w.plan.commands << Command::transition(incident, target, engine::SystemActor, extra);
        return;
    }
    if (policy.mode == u"suggest" && !target.isEmpty()) {
        payload[u"suggest"] = target;
        payload[u"message"] =
            QStringLiteral("All %1 alerts resolved; consider moving %2 to '%3'")
                .arg(total)
                .arg(info.number.isEmpty() ? QStringLiteral("the incident") : info.number, target);
    } else {
        payload[u"message"] = QStringLiteral("All %1 alerts resolved").arg(total);
    }
    w.plan.commands << Command::make(
        Command::Kind::Record, incident,
        {{QStringLiteral("kind"), AllResolvedKind}, {QStringLiteral("payload"), payload}},
        engine::SystemActor);
}

std::pair<QString, bool> Correlator::correlatedIncident(Work &w, const QString &key)
{
    // Epoch n is the (n+1)-th incident of the key: walk the key's uids past those that ended
    // (resolved, closed or cancelled) to the first that is unknown (open it) or still going.
    for (int epoch = 0;; ++epoch) {
        const QString uid = domain::correlatedIncidentUid(key, epoch);
        const IncidentInfo info = incidentInfo(m_store, w.incidents, uid);
        if (!info.exists)
            return {uid, false};
        if (info.open && !info.resolved && !info.closed)
            return {uid, true};
    }
}

Correlator::Plan Correlator::plan(const QList<Alert> &alerts, qint64 now)
{
    m_error.clear();
    Plan plan;
    Work w{plan, {}, {}, {}, {}};

    auto stagedAlert = [&](const QString &id) -> std::optional<AlertRow> {
        if (auto it = plan.alerts.constFind(id); it != plan.alerts.cend())
            return *it;
        return loadAlert(id);
    };
    auto currentGroup = [&](const QString &key) -> std::optional<GroupRow> {
        if (auto it = w.groupByKey.constFind(key); it != w.groupByKey.cend())
            return plan.groups.value(*it);
        auto g = loadGroup(QStringLiteral("group_key=? ORDER BY last_seen DESC LIMIT 1"), key);
        if (g) {
            plan.groups.insert(g->id, *g);
            w.groupByKey.insert(key, g->id);
        }
        return g;
    };
    auto groupOf = [&](const QString &id) -> std::optional<GroupRow> {
        if (auto it = plan.groups.constFind(id); it != plan.groups.cend())
            return *it;
        auto g = loadGroup(QStringLiteral("id=?"), id);
        if (g)
            plan.groups.insert(id, *g);
        return g;
    };
    auto markCheck = [&](const QString &incident) {
        if (!incident.isEmpty() && !w.toCheck.contains(incident))
            w.toCheck << incident;
    };

    for (const Alert &a : alerts) {
        if (!m_error.isEmpty())
            break;
        const QString id = a.id();
        const QString actor = a.source;
        std::optional<AlertRow> st = stagedAlert(id);
        std::optional<GroupRow> stGroup = st ? groupOf(st->groupId) : std::nullopt;
        const bool live = stGroup && groupLive(w, *stGroup, now);

        // A known alert takes `status`: a repeat is only counted, a flapping alert is damped,
        // else its incident, when it has one not told yet, records `kind` with the payload
        // `payload()` makes (only then: a repeat makes none).
        enum class Change { Repeat, Damped, Recorded, Quiet };
        const auto change = [&](AlertRow row, const QString &status, const QString &kind,
                                const auto &payload) {
            row.lastSeen = now;
            row.alert = a.toJsonText();
            Change c = Change::Quiet;
            if (row.status == status) {
                c = Change::Repeat;
                ++plan.deduplicated;
            } else {
                row.status = status;
                if (damp(w, row, now, actor)) {
                    c = Change::Damped;
                    ++plan.suppressed;
                } else if (!row.incident.isEmpty() && row.reported != status) {
                    plan.commands << Command::make(
                        Command::Kind::Record, row.incident,
                        {{QStringLiteral("kind"), kind}, {QStringLiteral("payload"), payload()}},
                        actor);
                    row.reported = status;
                    c = Change::Recorded;
                }
            }
            plan.alerts.insert(id, row);
            return c;
        };

        if (a.status == Alert::Status::Acknowledged) {
            if (!st || !live || st->incident.isEmpty()) {
                ++plan.ignored;
                continue;
            }
            incidentInfo(m_store, w.incidents, st->incident);
            IncidentInfo &info = w.incidents[st->incident];
            if (info.acknowledged) {
                ++plan.deduplicated;
                continue;
            }
            info.acknowledged = true;
            plan.commands << Command::make(Command::Kind::Acknowledge, st->incident, {}, actor);
            continue;
        }

        if (a.status == Alert::Status::Resolved) {
            if (!st || !live) {
                ++plan.ignored; // never seen firing (or its incident is gone): nothing to resolve
                continue;
            }
            const Change c = change(*st, Resolved, QStringLiteral("alert.resolved"), [&] {
                return QJsonObject{{QStringLiteral("alert"), id},
                                   {QStringLiteral("title"), a.title},
                                   {QStringLiteral("ended_at"), a.endsAt > 0 ? a.endsAt : now}};
            });
            if (c == Change::Recorded)
                markCheck(st->incident);
            if (c == Change::Recorded || c == Change::Quiet)
                ++plan.resolved;
            continue;
        }

        // Firing.
        if (st && live) {
            GroupRow g = *stGroup;
            g.lastSeen = now;
            plan.groups.insert(g.id, g);
            if (change(*st, Firing, QStringLiteral("alert.fired"), [&] {
                    return QJsonObject{
                        {QStringLiteral("alert"), id},
                        {QStringLiteral("title"), a.title},
                        {QStringLiteral("message"), QStringLiteral("%1 is firing again").arg(id)}};
                }) == Change::Recorded)
                ++plan.attached;
            continue;
        }

        // A new alert, or one whose group has ended: it joins the live group of its key.
        const QString key = groupKey(a);
        std::optional<GroupRow> g = currentGroup(key);
        if (!g || !groupLive(w, *g, now)) {
            g = GroupRow{{QString(), 0, now, now}, store::Store::newUuid(), key, std::nullopt};
            w.groupByKey.insert(key, g->id);
        }
        g->lastSeen = now;
        AlertRow row;
        row.id = id;
        row.groupId = g->id;
        row.status = Firing;
        row.reported = Firing;
        row.severity = int(a.severity);
        row.firstSeen = now;
        row.lastSeen = now;
        row.flapStart = now;
        row.flapChanges = 0;
        row.alert = a.toJsonText();

        if (!g->incident.isEmpty()) {
            row.incident = g->incident;
            link(w, g->incident, a, key, actor);
            // A more severe alert raises the incident's severity.
            if (a.severity != Severity::Unknown &&
                (g->severity == 0 || int(a.severity) < g->severity)) {
                if (g->severity != 0)
                    plan.commands << Command::make(
                        Command::Kind::SetField, g->incident,
                        {{QStringLiteral("field"), QStringLiteral("severity")},
                         {QStringLiteral("value"), domain::severityName(a.severity)}},
                        actor);
                g->severity = int(a.severity);
            }
            plan.alerts.insert(id, row);
            plan.groups.insert(g->id, *g);
            continue;
        }

        plan.alerts.insert(id, row);
        // Below the threshold the group waits; at it, one incident opens with every firing alert.
        QList<AlertRow> firing;
        QSet<QString> ids;
        for (auto it = plan.alerts.cbegin(); it != plan.alerts.cend(); ++it)
            if (it->groupId == g->id && it->status == Firing) {
                firing << *it;
                ids.insert(it->id);
            }
        store::Stmt *q =
            stmt(QStringLiteral("SELECT id FROM ingest_alerts WHERE group_id=? AND incident='' AND "
                                "status='firing'"));
        if (!q)
            break;
        q->bind(1, g->id);
        QStringList stored;
        while (q->step())
            if (QString id = store::RowReader(*q).text(); !ids.contains(id))
                stored << id;
        q->reset();
        for (const QString &sid : std::as_const(stored))
            if (auto r = loadAlert(sid))
                firing << *r;
        if (firing.size() < m_config.threshold) {
            plan.groups.insert(g->id, *g);
            continue;
        }
        // Every firing alert of the group joins its incident.
        const auto linkFiring = [&](const QString &uid) {
            g->incident = uid;
            plan.groups.insert(g->id, *g);
            for (AlertRow r : std::as_const(firing)) {
                r.incident = uid;
                r.reported = Firing;
                Alert fa = r.id == id ? a : storedAlert(r);
                link(w, uid, fa, key, fa.source.isEmpty() ? actor : fa.source);
                plan.alerts.insert(r.id, r);
            }
        };
        // The incident's identity comes from the correlation key, so another agent that
        // correlates the same alerts opens the same uid (see correlatedIncident()).
        const auto [uid, openElsewhere] = correlatedIncident(w, key);
        if (openElsewhere) {
            // Opened by another replica and merged here before this agent saw the alerts:
            // they join it instead of opening it a second time.
            linkFiring(uid);
            continue;
        }
        Severity sev = Severity::Unknown;
        QStringList hosts;
        for (const AlertRow &r : std::as_const(firing)) {
            const Severity s = Severity(r.severity);
            if (s != Severity::Unknown && (sev == Severity::Unknown || int(s) < int(sev)))
                sev = s;
            const QString h = r.id == id ? a.host : storedAlert(r).host;
            if (!h.isEmpty() && !hosts.contains(h) && hosts.size() < 50)
                hosts << h;
        }
        if (sev == Severity::Unknown)
            sev = Severity::Medium;
        QString title = a.title;
        if (!a.service.isEmpty() && !title.contains(a.service, Qt::CaseInsensitive))
            title = QStringLiteral("%1: %2").arg(a.service, title);
        title = oneLine(title);
        QString description = a.description;
        const QString groupText = QString(key).replace(QChar(0x1f), QStringLiteral(", "));
        description += (description.isEmpty() ? QString() : QStringLiteral("\n\n")) +
                       QStringLiteral("Opened from %1 alert(s) grouped by %2.")
                           .arg(firing.size())
                           .arg(groupText);
        QJsonObject open{{QStringLiteral("uid"), uid},
                         {QStringLiteral("title"), title.left(300)},
                         {QStringLiteral("description"), description.left(60000)},
                         {QStringLiteral("severity"), domain::severityName(sev)},
                         {QStringLiteral("source"), a.source}};
        if (!a.service.isEmpty())
            open[u"services"] = QJsonArray{a.service};
        if (!hosts.isEmpty())
            open[u"cis"] = QJsonArray::fromStringList(hosts);
        plan.commands << Command::open(open, actor);
        plan.openedIncidents.insert(uid);
        ++plan.opened;
        w.incidents.insert(uid, IncidentInfo{true, true, false, false, false, {}});
        g->severity = int(sev);
        linkFiring(uid);
    }
    plan.pending = 0;
    for (const AlertRow &r : std::as_const(plan.alerts))
        if (r.incident.isEmpty() && r.status == Firing)
            ++plan.pending;
    for (const QString &inc : std::as_const(w.toCheck))
        checkAllResolved(w, inc, now);
    return plan;
}

Status Correlator::write(const Plan &plan, const QSet<QString> &openedUids)
{
    auto keep = [&](const QString &incident) {
        return incident.isEmpty() || !plan.openedIncidents.contains(incident) ||
                       openedUids.contains(incident)
                   ? incident
                   : QString();
    };
    // Runs `sql` once for each of `rows`, bound by `bind`; the first row that cannot be
    // stored fails with "cannot store WHAT: why".
    const auto writeRows = [&](const QString &sql, const auto &rows, const QString &what,
                               const auto &bind) -> Status {
        if (rows.isEmpty())
            return {};
        store::Stmt *s = stmt(sql);
        if (!s)
            return Status::fail(m_error, QStringLiteral("db"));
        for (const auto *r : rows) {
            s->reset();
            bind(*s, *r);
            if (!s->exec())
                return Status::fail(QStringLiteral("cannot store %1: %2").arg(what, s->error()),
                                    QStringLiteral("db"));
        }
        return {};
    };
    // A stored row whose indexed columns keep their values gets an UPDATE of the others only:
    // SQLite rewrites the index entries of every column an UPDATE sets, changed or not, and
    // in a storm most rows only move their last sighting. Unchanged rows are not written.
    QList<const GroupRow *> groups, groupsSeen;
    for (const GroupRow &r : plan.groups) {
        if (!r.stored || r.stored->incident != keep(r.incident) ||
            r.stored->severity != r.severity || r.stored->firstSeen != r.firstSeen)
            groups << &r;
        else if (r.stored->lastSeen != r.lastSeen)
            groupsSeen << &r;
    }
    QList<const AlertRow *> alerts, alertsSeen;
    for (const AlertRow &r : plan.alerts) {
        const AlertKeys keys{r.groupId,  keep(r.incident), r.status,
                             r.reported, r.severity,       r.firstSeen};
        (r.stored && *r.stored == keys ? alertsSeen : alerts) << &r;
    }
    const QString group = QStringLiteral("alert group"), alert = QStringLiteral("alert");
    Status st =
        writeRows(QStringLiteral("INSERT INTO ingest_groups(id, group_key, incident, "
                                 "severity, first_seen, last_seen) VALUES(?,?,?,?,?,?) "
                                 "ON CONFLICT(id) DO UPDATE SET incident=excluded.incident, "
                                 "severity=excluded.severity, last_seen=excluded.last_seen"),
                  groups, group, [&](store::Stmt &s, const GroupRow &r) {
                      s.bind(1, r.id)
                          .bind(2, r.key)
                          .bind(3, keep(r.incident))
                          .bind(4, r.severity)
                          .bind(5, r.firstSeen)
                          .bind(6, r.lastSeen);
                  });
    if (st)
        st = writeRows(
            QStringLiteral("UPDATE ingest_groups SET last_seen=? WHERE id=?"), groupsSeen, group,
            [](store::Stmt &s, const GroupRow &r) { s.bind(1, r.lastSeen).bind(2, r.id); });
    if (st)
        st = writeRows(QStringLiteral("UPDATE ingest_alerts SET last_seen=?, flap_start=?, "
                                      "flap_changes=?, flapping=?, alert=? WHERE id=?"),
                       alertsSeen, alert, [](store::Stmt &s, const AlertRow &r) {
                           s.bind(1, r.lastSeen)
                               .bind(2, r.flapStart)
                               .bind(3, r.flapChanges)
                               .bind(4, r.flapping ? 1 : 0)
                               .bindText(5, r.alert)
                               .bind(6, r.id);
                       });
    if (st)
        st = writeRows(
            QStringLiteral(
                "INSERT INTO ingest_alerts(id, group_id, incident, status, reported, severity, "
                "first_seen, last_seen, flap_start, flap_changes, flapping, alert) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "group_id=excluded.group_id, incident=excluded.incident, status=excluded.status, "
                "reported=excluded.reported, severity=excluded.severity, "
                "first_seen=excluded.first_seen, last_seen=excluded.last_seen, "
                "flap_start=excluded.flap_start, flap_changes=excluded.flap_changes, "
                "flapping=excluded.flapping, alert=excluded.alert"),
            alerts, alert, [&](store::Stmt &s, const AlertRow &r) {
                s.bind(1, r.id)
                    .bind(2, r.groupId)
                    .bind(3, keep(r.incident))
                    .bind(4, r.status)
                    .bind(5, r.reported)
                    .bind(6, r.severity)
                    .bind(7, r.firstSeen)
                    .bind(8, r.lastSeen)
                    .bind(9, r.flapStart)
                    .bind(10, r.flapChanges)
                    .bind(11, r.flapping ? 1 : 0)
                    .bindText(12, r.alert);
            });
    return st;
}

} // namespace sitrep::ingest
