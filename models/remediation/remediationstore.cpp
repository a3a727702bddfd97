// SPDX-License-Identifier: MIT
#include "remediation/remediationstore.h"

#include "util/csv.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace sitrep::remediation {

using store::Stmt;

namespace {

QString iso(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

const char *kRemediationColumns =
    "correlation_id, incident, number, rule, action_type, target, spec, priority, transport, "
    "destination, status, "
    "control, reason, approved_by, attempt, created_at, updated_at, last_event";

const QString kWindowColumns =
    QStringLiteral("id, ci, created_by, created_at, starts_at, ends_at, reason");

MaintenanceWindow readWindow(const Stmt &s)
{
    MaintenanceWindow w;
    store::RowReader(s).read(w.id, w.ci, w.createdBy, w.createdAt, w.startsAt, w.endsAt, w.reason);
    return w;
}

const QString kChangeColumns =
    QStringLiteral("id, ci, created_by, created_at, implemented_at, summary, ref");

ChangeRecord readChange(const Stmt &s)
{
    ChangeRecord c;
    store::RowReader(s).read(c.id, c.ci, c.createdBy, c.createdAt, c.implementedAt, c.summary,
                             c.ref);
    return c;
}

RemediationRow readRow(const Stmt &s)
{
    RemediationRow r;
    store::RowReader row(s);
    row.read(r.correlationId, r.incident, r.number, r.rule, r.actionType, r.target);
    r.message = QJsonDocument::fromJson(row.text().toUtf8()).object();
    row.read(r.priority, r.transport, r.destination, r.status, r.control, r.reason, r.approvedBy,
             r.attempt, r.createdAt, r.updatedAt, r.lastEvent);
    return r;
}

bool boolValue(const QString &v, bool *ok)
{
    const QString l = v.trimmed().toLower();
    *ok = true;
    if (l == u"1" || l == u"true" || l == u"on" || l == u"yes")
        return true;
    if (l == u"0" || l == u"false" || l == u"off" || l == u"no")
        return false;
    *ok = false;
    return false;
}

} // namespace

QJsonObject CiRecord::recordJson(QJsonObject more) const
{
    more.insert(QStringLiteral("id"), id);
    more.insert(QStringLiteral("ci"), ci);
    more.insert(QStringLiteral("created_by"), createdBy);
    more.insert(QStringLiteral("created_at"), iso(createdAt));
    return more;
}

QJsonObject MaintenanceWindow::toJson() const
{
    return recordJson({{QStringLiteral("starts_at"), iso(startsAt)},
                       {QStringLiteral("ends_at"), iso(endsAt)},
                       {QStringLiteral("reason"), reason}});
}

QJsonObject ChangeRecord::toJson() const
{
    return recordJson({{QStringLiteral("implemented_at"), iso(implementedAt)},
                       {QStringLiteral("summary"), summary},
                       {QStringLiteral("ref"), ref}});
}

QJsonObject RemediationRow::toJson() const
{
    return {{QStringLiteral("correlation_id"), correlationId},
            {QStringLiteral("incident"), incident},
            {QStringLiteral("number"), number},
            {QStringLiteral("rule"), rule},
            {QStringLiteral("action_type"), actionType},
            {QStringLiteral("target"), target},
            {QStringLiteral("priority"), priority},
            {QStringLiteral("transport"), transport},
            {QStringLiteral("destination"), destination},
            {QStringLiteral("status"), status},
            {QStringLiteral("control"), control},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("approved_by"), approvedBy},
            {QStringLiteral("attempt"), attempt},
            {QStringLiteral("created_at"), iso(createdAt)},
            {QStringLiteral("updated_at"), iso(updatedAt)},
            {QStringLiteral("message"), message}};
}

QJsonObject AuditRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("recorded_at"), iso(recordedAt)},
            {QStringLiteral("incident"), number},
            {QStringLiteral("incident_uid"), incident},
            {QStringLiteral("workflow"), workflow},
            {QStringLiteral("workflow_version"), workflowVersion},
            {QStringLiteral("rule"), rule},
            {QStringLiteral("action_type"), actionType},
            {QStringLiteral("target"), target},
            {QStringLiteral("result"), result},
            {QStringLiteral("control"), control},
            {QStringLiteral("identity"), identity},
            {QStringLiteral("approved_by"), approvedBy},
            {QStringLiteral("event_id"), eventId},
            {QStringLiteral("correlation_id"), correlationId},
            {QStringLiteral("attempt"), attempt},
            {QStringLiteral("sitrep_event"), sitrepEvent},
            {QStringLiteral("output"), output}};
}

// --- settings ----------------------------------------------------------------------------

QList<QPair<QString, QString>> RemediationConfig::keys()
{
    return {
        {QStringLiteral("remediation.dry_run"),
         QStringLiteral("true: log every decision, send nothing")},
        {QStringLiteral("remediation.confidence_threshold"),
         QStringLiteral("lowest triage confidence that may act (0..1, default 0.8)")},
        {QStringLiteral("remediation.change_window_minutes"),
         QStringLiteral("a change on the service this recent blocks (default 30)")},
        {QStringLiteral("remediation.rules"),
         QStringLiteral("rule file or folder (default: the built-in rules)")},
        {QStringLiteral("remediation.queue.p1"), QStringLiteral("SQS FIFO queue for P1 actions")},
        {QStringLiteral("remediation.queue.standard"),
         QStringLiteral("SQS FIFO queue for the other priorities")},
        {QStringLiteral("remediation.queue.dlq"), QStringLiteral("SQS FIFO dead-letter queue")},
        {QStringLiteral("remediation.queue.results"),
         QStringLiteral("SQS FIFO queue the executors answer on")},
        {QStringLiteral("remediation.p1.visibility_timeout"),
         QStringLiteral("seconds (default 30)")},
        {QStringLiteral("remediation.standard.visibility_timeout"),
         QStringLiteral("seconds (default 120)")},
        {QStringLiteral("remediation.p1.consumers"),
         QStringLiteral("executor consumers on the P1 queue (default 4)")},
        {QStringLiteral("remediation.standard.consumers"),
         QStringLiteral("executor consumers on the standard queue (default 1)")},
        {QStringLiteral("remediation.max_receive_count"),
         QStringLiteral("receives before a message goes to the DLQ (default 3)")},
        {QStringLiteral("remediation.audit_retention_days"),
         QStringLiteral("days audit records are kept (default 2557, seven years)")},
    };
}

RemediationConfig RemediationConfig::load(store::Store &st)
{
    RemediationConfig c;
    const auto text = [&](const char *k, QString &v) { v = st.meta(QString::fromLatin1(k), v); };
    const auto num = [&](const char *k, int &v) {
        bool ok = false;
        const int n = st.meta(QString::fromLatin1(k)).toInt(&ok);
        if (ok)
            v = n;
    };
    bool ok = false;
    const bool dry = boolValue(st.meta(QStringLiteral("remediation.dry_run")), &ok);
    if (ok)
        c.dryRun = dry;
    const double th = st.meta(QStringLiteral("remediation.confidence_threshold")).toDouble(&ok);
    if (ok)
        c.confidenceThreshold = th;
    num("remediation.change_window_minutes", c.changeWindowMinutes);
    text("remediation.rules", c.rules);
    text("remediation.queue.p1", c.p1Queue);
    text("remediation.queue.standard", c.standardQueue);
    text("remediation.queue.dlq", c.dlq);
    text("remediation.queue.results", c.resultsQueue);
    num("remediation.p1.visibility_timeout", c.p1VisibilityTimeout);
    num("remediation.standard.visibility_timeout", c.standardVisibilityTimeout);
    num("remediation.p1.consumers", c.p1Consumers);
    num("remediation.standard.consumers", c.standardConsumers);
    num("remediation.max_receive_count", c.maxReceiveCount);
    return c;
}

QString RemediationConfig::get(store::Store &st, const QString &key)
{
    if (key == u"remediation.audit_retention_days")
        return QString::number(RemediationStore(st).retentionDays());
    return st.meta(key);
}

Status RemediationConfig::set(store::Store &st, const QString &key, const QString &rawValue)
{
    const QString value = rawValue.trimmed();
    const auto keysList = keys();
    if (std::none_of(keysList.cbegin(), keysList.cend(),
                     [&](const auto &k) { return k.first == key; })) {
        QStringList names;
        for (const auto &k : keysList)
            names << k.first;
        return Status::fail(QStringLiteral("unknown setting '%1' (settings: %2)")
                                .arg(key, names.join(QStringLiteral(", "))));
    }
    bool ok = false;
    if (key == u"remediation.dry_run") {
        const bool b = boolValue(value, &ok);
        if (!ok)
            return Status::fail(
                QStringLiteral("remediation.dry_run is true or false, not '%1'").arg(value));
        return st.setMeta(key, b ? QStringLiteral("true") : QStringLiteral("false"));
    }
    if (key == u"remediation.confidence_threshold") {
        const double d = value.toDouble(&ok);
        if (!ok || d < 0.0 || d > 1.0)
            return Status::fail(
                QStringLiteral(
                    "remediation.confidence_threshold is a number between 0 and 1, not '%1'")
                    .arg(value));
        return st.setMeta(key, QString::number(d));
    }
    if (key == u"remediation.rules") {
        if (!value.isEmpty() && !QFileInfo::exists(value))
            return Status::fail(QStringLiteral("%1: no such file or folder").arg(value));
        return st.setMeta(key, value.isEmpty() ? QString() : QFileInfo(value).absoluteFilePath());
    }
    if (key.startsWith(u"remediation.queue.")) {
        if (!value.endsWith(u".fifo") || value.size() > 80 || value.contains(u'/') ||
            value.contains(u' '))
            return Status::fail(
                QStringLiteral(
                    "%1 must be a FIFO queue name (ending in .fifo, at most 80 characters)")
                    .arg(key));
        return st.setMeta(key, value);
    }
    const int n = value.toInt(&ok);
    if (key == u"remediation.audit_retention_days") {
        if (!ok || n < 1)
            return Status::fail(
                QStringLiteral("remediation.audit_retention_days is a whole number of days >= 1"));
        return RemediationStore(st).setRetentionDays(n);
    }
    int lo = 0, hi = 43200;
    if (key.endsWith(u"consumers"))
        lo = 1, hi = 64;
    else if (key == u"remediation.max_receive_count")
        lo = 1, hi = 1000;
    else if (key == u"remediation.change_window_minutes")
        lo = 0, hi = 10080;
    if (!ok || n < lo || n > hi)
        return Status::fail(
            QStringLiteral("%1 is a whole number from %2 to %3").arg(key).arg(lo).arg(hi));
    return st.setMeta(key, QString::number(n));
}

// --- maintenance windows and changes --------------------------------------------------

Result<qint64> RemediationStore::addMaintenance(const QString &ci, qint64 startsAt, qint64 endsAt,
                                                const QString &reason, const QString &by,
                                                qint64 now)
{
    using R = Result<qint64>;
    if (ci.trimmed().isEmpty())
        return R::fail(
            QStringLiteral("a maintenance window needs a configuration item (--ci SERVICE)"));
    if (startsAt <= 0 || endsAt <= 0)
        return R::fail(QStringLiteral("a maintenance window needs a start and an end"));
    if (endsAt <= startsAt)
        return R::fail(QStringLiteral("a maintenance window must end after it starts"));
    if (auto s = m_store.db().run(
            QStringLiteral("INSERT INTO remediation_maintenance(ci, starts_at, ends_at, reason, "
                           "created_by, created_at) VALUES(?,?,?,?,?,?)"),
            ci.trimmed(), startsAt, endsAt, reason.trimmed(), by, now);
        !s)
        return R(s.error());
    return m_store.db().lastInsertRowId();
}

QList<MaintenanceWindow> RemediationStore::maintenance(qint64 now, bool includeEnded)
{
    QList<MaintenanceWindow> out;
    Stmt *s = m_store.db().prepare(QStringLiteral("SELECT %1 FROM remediation_maintenance "
                                                  "WHERE ?1 OR ends_at > ?2 ORDER BY starts_at, id")
                                       .arg(kWindowColumns));
    if (!s)
        return out;
    s->bind(1, includeEnded ? 1 : 0).bind(2, now);
    out = s->all(readWindow);
    return out;
}

Status RemediationStore::endMaintenance(qint64 id, qint64 now)
{
    Stmt *q = m_store.db().prepare(
        QStringLiteral("SELECT starts_at, ends_at FROM remediation_maintenance WHERE id = ?"));
    if (!q)
        return Status::fail(m_store.db().lastError(), QStringLiteral("db"));
    q->bind(1, id);
    if (!q->step())
        return Status::fail(QStringLiteral("no maintenance window %1").arg(id),
                            QStringLiteral("not_found"));
    store::RowReader row(*q);
    const qint64 starts = row.int64(), ends = row.int64();
    q->reset();
    if (ends <= now)
        return Status::fail(QStringLiteral("maintenance window %1 has already ended").arg(id),
                            QStringLiteral("invalid"));
    // A window in effect for no whole millisecond yet has nothing to end: ends_at must stay
    // after starts_at, so it is removed instead.
    if (starts >= now)
        return Status::fail(
            QStringLiteral("maintenance window %1 has not been in effect yet; remove it "
                           "with `sitrep maintenance rm %1`")
                .arg(id),
            QStringLiteral("invalid"));
    return m_store.db().run(
        QStringLiteral("UPDATE remediation_maintenance SET ends_at = ? WHERE id = ?"), now, id);
}

Status RemediationStore::removeMaintenance(qint64 id)
{
    if (auto r = m_store.db().run(
            QStringLiteral("DELETE FROM remediation_maintenance WHERE id = ?"), id);
        !r)
        return r;
    if (m_store.db().changes() == 0)
        return Status::fail(QStringLiteral("no maintenance window %1").arg(id),
                            QStringLiteral("not_found"));
    return {};
}

std::optional<MaintenanceWindow> RemediationStore::activeMaintenance(const QStringList &cis,
                                                                     qint64 now)
{
    Stmt *s =
        m_store.db().prepare(QStringLiteral("SELECT %1 FROM remediation_maintenance "
                                            "WHERE ci = ? COLLATE NOCASE AND starts_at <= ? AND "
                                            "ends_at > ? ORDER BY ends_at DESC LIMIT 1")
                                 .arg(kWindowColumns));
    if (!s)
        return std::nullopt;
    for (const QString &ci : cis) {
        s->reset();
        s->bind(1, ci).bind(2, now).bind(3, now);
        if (s->step()) {
            const MaintenanceWindow w = readWindow(*s);
            s->reset();
            return w;
        }
    }
    s->reset();
    return std::nullopt;
}

Result<qint64> RemediationStore::addChange(const QString &ci, qint64 implementedAt,
                                           const QString &summary, const QString &ref,
                                           const QString &by, qint64 now)
{
    using R = Result<qint64>;
    if (ci.trimmed().isEmpty())
        return R::fail(QStringLiteral("a change needs a configuration item (--ci SERVICE)"));
    if (summary.trimmed().isEmpty())
        return R::fail(QStringLiteral("a change needs a summary"));
    if (implementedAt <= 0)
        return R::fail(QStringLiteral("a change needs the time it was implemented"));
    if (auto s = m_store.db().run(
            QStringLiteral("INSERT INTO remediation_changes(ci, implemented_at, summary, ref, "
                           "created_by, created_at) VALUES(?,?,?,?,?,?)"),
            ci.trimmed(), implementedAt, summary.trimmed(), ref.trimmed(), by, now);
        !s)
        return R(s.error());
    return m_store.db().lastInsertRowId();
}

QList<ChangeRecord> RemediationStore::changes(qint64 since)
{
    QList<ChangeRecord> out;
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT %1 FROM remediation_changes "
                       "WHERE implemented_at > ? ORDER BY implemented_at DESC, id DESC")
            .arg(kChangeColumns));
    if (!s)
        return out;
    s->bind(1, since);
    out = s->all(readChange);
    return out;
}

Status RemediationStore::removeChange(qint64 id)
{
    if (auto r =
            m_store.db().run(QStringLiteral("DELETE FROM remediation_changes WHERE id = ?"), id);
        !r)
        return r;
    if (m_store.db().changes() == 0)
        return Status::fail(QStringLiteral("no change %1").arg(id), QStringLiteral("not_found"));
    return {};
}

std::optional<ChangeRecord> RemediationStore::recentChange(const QStringList &cis, qint64 now,
                                                           qint64 windowMs)
{
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT %1 FROM remediation_changes "
                       "WHERE ci = ? COLLATE NOCASE AND implemented_at > ? AND implemented_at <= ? "
                       "ORDER BY implemented_at DESC LIMIT 1")
            .arg(kChangeColumns));
    if (!s)
        return std::nullopt;
    std::optional<ChangeRecord> best;
    for (const QString &ci : cis) {
        s->reset();
        s->bind(1, ci).bind(2, now - windowMs).bind(3, now);
        if (s->step()) {
            const ChangeRecord c = readChange(*s);
            if (!best || c.implementedAt > best->implementedAt)
                best = c;
        }
    }
    s->reset();
    return best;
}

// --- remediations and dispatch ------------------------------------------------------------

QList<RemediationRow> RemediationStore::remediations(const QStringList &statuses,
                                                     const QString &incident, int limit)
{
    QList<RemediationRow> out;
    QString sql = QStringLiteral("SELECT %1 FROM remediations WHERE 1")
                      .arg(QLatin1String(kRemediationColumns));
    if (!statuses.isEmpty()) {
        QStringList q;
        for (int i = 0; i < statuses.size(); ++i)
            q << QStringLiteral("?");
        sql += QStringLiteral(" AND status IN (%1)").arg(q.join(u','));
    }
    if (!incident.isEmpty())
        sql += QStringLiteral(" AND incident = ?");
    sql += QStringLiteral(" ORDER BY updated_at DESC, correlation_id LIMIT %1").arg(limit);
    Stmt *s = m_store.db().prepare(sql);
    if (!s)
        return out;
    int i = 1;
    for (const QString &st : statuses)
        s->bind(i++, st);
    if (!incident.isEmpty())
        s->bind(i++, incident);
    return s->all(readRow);
}

std::optional<RemediationRow> RemediationStore::remediation(const QString &correlationId)
{
    Stmt *s =
        m_store.db().prepare(QStringLiteral("SELECT %1 FROM remediations WHERE correlation_id = ?")
                                 .arg(QLatin1String(kRemediationColumns)));
    if (!s)
        return std::nullopt;
    return s->bind(1, correlationId).one(readRow);
}

QList<DispatchRow> RemediationStore::dueDispatch(qint64 now, int limit, bool includeSqs)
{
    QList<DispatchRow> out;
    for (const auto &x :
         m_dispatch.due(now, limit, includeSqs ? QString() : QStringLiteral("sqs"))) {
        DispatchRow d;
        d.id = x.id;
        d.correlationId = x.attributes.value(QStringLiteral("correlation_id")).toString();
        d.attempt = x.attributes.value(QStringLiteral("attempt")).toInt(1);
        d.transport = x.transport;
        d.destination = x.destination;
        d.method = x.attributes.value(QStringLiteral("method")).toString(QStringLiteral("POST"));
        d.groupId = x.subject;
        d.dedupId = x.key;
        d.body = x.body;
        d.status = delivery::stateName(x.state);
        d.tries = x.attempts;
        d.nextAt = x.nextAt;
        d.lastError = x.lastError;
        out << d;
    }
    return out;
}

// --- audit ------------------------------------------------------------------------------

QList<AuditRecord> RemediationStore::audit(qint64 from, qint64 to)
{
    QList<AuditRecord> out;
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT id, recorded_at, incident, number, workflow, workflow_version, "
                       "rule, action_type, target, result, control, "
                       "identity, approved_by, event_id, correlation_id, attempt, sitrep_event, "
                       "output FROM remediation_audit "
                       "WHERE recorded_at >= ? AND (? = 0 OR recorded_at < ?) ORDER BY id"));
    if (!s)
        return out;
    s->bind(1, from).bind(2, to).bind(3, to);
    while (s->step()) {
        AuditRecord a;
        store::RowReader row(*s);
        row.read(a.id, a.recordedAt, a.incident, a.number, a.workflow, a.workflowVersion, a.rule,
                 a.actionType, a.target, a.result, a.control, a.identity, a.approvedBy, a.eventId,
                 a.correlationId, a.attempt, a.sitrepEvent, a.output);
        out << a;
    }
    return out;
}

int RemediationStore::retentionDays()
{
    Stmt *s = m_store.db().prepare(
        QStringLiteral("SELECT retention_days FROM remediation_audit_policy WHERE id = 1"));
    if (!s || !s->step())
        return 2557;
    const int d = int(store::RowReader(*s).int64());
    s->reset();
    return d;
}

Status RemediationStore::setRetentionDays(int days)
{
    if (days < 1)
        return Status::fail(QStringLiteral("the audit retention is at least one day"));
    return m_store.db().run(
        QStringLiteral("UPDATE remediation_audit_policy SET retention_days = ? WHERE id = 1"),
        days);
}

Result<int> RemediationStore::pruneAudit()
{
    // The same cut-off as the trigger that guards the table, so a prune can never trip it.
    if (auto r = m_store.db().run(QStringLiteral(
            "DELETE FROM remediation_audit WHERE recorded_at < CAST((julianday('now') - 2440587.5) "
            "* "
            "86400000.0 AS INTEGER) "
            "- (SELECT retention_days FROM remediation_audit_policy WHERE id = 1) * 86400000"));
        !r)
        return Result<int>(r.error());
    return m_store.db().changes();
}

QByteArray RemediationStore::exportAudit(const QList<AuditRecord> &records, const QString &format)
{
    if (format == u"json") {
        QJsonArray a;
        for (const auto &r : records)
            a.append(r.toJson());
        return QJsonDocument(a).toJson(QJsonDocument::Indented);
    }
    static const QStringList cols{QStringLiteral("id"),
                                  QStringLiteral("recorded_at"),
                                  QStringLiteral("incident"),
                                  QStringLiteral("incident_uid"),
                                  QStringLiteral("workflow"),
                                  QStringLiteral("workflow_version"),
                                  QStringLiteral("rule"),
                                  QStringLiteral("action_type"),
                                  QStringLiteral("target"),
                                  QStringLiteral("result"),
                                  QStringLiteral("control"),
                                  QStringLiteral("identity"),
                                  QStringLiteral("approved_by"),
                                  QStringLiteral("event_id"),
                                  QStringLiteral("correlation_id"),
                                  QStringLiteral("attempt"),
                                  QStringLiteral("sitrep_event"),
                                  QStringLiteral("output")};
    QString out = cols.join(u',') + QStringLiteral("\r\n");
    for (const auto &r : records) {
        const QJsonObject o = r.toJson();
        QStringList f;
        for (const QString &c : cols) {
            const QJsonValue v = o.value(c);
            // Numbers (attempt) stay numbers; text cannot start a formula.
            f << (v.isDouble() ? v.toVariant().toString()
                               : util::csvCell(v.toVariant().toString()));
        }
        out += f.join(u',') + QStringLiteral("\r\n");
    }
    return out.toUtf8();
}

} // namespace sitrep::remediation
