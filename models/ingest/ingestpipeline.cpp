// SPDX-License-Identifier: MIT
#include "ingest/ingestpipeline.h"

#include "ingest/correlator.h"
#include "ingest/logging.h"
#include "ingest/normalizer.h"

#include <QJsonArray>

namespace sitrep::ingest {

using engine::Command;
using RI = Result<IngestResult>;

void IngestResult::add(const IngestResult &later)
{
    for (int IngestResult::*counter :
         {&IngestResult::received, &IngestResult::opened, &IngestResult::attached,
          &IngestResult::deduplicated, &IngestResult::resolved, &IngestResult::pending,
          &IngestResult::suppressed, &IngestResult::ignored})
        this->*counter += later.*counter;
    for (const QString &n : later.incidents)
        if (!incidents.contains(n))
            incidents << n;
    eventIds += later.eventIds;
    fingerprints += later.fingerprints;
    messages += later.messages;
}

QJsonObject IngestResult::toJson() const
{
    QJsonObject o{{QStringLiteral("received"), received},
                  {QStringLiteral("opened"), opened},
                  {QStringLiteral("attached"), attached},
                  {QStringLiteral("deduplicated"), deduplicated},
                  {QStringLiteral("resolved"), resolved},
                  {QStringLiteral("pending"), pending},
                  {QStringLiteral("suppressed"), suppressed},
                  {QStringLiteral("ignored"), ignored},
                  {QStringLiteral("incidents"), QJsonArray::fromStringList(incidents)}};
    if (!messages.isEmpty())
        o[u"messages"] = QJsonArray::fromStringList(messages);
    return o;
}

/// The plan whose correlation rows the engine's commit hook writes in the batch's transaction.
struct IngestPipeline::HookSlot {
    Correlator *correlator = nullptr;
    const Correlator::Plan *plan = nullptr;
};

IngestPipeline::IngestPipeline(engine::LifecycleEngine &engine, IngestConfig config,
                               QObject *parent)
    : QObject(parent), m_engine(engine), m_config(std::move(config)),
      m_correlator(std::make_unique<Correlator>(engine.store(), m_config, engine.workflow())),
      m_slot(std::make_shared<HookSlot>())
{
    m_slot->correlator = m_correlator.get();
    std::weak_ptr<HookSlot> weak = m_slot;
    // Correlation rows commit in the same transaction as the events they caused.
    m_engine.addCommitHook([weak](store::Store &, const QList<domain::Event> &events) -> Status {
        const auto slot = weak.lock();
        if (!slot || !slot->plan)
            return {};
        const Correlator::Plan *plan = slot->plan;
        slot->plan = nullptr; // once: only the batch it was staged for
        return slot->correlator->write(*plan, openedIn(*plan, events));
    });
}

IngestPipeline::~IngestPipeline() = default;

QSet<QString> IngestPipeline::openedIn(const Correlator::Plan &plan,
                                       const QList<domain::Event> &events)
{
    QSet<QString> opened;
    for (const auto &e : events)
        if (e.kind == domain::kinds::Opened && plan.openedIncidents.contains(e.incidentUid))
            opened.insert(e.incidentUid);
    return opened;
}

QStringList IngestPipeline::sources()
{
    return webhookSources() + QStringList{QStringLiteral("generic")};
}

Result<IngestResult> IngestPipeline::ingest(const QString &source, const QByteArray &body,
                                            const QHash<QByteArray, QByteArray> &headers)
{
    if (!sources().contains(source))
        return RI::fail(QStringLiteral("unknown source '%1' (%2)")
                            .arg(source.left(64), sources().join(QStringLiteral(", "))),
                        errors::UnknownSource);
    if (source == u"generic")
        return ingestGeneric(body);
    auto alerts = normalize(source, body, m_config, headers);
    if (!alerts)
        return RI(alerts.error());
    return ingestAlerts(*alerts);
}

Result<IngestResult> IngestPipeline::ingestAlerts(const QList<Alert> &alerts)
{
    IngestResult result;
    result.received = int(alerts.size());
    for (const Alert &a : alerts)
        result.fingerprints << a.fingerprint;
    if (alerts.isEmpty())
        return result;
    const qint64 now = m_engine.clock().nowMs();
    // Find-or-open is decided inside the write transaction: a second process on the same
    // database waits for it and then sees the incident the first opened.
    Correlator::Plan plan;
    m_slot->plan = &plan;
    auto batch = m_engine.executePlanned([&]() -> Result<QList<Command>> {
        plan = m_correlator->plan(alerts, now);
        if (!m_correlator->error().isEmpty())
            return Result<QList<Command>>::fail(m_correlator->error(), errors::Database);
        return plan.commands;
    });
    const bool hookRan = m_slot->plan == nullptr;
    m_slot->plan = nullptr;
    if (!batch)
        return RI::fail(batch.errorMessage(), errors::Database);
    if (!hookRan)
        return RI::fail(QStringLiteral("correlation state was not stored with the batch"),
                        errors::Database);
    result.opened = plan.opened;
    result.attached = plan.attached;
    result.deduplicated = plan.deduplicated;
    result.resolved = plan.resolved;
    result.pending = plan.pending;
    result.suppressed = plan.suppressed;
    result.ignored = plan.ignored;

    QList<Command> fallbacks;
    for (qsizetype i = 0; i < batch->size(); ++i) {
        const auto &r = batch->at(i);
        if (r) {
            if (!r->number.isEmpty() && !result.incidents.contains(r->number))
                result.incidents << r->number;
            for (const auto &e : r->events)
                result.eventIds << e.id;
            continue;
        }
        const QString incident = plan.policyTransitions.value(int(i));
        if (!incident.isEmpty()) {
            // The workflow wants a transition but a guard refused it: say so on the timeline.
            const auto policy = m_engine.workflow().allAlertsResolved();
            result.messages << r.errorMessage();
            fallbacks << Command::make(
                Command::Kind::Record, incident,
                {{QStringLiteral("kind"), Correlator::AllResolvedKind},
                 {QStringLiteral("payload"),
                  QJsonObject{
                      {QStringLiteral("policy"), policy.mode},
                      {QStringLiteral("suggest"), plan.commands.at(i).args.value(u"to").toString()},
                      {QStringLiteral("blocked"), r.errorMessage()},
                      {QStringLiteral("message"),
                       QStringLiteral("All alerts resolved; the automatic transition was "
                                      "refused: %1")
                           .arg(r.errorMessage())}}}},
                engine::SystemActor);
        } else {
            qCWarning(lcIngest) << "ingest command rejected:"
                                << commandKindName(plan.commands.at(i).kind) << r.errorMessage();
            result.messages << r.errorMessage();
        }
    }
    if (!fallbacks.isEmpty()) {
        auto fb = m_engine.executeBatch(fallbacks);
        if (!fb)
            return RI::fail(fb.errorMessage(), errors::Database);
        for (const auto &r : *fb)
            if (r)
                for (const auto &e : r->events)
                    result.eventIds << e.id;
    }
    Q_EMIT ingested(result);
    return result;
}

Result<IngestResult> IngestPipeline::runCommands(const QList<Command> &commands,
                                                 IngestResult result)
{
    auto batch = m_engine.executeBatch(commands);
    if (!batch)
        return RI::fail(batch.errorMessage(), errors::Database);
    for (const auto &r : *batch) {
        if (!r)
            return RI::fail(r.errorMessage(),
                            r.error().code == u"not_found" ? errors::NotFound : errors::Conflict);
        if (!r->number.isEmpty() && !result.incidents.contains(r->number))
            result.incidents << r->number;
        for (const auto &e : r->events)
            result.eventIds << e.id;
    }
    return result;
}

Result<IngestResult> IngestPipeline::ingestGeneric(const QByteArray &body)
{
    auto ev = normalizeGeneric(body, m_config);
    if (!ev)
        return RI(ev.error());
    // Alert sources report alerts; approvals come only from people, under their own name.
    if (personOnlyEventTypes().contains(ev->type))
        return RI::fail(
            QStringLiteral("event type '%1' is not accepted from alert sources: approvals come "
                           "only from people (sitrep approve, or the window)")
                .arg(ev->type),
            errors::Forbidden);
    if (ev->type == u"alert.triggered")
        return ingestAlerts({ev->alert});

    // The other events name an alert (payload.id as sent with alert.triggered) or an incident.
    const QJsonObject &p = ev->payload;
    QString uid = m_correlator->incidentOfAlert(ev->alert.id());
    std::optional<domain::Incident> inc = uid.isEmpty() ? m_engine.store().findIncident(ev->ref)
                                                        : m_engine.store().incidentByUid(uid);
    if (!inc)
        return RI::fail(
            QStringLiteral(
                "no incident for '%1' (payload.id names an alert sent with alert.triggered, "
                "or an incident number or id)")
                .arg(ev->ref),
            errors::NotFound);
    const auto firstOf = [&](std::initializer_list<const char *> keys) {
        for (const char *k : keys)
            if (const QString v = p.value(QLatin1String(k)).toString().trimmed(); !v.isEmpty())
                return v;
        return QString();
    };
    // The alert source is who acts: a name in its payload is what the source reports, kept as
    // a note on the timeline, never the actor (no payload makes one person act as another).
    const QString reportedBy = firstOf({"engineer", "assignedEngineer", "actor", "user"});
    const QString actor = QStringLiteral("ingest");
    const auto reportNote = [&](const QString &what) {
        return reportedBy.isEmpty() ? QString()
                                    : QStringLiteral("The alert source reports this %1 by %2")
                                          .arg(what, reportedBy.left(64));
    };
    IngestResult result;
    result.received = 1;
    const auto &wf = m_engine.workflow();
    const auto noop = [&]() {
        result.deduplicated = 1;
        result.incidents << inc->number;
        return RI(result);
    };

    if (ev->type == u"engineer.ack") {
        if (inc->acknowledgedAt > 0)
            return noop();
        QJsonObject args;
        if (const QString note = reportNote(QStringLiteral("acknowledgement")); !note.isEmpty())
            args.insert(QStringLiteral("note"), note);
        return runCommands({Command::make(Command::Kind::Acknowledge, inc->uid, args, actor)},
                           result);
    }
    // alert.resolved and postmortem.created move the state, through the workflow's guards.
    const QString target = wf.stateStamping(
        ev->type == u"alert.resolved" ? QStringLiteral("resolved") : QStringLiteral("closed"));
    if (target.isEmpty())
        return RI::fail(
            QStringLiteral("workflow '%1' has no state for '%2'").arg(wf.name(), ev->type),
            errors::Conflict);
    QJsonObject extra;
    for (const char *k : {"resolution_note", "root_cause", "close_code", "note"})
        if (p.contains(QLatin1String(k)))
            extra.insert(QLatin1String(k), p.value(QLatin1String(k)));
    if (const QString note = reportNote(QStringLiteral("change")); !note.isEmpty())
        extra.insert(QStringLiteral("note"), extra.value(u"note").toString().isEmpty()
                                                 ? note
                                                 : extra.value(u"note").toString() +
                                                       QStringLiteral(" (") + note +
                                                       QStringLiteral(")"));
    if (inc->state != target) {
        if (auto why = m_engine.whyNot(*inc, target);
            !why.isEmpty() && !m_engine.allowedTransitions(*inc).contains(target))
            return RI::fail(why, errors::Conflict);
        auto r = runCommands({Command::transition(inc->uid, target, actor, extra)}, result);
        if (!r)
            return r;
        result = *r;
    } else {
        result.deduplicated = 1;
        result.incidents << inc->number;
    }
    if (ev->type == u"alert.resolved" && !uid.isEmpty()) {
        // Bookkeeping for the correlator: the alert itself is resolved too.
        auto a = ingestAlerts({ev->alert});
        if (!a)
            return a;
        result.resolved = a->resolved;
        result.eventIds += a->eventIds;
    }
    return result;
}

} // namespace sitrep::ingest
