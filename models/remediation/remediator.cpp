// SPDX-License-Identifier: MIT
#include "remediation/remediator.h"

#include "engine/lifecycleengine.h"
#include "remediation/logging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace sitrep::remediation {

using domain::Event;
using domain::Incident;
using engine::Command;

namespace {

const QString kCursorKey = QStringLiteral("remediation.cursor");

bool isPerson(const QString &actor)
{
    return !actor.isEmpty() && actor != engine::SystemActor && !actor.startsWith(u"triage") &&
           !actor.startsWith(u"ingest") && !actor.startsWith(u"sitrep");
}

// The command that records a `kind` event with `payload` on an incident's timeline.
Command recordCommand(const QString &incidentUid, const QString &kind, const QJsonObject &payload,
                      const QString &actor = engine::SystemActor)
{
    return Command::make(Command::Kind::Record, incidentUid,
                         {{QStringLiteral("kind"), kind}, {QStringLiteral("payload"), payload}},
                         actor);
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

domain::Priority effectivePriority(const Incident &inc)
{
    return inc.priority != domain::Priority::None ? inc.priority
                                                  : domain::priorityForSeverity(inc.severity);
}

QStringList configurationItems(const Incident &inc)
{
    QStringList cis = inc.services;
    for (const QString &c : inc.cis)
        if (!cis.contains(c, Qt::CaseInsensitive))
            cis << c;
    return cis;
}

/// The hook: keeps the remediation rows in step with the remediation.* events.
Status applyEvent(store::Store &st, const engine::LifecycleEngine &engine, const Event &e)
{
    const QJsonObject p = e.payload;
    const QString corr = p.value(QStringLiteral("correlation_id")).toString();
    if (corr.isEmpty())
        return Status::fail(QStringLiteral("%1 event without a correlation id").arg(e.kind));
    auto &db = st.db();
    // A write (`sql` run with `values`) that must change exactly one row; `none` says why
    // when it changed none.
    const auto changeOne = [&](const QString &none, const QString &code, const QString &sql,
                               const auto &...values) -> Status {
        if (auto r = db.run(sql, values...); !r)
            return r;
        if (db.changes() != 1)
            return Status::fail(none, code);
        return {};
    };
    // Changes the failed remediation: `set` is the SET clause, `values` its parameters.
    const auto changeFailed = [&](const QString &set, const auto &...values) -> Status {
        return changeOne(QStringLiteral("remediation %1 is not a failed one").arg(corr),
                         QStringLiteral("conflict"),
                         QStringLiteral("UPDATE remediations SET %1 WHERE correlation_id = ? AND "
                                        "status = 'failed'")
                             .arg(set),
                         values..., corr);
    };
    const QJsonObject message = p.value(QStringLiteral("message")).toObject();
    const QString spec = QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
    const QJsonObject action = p.value(QStringLiteral("action")).toObject();
    const int attempt = p.value(QStringLiteral("attempt")).toInt(1);

    const auto audit = [&](const QString &result, const QString &identity, const QString &eventId,
                           const QString &output) -> Status {
        return changeOne(
            QStringLiteral("no remediation %1 to audit").arg(corr), QStringLiteral("not_found"),
            QStringLiteral("INSERT INTO remediation_audit(recorded_at, incident, "
                           "number, workflow, workflow_version, rule, action_type, "
                           "target, result, control, identity, approved_by, event_id, "
                           "correlation_id, attempt, sitrep_event, output) "
                           "SELECT ?1, ?2, ?3, ?4, ?5, r.rule, r.action_type, r.target, "
                           "?6, ?7, ?8, r.approved_by, ?9, ?10, ?11, ?12, ?13 "
                           "FROM remediations r WHERE r.correlation_id = ?10"),
            e.ts, e.incidentUid, p.value(QStringLiteral("number")).toString(),
            engine.workflow().name(), engine.workflow().version(), result,
            p.value(QStringLiteral("control")).toString(), identity, eventId, corr, attempt, e.id,
            output);
    };
    // The remediation queue of the one delivery queue, keyed by the attempt's deduplication id.
    delivery::DeliveryQueue dispatch(st, delivery::queues::Remediation);
    const QString key = Remediator::dedupId(corr, attempt);
    const auto queueDispatch = [&]() -> Status {
        delivery::Item item;
        item.key = key;
        item.subject = e.incidentUid;
        item.eventSeq = e.seq;
        item.transport = p.value(QStringLiteral("transport")).toString();
        item.destination = p.value(QStringLiteral("destination")).toString();
        item.attributes = {{QStringLiteral("correlation_id"), corr},
                           {QStringLiteral("attempt"), attempt},
                           {QStringLiteral("method"),
                            p.value(QStringLiteral("method")).toString(QStringLiteral("POST"))}};
        item.body = QJsonDocument(message).toJson(QJsonDocument::Compact);
        item.nextAt = e.ts;
        auto added = dispatch.enqueue(item);
        if (!added)
            return Status(added.error());
        if (!*added)
            return Status::fail(QStringLiteral("remediation %1 attempt %2 is queued already")
                                    .arg(corr)
                                    .arg(attempt),
                                QStringLiteral("conflict"));
        return {};
    };

    if (e.kind == kinds::Skipped || e.kind == kinds::AwaitingApproval || e.kind == kinds::Queued) {
        const QString status = e.kind == kinds::Skipped  ? QStringLiteral("skipped")
                               : e.kind == kinds::Queued ? QStringLiteral("queued")
                                                         : QStringLiteral("awaiting_approval");
        if (auto r = changeOne(
                QStringLiteral("remediation %1 was already decided").arg(corr),
                QStringLiteral("conflict"),
                QStringLiteral(
                    "INSERT INTO remediations(correlation_id, incident, number, rule, action_type, "
                    "target, "
                    "spec, priority, transport, "
                    "destination, status, control, reason, approved_by, attempt, created_at, "
                    "updated_at, "
                    "last_event) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?16,?17) "
                    "ON CONFLICT(correlation_id) DO UPDATE SET status = excluded.status, control = "
                    "excluded.control, "
                    "reason = excluded.reason, approved_by = excluded.approved_by, spec = "
                    "excluded.spec, "
                    "updated_at = excluded.updated_at, last_event = excluded.last_event "
                    "WHERE remediations.status = 'awaiting_approval'"),
                corr, e.incidentUid, p.value(QStringLiteral("number")).toString(),
                p.value(QStringLiteral("rule")).toString(),
                action.value(QStringLiteral("type")).toString(),
                action.value(QStringLiteral("target")).toString(), spec,
                p.value(QStringLiteral("priority")).toString(),
                p.value(QStringLiteral("transport")).toString(),
                p.value(QStringLiteral("destination")).toString(), status,
                p.value(QStringLiteral("control")).toString(),
                p.value(QStringLiteral("reason")).toString(),
                p.value(QStringLiteral("approved_by")).toString(), attempt, e.ts, e.id);
            !r)
            return r;
        if (e.kind == kinds::Queued)
            return queueDispatch();
        if (e.kind == kinds::Skipped) {
            QString output = p.value(QStringLiteral("reason")).toString();
            if (p.value(QStringLiteral("control")).toString() == controls::DryRun)
                output += QStringLiteral("\nwould send: ") + spec;
            return audit(QStringLiteral("skipped"), e.actor, QString(), output);
        }
        return {};
    }
    if (e.kind == kinds::Sent) {
        if (auto r = dispatch.settle(key, delivery::State::Delivered,
                                     p.value(QStringLiteral("message_id")).toString(), {});
            !r)
            return r;
        return db.run(
            QStringLiteral("UPDATE remediations SET status = 'sent', updated_at = ?, last_event = "
                           "? WHERE correlation_id = ? AND status = 'queued' AND attempt = ?"),
            e.ts, e.id, corr, attempt);
    }
    if (e.kind == kinds::Succeeded || e.kind == kinds::Failed || e.kind == kinds::DeadLettered) {
        const bool ok = e.kind == kinds::Succeeded;
        if (auto r = changeOne(
                QStringLiteral("no remediation %1").arg(corr), QStringLiteral("not_found"),
                QStringLiteral("UPDATE remediations SET status = ?, reason = ?, updated_at "
                               "= ?, last_event = ? WHERE correlation_id = ?"),
                ok ? QStringLiteral("succeeded") : QStringLiteral("failed"),
                ok ? QString() : p.value(QStringLiteral("reason")).toString(), e.ts, e.id, corr);
            !r)
            return r;
        // The queued message of a hook that answered is done as well (one sent to SQS is
        // settled already, and stays delivered whatever the executors did with it).
        const auto state =
            ok ? delivery::State::Delivered
            : e.kind == kinds::DeadLettered || p.value(QStringLiteral("dead_letter")).toBool()
                ? delivery::State::Dead
                : delivery::State::Failed;
        if (auto r = dispatch.settle(key, state, {},
                                     ok ? QString() : p.value(QStringLiteral("reason")).toString());
            !r)
            return r;
        QString output = p.value(QStringLiteral("output")).toString();
        if (e.kind == kinds::DeadLettered)
            output = QStringLiteral("dead-lettered after %1 receives%2%3")
                         .arg(p.value(QStringLiteral("receive_count")).toInt())
                         .arg(output.isEmpty() ? QString() : QStringLiteral(": "), output);
        return audit(ok ? QStringLiteral("success") : QStringLiteral("failure"),
                     p.value(QStringLiteral("identity")).toString(e.actor),
                     p.value(QStringLiteral("event_id")).toString(), output);
    }
    if (e.kind == kinds::Retried) {
        if (auto r = changeFailed(QStringLiteral("status = 'queued', attempt = ?, reason = '', "
                                                 "control = '', spec = ?, updated_at = ?, "
                                                 "last_event = ?"),
                                  attempt, spec, e.ts, e.id);
            !r)
            return r;
        return queueDispatch();
    }
    if (e.kind == kinds::Dismissed) {
        return changeFailed(
            QStringLiteral("status = 'dismissed', reason = ?, updated_at = ?, last_event = ?"),
            p.value(QStringLiteral("reason")).toString(), e.ts, e.id);
    }
    return {};
}

} // namespace

TriageFacts triageFacts(const QList<Event> &timeline)
{
    TriageFacts f;
    f.source = QStringLiteral("none");
    bool personSet = false;
    for (const Event &e : timeline) {
        if (e.kind == domain::kinds::Opened) {
            const QString c = e.payload.value(QStringLiteral("category")).toString();
            if (!c.isEmpty() && isPerson(e.actor)) {
                f = {c, 1.0, QStringLiteral("person")};
                personSet = true;
            }
        } else if (e.kind == domain::kinds::FieldSet &&
                   e.payload.value(QStringLiteral("field")).toString() == u"category") {
            if (isPerson(e.actor)) {
                f = {e.payload.value(QStringLiteral("value")).toString(), 1.0,
                     QStringLiteral("person")};
                personSet = !f.category.isEmpty();
            }
        } else if (e.kind == kinds::TriageAccepted) {
            // One event per accepted field ({"field","value","corrected"}): only accepting the
            // category makes it certain; accepting the priority says nothing about the category.
            const bool isCategory =
                e.payload.value(QStringLiteral("field")).toString() == u"category";
            QString c = e.payload.value(QStringLiteral("category")).toString();
            if (isCategory)
                c = e.payload.value(QStringLiteral("corrected"))
                        .toString(e.payload.value(QStringLiteral("value")).toString());
            if (!c.isEmpty()) {
                f = {c, 1.0, QStringLiteral("accepted")};
                personSet = true;
            }
        } else if (e.kind == kinds::TriageSuggested && !personSet) {
            f.category = e.payload.value(QStringLiteral("category")).toString();
            f.confidence =
                std::clamp(e.payload.value(QStringLiteral("confidence")).toDouble(), 0.0, 1.0);
            f.source = QStringLiteral("suggested");
        }
    }
    return f;
}

Remediator::Remediator(engine::LifecycleEngine &engine, RuleSet rules, RemediationConfig config)
    : m_engine(engine), m_rules(std::move(rules)), m_config(std::move(config)),
      m_rstore(engine.store())
{
    attach(engine);
}

void Remediator::attach(engine::LifecycleEngine &engine)
{
    engine::LifecycleEngine *eng = &engine;
    const auto apply = [eng](store::Store &st, const QList<Event> &events) -> Status {
        for (const Event &e : events) {
            if (!e.kind.startsWith(u"remediation.") ||
                e.kind == domain::kinds::RemediationRequested)
                continue;
            if (auto s = applyEvent(st, *eng, e); !s)
                return s;
        }
        return {};
    };
    // Once per engine, however many Remediators are built on it.
    engine.addCommitHook(QStringLiteral("remediation"), apply);
}

Result<Remediator> Remediator::fromSettings(engine::LifecycleEngine &engine)
{
    const RemediationConfig cfg = RemediationConfig::load(engine.store());
    auto rules = cfg.rules.isEmpty() ? RuleSet::defaults() : RuleSet::load(cfg.rules);
    if (!rules)
        return Result<Remediator>(rules.error());
    return Remediator(engine, std::move(*rules), cfg);
}

QString Remediator::correlationId(const QString &incidentUid, const QString &ruleId,
                                  const QString &triggerEventId)
{
    // A name-based (v5) UUID: the same decision made twice, by two processes or after a
    // crash, has the same id, so it is recorded once.
    static const QUuid ns(QStringLiteral("6f1c2a8e-6f0b-4b7e-9a55-5e3d2c1b0a99"));
    return QUuid::createUuidV5(ns,
                               QStringLiteral("%1/%2/%3").arg(incidentUid, ruleId, triggerEventId))
        .toString(QUuid::WithoutBraces);
}

QString Remediator::dedupId(const QString &correlationId, int attempt)
{
    return attempt <= 1 ? correlationId : QStringLiteral("%1.%2").arg(correlationId).arg(attempt);
}

Status Remediator::record(const QString &incidentUid, const QString &kind,
                          const QJsonObject &payload, const QString &actor)
{
    auto r = m_engine.execute(recordCommand(incidentUid, kind, payload, actor));
    if (!r)
        return Status(r.error());
    return {};
}

Decision Remediator::decide(const Incident &inc, const TriageFacts &facts, const QString &trigger,
                            qint64 now)
{
    Decision d;
    Facts f{&inc, facts.category, facts.confidence};
    d.rule = m_rules.match(f);
    if (!d.rule)
        return d;
    const Rule &rule = *d.rule;
    const auto prio = effectivePriority(inc);
    const auto policy = m_engine.workflow().policy(prio);
    const ActionSpec spec = rule.action.resolved(inc, facts.category);
    const QString corr = correlationId(inc.uid, rule.id, trigger);
    const bool p1 = prio == domain::Priority::P1;
    QString transport = QStringLiteral("sqs");
    QString destination = p1 ? m_config.p1Queue : m_config.standardQueue;
    QString method = QStringLiteral("POST");
    if (!rule.hook.isEmpty()) {
        const Hook *h = m_rules.hook(rule.hook);
        transport = QStringLiteral("hook:") + rule.hook;
        destination = h ? h->endpoint : QString();
        method = h ? h->method : method;
    }
    QJsonObject message{
        {QStringLiteral("schema"), QStringLiteral("sitrep.remediation/1")},
        {QStringLiteral("correlation_id"), corr},
        {QStringLiteral("attempt"), 1},
        {QStringLiteral("dedup_id"), dedupId(corr, 1)},
        {QStringLiteral("incident"),
         QJsonObject{{QStringLiteral("uid"), inc.uid},
                     {QStringLiteral("number"), inc.number},
                     {QStringLiteral("title"), inc.title},
                     {QStringLiteral("priority"), domain::priorityName(prio)},
                     {QStringLiteral("severity"), domain::severityName(inc.severity)},
                     {QStringLiteral("services"), QJsonArray::fromStringList(inc.services)},
                     {QStringLiteral("cis"), QJsonArray::fromStringList(inc.cis)}}},
        {QStringLiteral("action"), spec.toJson()},
        {QStringLiteral("rule"), rule.id},
        {QStringLiteral("category"), facts.category},
        {QStringLiteral("confidence"), facts.confidence},
        {QStringLiteral("workflow"),
         QJsonObject{{QStringLiteral("name"), m_engine.workflow().name()},
                     {QStringLiteral("version"), m_engine.workflow().version()}}},
        {QStringLiteral("results_queue"), m_config.resultsQueue},
        {QStringLiteral("destination"), destination},
        {QStringLiteral("requested_at"), iso(now)},
    };
    d.payload = QJsonObject{
        {QStringLiteral("correlation_id"), corr},
        {QStringLiteral("number"), inc.number},
        {QStringLiteral("rule"), rule.id},
        {QStringLiteral("action"), spec.toJson()},
        {QStringLiteral("priority"), domain::priorityName(prio)},
        {QStringLiteral("category"), facts.category},
        {QStringLiteral("confidence"), facts.confidence},
        {QStringLiteral("triage"), facts.source},
        {QStringLiteral("transport"), transport},
        {QStringLiteral("destination"), destination},
        {QStringLiteral("method"), method},
        {QStringLiteral("attempt"), 1},
        {QStringLiteral("dedup_id"), dedupId(corr, 1)},
        {QStringLiteral("trigger"), trigger},
    };
    const auto stop = [&](const QString &kind, const QString &control, const QString &reason) {
        d.kind = kind;
        d.control = control;
        d.reason = reason;
        d.payload[QStringLiteral("control")] = control;
        d.payload[QStringLiteral("reason")] = reason;
        d.payload[QStringLiteral("message")] = message;
        return d;
    };

    // 1. The workflow's policy for the priority (seed 003's severity matrix).
    if (!policy.autoRemediation && !policy.approvalRequired)
        return stop(kinds::Skipped, controls::PriorityPolicy,
                    QStringLiteral("auto_remediation is off for %1 in workflow %2")
                        .arg(domain::priorityName(prio), m_engine.workflow().name()));
    // 2. Confidence threshold.
    const double threshold = rule.minConfidence.value_or(m_config.confidenceThreshold);
    if (facts.confidence + 1e-9 < threshold)
        return stop(kinds::Skipped, controls::ConfidenceThreshold,
                    QStringLiteral("confidence %1 is below the threshold %2")
                        .arg(facts.confidence, 0, 'f', 2)
                        .arg(threshold, 0, 'f', 2));
    // 3./4. Maintenance windows and recent changes on the configuration items.
    QStringList cis = configurationItems(inc);
    if (auto w = m_rstore.activeMaintenance(cis, now))
        return stop(
            kinds::Skipped, controls::MaintenanceWindow,
            QStringLiteral("maintenance window %1 on %2 until %3%4")
                .arg(w->id)
                .arg(w->ci, iso(w->endsAt),
                     w->reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(w->reason)));
    if (auto c = m_rstore.recentChange(cis, now, qint64(m_config.changeWindowMinutes) * 60000))
        return stop(kinds::Skipped, controls::RecentChange,
                    QStringLiteral("change %1 on %2 implemented %3 min ago: %4")
                        .arg(c->ref.isEmpty() ? QString::number(c->id) : c->ref, c->ci)
                        .arg((now - c->implementedAt) / 60000)
                        .arg(c->summary));
    // 5. Dry run: log what would be sent.
    if (m_config.dryRun || rule.dryRun)
        return stop(kinds::Skipped, controls::DryRun,
                    QStringLiteral("dry run (%1): would send %2 on %3 to %4")
                        .arg(m_config.dryRun ? QStringLiteral("remediation.dry_run")
                                             : QStringLiteral("rule %1").arg(rule.id),
                             actionTypeName(spec.type), spec.target, destination));
    // 6. The human approval gate.
    if (policy.approvalRequired)
        return stop(kinds::AwaitingApproval, controls::ApprovalRequired,
                    QStringLiteral("%1 needs a person's approval before %2 on %3")
                        .arg(domain::priorityName(prio), actionTypeName(spec.type), spec.target));
    message[QStringLiteral("approved_by")] = m_config.autoIdentity;
    message[QStringLiteral("approval")] = QStringLiteral("policy");
    d.payload[QStringLiteral("approved_by")] = m_config.autoIdentity;
    d.payload[QStringLiteral("message")] = message;
    d.kind = kinds::Queued;
    return d;
}

Result<int> Remediator::scan()
{
    auto &st = m_engine.store();
    int decided = 0;
    for (;;) {
        const qint64 cursor = st.meta(kCursorKey, QStringLiteral("0")).toLongLong();
        const QList<Event> events = st.eventsAfter(cursor, 500);
        if (events.isEmpty())
            return decided;
        // The last trigger of each incident in this batch, in log order.
        QStringList order;
        QHash<QString, QString> trigger;
        for (const Event &e : events) {
            const bool isTrigger =
                e.kind == domain::kinds::Opened || e.kind == kinds::TriageSuggested ||
                e.kind == kinds::TriageAccepted || e.kind == domain::kinds::RemediationRequested ||
                (e.kind == domain::kinds::FieldSet &&
                 QStringList{QStringLiteral("category"), QStringLiteral("priority"),
                             QStringLiteral("severity"), QStringLiteral("services"),
                             QStringLiteral("cis")}
                     .contains(e.payload.value(QStringLiteral("field")).toString()));
            if (!isTrigger)
                continue;
            if (!trigger.contains(e.incidentUid))
                order << e.incidentUid;
            trigger[e.incidentUid] = e.id;
        }
        QList<Command> commands;
        const qint64 now = m_engine.clock().nowMs();
        for (const QString &uid : std::as_const(order)) {
            const auto inc = st.incidentByUid(uid);
            if (!inc || !inc->open)
                continue;
            const TriageFacts facts = triageFacts(st.timeline(uid));
            Decision d = decide(*inc, facts, trigger.value(uid), now);
            if (!d.rule)
                continue;
            // One live remediation per incident and rule: a skipped one may be decided again
            // when triage changes, anything further along is left alone.
            const auto existing = m_rstore.remediations({}, uid);
            const bool live =
                std::any_of(existing.cbegin(), existing.cend(), [&](const RemediationRow &r) {
                    return r.rule == d.rule->id && r.status != u"skipped";
                });
            const bool same =
                std::any_of(existing.cbegin(), existing.cend(), [&](const RemediationRow &r) {
                    return r.correlationId ==
                           d.payload.value(QStringLiteral("correlation_id")).toString();
                });
            if (live || same)
                continue;
            qCDebug(lcRemediation) << inc->number << d.rule->id << d.kind << d.control << d.reason;
            commands << recordCommand(uid, d.kind, d.payload);
        }
        if (!commands.isEmpty()) {
            auto r = m_engine.executeBatch(commands);
            if (!r)
                return Result<int>(r.error());
            for (const auto &one : *r)
                if (one)
                    ++decided;
        }
        if (auto s = st.setMeta(kCursorKey, QString::number(events.last().seq)); !s)
            return Result<int>(s.error());
    }
}

Result<Decision> Remediator::preview(const QString &incidentRef)
{
    auto &st = m_engine.store();
    const auto inc = st.findIncident(incidentRef);
    if (!inc)
        return Result<Decision>::fail(QStringLiteral("no incident %1").arg(incidentRef),
                                      QStringLiteral("not_found"));
    const auto tl = st.timeline(inc->uid);
    return decide(*inc, triageFacts(tl), tl.isEmpty() ? QString() : tl.last().id,
                  m_engine.clock().nowMs());
}

QPair<QString, QString> Remediator::recheck(const Incident &inc, const RemediationRow &row,
                                            qint64 now)
{
    QStringList cis = configurationItems(inc);
    if (auto w = m_rstore.activeMaintenance(cis, now))
        return {controls::MaintenanceWindow, QStringLiteral("maintenance window %1 on %2 until %3")
                                                 .arg(w->id)
                                                 .arg(w->ci, iso(w->endsAt))};
    if (auto c = m_rstore.recentChange(cis, now, qint64(m_config.changeWindowMinutes) * 60000))
        return {controls::RecentChange,
                QStringLiteral("change %1 on %2 implemented %3 min ago: %4")
                    .arg(c->ref.isEmpty() ? QString::number(c->id) : c->ref, c->ci)
                    .arg((now - c->implementedAt) / 60000)
                    .arg(c->summary)};
    const Rule *rule = m_rules.rule(row.rule);
    if (m_config.dryRun || (rule && rule->dryRun))
        return {controls::DryRun, QStringLiteral("dry run: would send %1 on %2 to %3")
                                      .arg(row.actionType, row.target, row.destination)};
    return {};
}

Result<RemediationRow> Remediator::approve(const QString &ref, const QString &actor)
{
    using R = Result<RemediationRow>;
    if (!isPerson(actor))
        return R::fail(QStringLiteral("an approval needs a named person, not '%1'").arg(actor),
                       QStringLiteral("invalid"));
    auto row = m_rstore.remediation(ref);
    if (!row) {
        const auto inc = m_engine.store().findIncident(ref);
        if (!inc)
            return R::fail(QStringLiteral("no remediation or incident %1").arg(ref),
                           QStringLiteral("not_found"));
        const auto waiting = m_rstore.remediations({QStringLiteral("awaiting_approval")}, inc->uid);
        if (waiting.isEmpty())
            return R::fail(
                QStringLiteral("%1 has no remediation waiting for approval").arg(inc->number),
                QStringLiteral("not_found"));
        if (waiting.size() > 1)
            return R::fail(
                QStringLiteral("%1 has %2 remediations waiting; approve one by its correlation id")
                    .arg(inc->number)
                    .arg(waiting.size()),
                QStringLiteral("invalid"));
        row = waiting.first();
    }
    if (row->status != u"awaiting_approval")
        return R::fail(QStringLiteral("remediation %1 is %2, not waiting for approval")
                           .arg(row->correlationId, row->status),
                       QStringLiteral("invalid"));
    const auto inc = m_engine.store().incidentByUid(row->incident);
    if (!inc)
        return R::fail(QStringLiteral("incident %1 is gone").arg(row->incident),
                       QStringLiteral("not_found"));
    const qint64 now = m_engine.clock().nowMs();
    QJsonObject message = row->message;
    message[QStringLiteral("approved_by")] = actor;
    message[QStringLiteral("approval")] = QStringLiteral("human");
    message[QStringLiteral("approved_at")] = iso(now);
    QJsonObject payload{
        {QStringLiteral("correlation_id"), row->correlationId},
        {QStringLiteral("number"), inc->number},
        {QStringLiteral("rule"), row->rule},
        {QStringLiteral("action"), message.value(QStringLiteral("action"))},
        {QStringLiteral("priority"), row->priority},
        {QStringLiteral("transport"), row->transport},
        {QStringLiteral("destination"), row->destination},
        {QStringLiteral("attempt"), row->attempt},
        {QStringLiteral("dedup_id"), dedupId(row->correlationId, row->attempt)},
        {QStringLiteral("approved_by"), actor},
        {QStringLiteral("message"), message},
    };
    if (const Hook *h =
            row->transport.startsWith(u"hook:") ? m_rules.hook(row->transport.mid(5)) : nullptr)
        payload[QStringLiteral("method")] = h->method;
    const auto [control, reason] = recheck(*inc, *row, now);
    QString kind = kinds::Queued;
    if (!control.isEmpty()) {
        kind = kinds::Skipped;
        payload[QStringLiteral("control")] = control;
        payload[QStringLiteral("reason")] =
            QStringLiteral("approved by %1, then stopped: %2").arg(actor, reason);
    }
    if (auto s = record(row->incident, kind, payload, actor); !s)
        return R(s.error());
    auto after = m_rstore.remediation(row->correlationId);
    if (!after)
        return R::fail(QStringLiteral("remediation %1 vanished").arg(row->correlationId));
    if (!control.isEmpty())
        return R::fail(QStringLiteral("approved, but not queued: %1 (%2)").arg(control, reason),
                       control);
    return *after;
}

Result<RemediationRow> Remediator::existing(const QString &correlationId)
{
    auto row = m_rstore.remediation(correlationId);
    if (!row)
        return Result<RemediationRow>::fail(QStringLiteral("no remediation %1").arg(correlationId),
                                            QStringLiteral("not_found"));
    return *row;
}

Result<RemediationRow> Remediator::failedOne(const QString &correlationId, const QString &verb)
{
    auto row = existing(correlationId);
    if (row && row->status != u"failed")
        return Result<RemediationRow>::fail(
            QStringLiteral("remediation %1 is %2; only failed ones can be %3")
                .arg(correlationId, row->status, verb),
            QStringLiteral("invalid"));
    return row;
}

std::optional<RemediationRow> Remediator::inFlight(const QString &correlationId, int attempt,
                                                   const char *what)
{
    auto row = m_rstore.remediation(correlationId);
    if (!row) {
        qCWarning(lcRemediation) << what << "for unknown remediation" << correlationId;
        return std::nullopt;
    }
    // Only the answer to the attempt in flight counts; a repeated answer is a no-op.
    if (row->attempt != attempt || (row->status != u"sent" && row->status != u"queued"))
        return std::nullopt;
    return row;
}

Result<RemediationRow> Remediator::retry(const QString &correlationId, const QString &actor)
{
    using R = Result<RemediationRow>;
    auto row = failedOne(correlationId, QStringLiteral("retried"));
    if (!row)
        return row;
    const auto inc = m_engine.store().incidentByUid(row->incident);
    if (!inc)
        return R::fail(QStringLiteral("incident %1 is gone").arg(row->incident),
                       QStringLiteral("not_found"));
    const qint64 now = m_engine.clock().nowMs();
    if (const auto [control, reason] = recheck(*inc, *row, now); !control.isEmpty())
        return R::fail(QStringLiteral("not retried: %1 (%2)").arg(control, reason), control);
    const int attempt = row->attempt + 1;
    QJsonObject message = row->message;
    message[QStringLiteral("attempt")] = attempt;
    message[QStringLiteral("dedup_id")] = dedupId(correlationId, attempt);
    message[QStringLiteral("retried_by")] = actor;
    message[QStringLiteral("requested_at")] = iso(now);
    QJsonObject payload{
        {QStringLiteral("correlation_id"), correlationId},
        {QStringLiteral("number"), inc->number},
        {QStringLiteral("transport"), row->transport},
        {QStringLiteral("destination"), row->destination},
        {QStringLiteral("attempt"), attempt},
        {QStringLiteral("dedup_id"), dedupId(correlationId, attempt)},
        {QStringLiteral("message"), message},
    };
    if (const Hook *h =
            row->transport.startsWith(u"hook:") ? m_rules.hook(row->transport.mid(5)) : nullptr)
        payload[QStringLiteral("method")] = h->method;
    if (auto s = record(row->incident, kinds::Retried, payload, actor); !s)
        return R(s.error());
    return *m_rstore.remediation(correlationId);
}

Result<RemediationRow> Remediator::dismiss(const QString &correlationId, const QString &actor,
                                           const QString &reason)
{
    using R = Result<RemediationRow>;
    auto row = failedOne(correlationId, QStringLiteral("dismissed"));
    if (!row)
        return row;
    const QJsonObject payload{{QStringLiteral("correlation_id"), correlationId},
                              {QStringLiteral("number"), row->number},
                              {QStringLiteral("attempt"), row->attempt},
                              {QStringLiteral("reason"), reason.trimmed()}};
    if (auto s = record(row->incident, kinds::Dismissed, payload, actor); !s)
        return R(s.error());
    return *m_rstore.remediation(correlationId);
}

Status Remediator::recordSent(const DispatchRow &d, const QString &remoteId)
{
    return recordSent(QList<QPair<DispatchRow, QString>>{{d, remoteId}});
}

Status Remediator::recordSent(const QList<QPair<DispatchRow, QString>> &sent)
{
    QList<Command> commands;
    for (const auto &[d, remoteId] : sent) {
        auto row = existing(d.correlationId);
        if (!row)
            return Status(row.error());
        commands << recordCommand(row->incident, kinds::Sent,
                                  {{QStringLiteral("correlation_id"), d.correlationId},
                                   {QStringLiteral("number"), row->number},
                                   {QStringLiteral("attempt"), d.attempt},
                                   {QStringLiteral("destination"), d.destination},
                                   {QStringLiteral("message_id"), remoteId},
                                   {QStringLiteral("dedup_id"), d.dedupId}});
    }
    if (commands.isEmpty())
        return {};
    auto r = m_engine.executeBatch(commands);
    if (!r)
        return Status(r.error());
    for (const auto &one : *r)
        if (!one)
            return Status(one.error());
    return {};
}

Result<bool> Remediator::recordResult(const QJsonObject &result)
{
    const QString corr = result.value(QStringLiteral("correlation_id")).toString();
    const int attempt = result.value(QStringLiteral("attempt")).toInt(1);
    const QString status = result.value(QStringLiteral("status")).toString();
    if (status != u"success" && status != u"failure")
        return Result<bool>::fail(
            QStringLiteral("result status must be success or failure, not '%1'").arg(status),
            QStringLiteral("invalid"));
    const auto row = inFlight(corr, attempt, "result");
    if (!row)
        return false;
    QJsonObject payload{
        {QStringLiteral("correlation_id"), corr},
        {QStringLiteral("number"), row->number},
        {QStringLiteral("attempt"), attempt},
        {QStringLiteral("output"), result.value(QStringLiteral("output")).toString().left(8000)},
        {QStringLiteral("event_id"), result.value(QStringLiteral("event_id")).toString()},
        {QStringLiteral("identity"), result.value(QStringLiteral("identity")).toString()},
        {QStringLiteral("target"), row->target},
        {QStringLiteral("action_type"), row->actionType},
        {QStringLiteral("executed_at"), result.value(QStringLiteral("executed_at")).toString()}};
    if (status == u"failure")
        payload[QStringLiteral("reason")] =
            result.value(QStringLiteral("error"))
                .toString(QStringLiteral("the executor reported a failure"));
    if (auto s = record(row->incident, status == u"success" ? kinds::Succeeded : kinds::Failed,
                        payload, engine::SystemActor);
        !s)
        return Result<bool>(s.error());
    return true;
}

Result<bool> Remediator::recordDeadLetter(const QJsonObject &message, int receiveCount)
{
    const QString corr = message.value(QStringLiteral("correlation_id")).toString();
    const int attempt = message.value(QStringLiteral("attempt")).toInt(1);
    const auto row = inFlight(corr, attempt, "dead letter");
    if (!row)
        return false;
    const QJsonObject payload{
        {QStringLiteral("correlation_id"), corr},
        {QStringLiteral("number"), row->number},
        {QStringLiteral("attempt"), attempt},
        {QStringLiteral("receive_count"), receiveCount},
        {QStringLiteral("target"), row->target},
        {QStringLiteral("action_type"), row->actionType},
        {QStringLiteral("reason"),
         QStringLiteral("the executors gave up after %1 receives").arg(receiveCount)}};
    if (auto s = record(row->incident, kinds::DeadLettered, payload, engine::SystemActor); !s)
        return Result<bool>(s.error());
    return true;
}

Status Remediator::recordHookOutcome(const DispatchRow &d, bool success, const QString &output,
                                     bool deadLetter)
{
    auto row = existing(d.correlationId);
    if (!row)
        return Status(row.error());
    QJsonObject payload{{QStringLiteral("correlation_id"), d.correlationId},
                        {QStringLiteral("number"), row->number},
                        {QStringLiteral("attempt"), d.attempt},
                        {QStringLiteral("output"), output.left(8000)},
                        {QStringLiteral("identity"), d.transport},
                        {QStringLiteral("target"), row->target},
                        {QStringLiteral("action_type"), row->actionType}};
    if (!success)
        payload[QStringLiteral("reason")] = output.left(500);
    if (!success && deadLetter)
        payload[QStringLiteral("dead_letter")] = true;
    return record(row->incident, success ? kinds::Succeeded : kinds::Failed, payload,
                  engine::SystemActor);
}

} // namespace sitrep::remediation
