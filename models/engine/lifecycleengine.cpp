// SPDX-License-Identifier: MIT
#include "engine/lifecycleengine.h"

#include "domain/canonicaljson.h"
#include "engine/fieldrules.h"
#include "engine/logging.h"
#include "store/projector.h"
#include "util/hexdigit.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <optional>

namespace sitrep::engine {

using namespace sitrep::domain;
using workflow::SlaMode;
using R = Result<Outcome>;

static constexpr int kMaxText = rules::MaxTextLength;

struct LifecycleEngine::Work {
    QHash<QString, Incident> current; // uid -> working copy
    QHash<QString, Incident> before;  // uid -> as loaded (absent for new incidents)
    QHash<QString, QString> numbers;  // number -> uid of touched incidents
    QStringList order;                // touched uids, first-touch order
    // The batch's outcomes so far, and for each incident the slots of those with its events,
    // in order (the events themselves are not copied out of their outcomes).
    const QList<Result<Outcome>> *results = nullptr;
    QHash<QString, QList<qsizetype>> slotsOf;
    QSet<QString> eventIds; // the ids of the pending events
    /// The pending events of incident `uid`, in order.
    QList<Event> eventsOf(const QString &uid) const
    {
        QList<Event> out;
        if (!results)
            return out;
        for (qsizetype slot : slotsOf.value(uid))
            for (const Event &e : std::as_const((*results)[slot]->events))
                if (e.incidentUid == uid)
                    out << e;
        return out;
    }
    // Incidents opened in this batch under a uid made here (`making`: by the open being
    // applied): the log holds none of their events.
    QSet<QString> fresh;
    QString making;
    bool madeHere(const QString &uid) const { return uid == making || fresh.contains(uid); }
    QList<QPair<QString, QByteArray>> attachments; // sha256 hex -> (name|mime) + data
    QHash<QString, QPair<QString, QString>> attachmentMeta;
    qint64 ts = 0; // time of the command being applied
    QString actor;
    std::optional<QString> numberPrefix; // meta number_prefix, read by the batch's first open
};

LifecycleEngine::LifecycleEngine(store::Store &store, workflow::Workflow workflow,
                                 workflow::OnCallSchedule oncall, const Clock &clock,
                                 QObject *parent)
    : QObject(parent), m_store(store), m_workflow(std::move(workflow)), m_oncall(std::move(oncall)),
      m_clock(clock)
{
    // What this replica appends carries its id as the origin (covered by the hash).
    if (const QString id = m_store.meta(QStringLiteral("replica_id")); !id.isEmpty())
        m_replica = id;
}

// Incidents kept per generation of the recent incidents (see recentIncident()).
static constexpr qsizetype kRecentIncidents = 4096;

// Whether `hex` (a head hash as the engine keeps it) spells `bytes` (as the row stores it):
// QByteArray::fromHex(hex) == bytes, without the two conversions.
static bool sameHash(QStringView hex, QByteArrayView bytes)
{
    if (hex.size() != 2 * bytes.size())
        return false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const int hi = util::hexDigit(hex[2 * i].unicode()),
                  lo = util::hexDigit(hex[2 * i + 1].unicode());
        if (hi < 0 || lo < 0) // not hex: as fromHex() reads it
            return QByteArray::fromHex(hex.toLatin1()) == bytes;
        if (uchar(bytes[i]) != uchar(hi << 4 | lo))
            return false;
    }
    return true;
}

std::optional<Incident> LifecycleEngine::recentIncident(const QString &ref)
{
    if (m_recent.isEmpty() && m_older.isEmpty())
        return std::nullopt;
    // Two columns instead of the whole row: the head hash changes with every event the
    // incident gets, and the row is a fold of its events. A ref is a number (as people and
    // commands name incidents) or a uid (as ingestion does); Store::findIncident() tries the
    // number first, and no number reads as a uid.
    const QString r = ref.trimmed();
    const QUuid asUid = QUuid::fromString(r);
    const auto held = [this](const QString &uid) -> const Incident * {
        for (const auto *generation : {&m_recent, &m_older})
            if (const auto it = generation->constFind(uid); it != generation->cend())
                return &*it;
        return nullptr;
    };
    // A uid this engine does not hold needs no query.
    const Incident *inc = asUid.isNull() ? nullptr : held(asUid.toString(QUuid::WithoutBraces));
    if (!asUid.isNull() && !inc)
        return std::nullopt;
    store::Stmt *s = m_store.db().prepare(
        asUid.isNull() ? QStringLiteral("SELECT uid, head_hash FROM incidents WHERE number=?")
                       : QStringLiteral("SELECT uid, head_hash FROM incidents WHERE uid=?"));
    if (!s)
        return std::nullopt;
    if (asUid.isNull())
        s->bind(1, r.toUpper());
    else
        s->bindBlob(1, asUid.toRfc4122());
    std::optional<Incident> out;
    if (s->step()) {
        store::RowReader row(*s);
        if (inc)
            row.skip();
        else
            inc = held(store::Store::blobToUuid(row.blob()));
        const QByteArray head = row.blob(); // read even when not held: every column is read
        if (inc && sameHash(inc->headHash, head))
            out = *inc;
    }
    s->reset();
    return out;
}

void LifecycleEngine::keepRecent(Work &work)
{
    for (const QString &uid : work.order) {
        if (m_recent.size() >= kRecentIncidents) {
            m_older = std::move(m_recent);
            m_recent = {};
        }
        // Room for the whole generation at once: growing it moves every incident held.
        if (m_recent.capacity() < kRecentIncidents)
            m_recent.reserve(kRecentIncidents);
        // As Store::incidentByUid() gives the row.
        Incident inc = std::move(work.current[uid]); // the batch is done with it
        inc.asRead();
        m_recent.insert(uid, std::move(inc));
    }
}

static QStringList listArg(const QJsonValue &v)
{
    QStringList out;
    if (v.isArray()) {
        for (const auto &x : v.toArray())
            if (!x.toString().trimmed().isEmpty())
                out << x.toString().trimmed();
    } else if (v.isString()) {
        for (const QString &s : v.toString().split(u',', Qt::SkipEmptyParts))
            if (!s.trimmed().isEmpty())
                out << s.trimmed();
    }
    out.removeDuplicates();
    return out;
}

Result<Incident> LifecycleEngine::load(Work &work, const QString &ref)
{
    if (auto it = work.current.constFind(ref); it != work.current.cend())
        return *it;
    if (auto n = work.numbers.constFind(ref.trimmed().toUpper()); n != work.numbers.cend())
        return work.current.value(*n);
    auto inc = recentIncident(ref);
    if (!inc)
        inc = m_store.findIncident(ref);
    if (!inc)
        return Result<Incident>::fail(ref.trimmed().isEmpty()
                                          ? QStringLiteral("no incident given")
                                          : QStringLiteral("no incident '%1'").arg(ref),
                                      QStringLiteral("not_found"));
    // The same incident may be named differently within one batch ("42", lower case, a
    // UUID in capitals): continue from the working copy, or its events would fork the chain.
    if (auto it = work.current.constFind(inc->uid); it != work.current.cend())
        return *it;
    return std::move(*inc);
}

void LifecycleEngine::emitEvent(Work &work, Incident &inc, const QString &kind,
                                const QJsonObject &payload, Outcome &out, const QString &id)
{
    emitPayload(work, inc, kind, CanonicalObject::of(payload), out, id);
}

void LifecycleEngine::emitPayload(Work &work, Incident &inc, const QString &kind,
                                  CanonicalObject payload, Outcome &out, const QString &id)
{
    Event e;
    e.id = id.isEmpty() ? store::Store::newUuid() : id;
    e.incidentUid = inc.uid;
    e.ts = work.ts;
    e.hlc = m_hlc.tick(work.ts);
    e.actor = work.actor;
    e.kind = kind;
    e.payload = payload.object();
    // Serialised once: the hash and the log row both use exactly these bytes.
    e.payloadRaw = payload.json();
    e.origin = m_replica;
    e.prevHash = inc.headHash;
    e.hash = e.computeHash();
    store::applyEvent(inc, e);
    out.events << std::move(e);
}

QString LifecycleEngine::onceId(const Work &work, const Incident &inc, const QString &kind,
                                const Outcome &out, const QString &key, const QString &checkedId)
{
    const QString id = checkedId.isEmpty() ? onceEventId(inc.uid, kind, key) : checkedId;
    const auto same = [&](const Event &e) { return e.id == id; };
    // An incident opened here under a uid made here has no event in the log yet.
    if (work.eventIds.contains(id) || std::any_of(out.events.cbegin(), out.events.cend(), same) ||
        (checkedId.isEmpty() && !work.madeHere(inc.uid) && m_store.hasEvent(id)))
        return {};
    return id;
}

bool LifecycleEngine::emitOnce(Work &work, Incident &inc, const QString &kind,
                               const QJsonObject &payload, Outcome &out, const QString &key,
                               const QString &checkedId)
{
    const QString id = onceId(work, inc, kind, out, key, checkedId);
    if (id.isEmpty())
        return false;
    emitEvent(work, inc, kind, payload, out, id);
    return true;
}

bool LifecycleEngine::emitOnce(Work &work, Incident &inc, const QString &kind,
                               CanonicalObject payload, Outcome &out, const QString &key,
                               const QString &checkedId)
{
    const QString id = onceId(work, inc, kind, out, key, checkedId);
    if (id.isEmpty())
        return false;
    emitPayload(work, inc, kind, std::move(payload), out, id);
    return true;
}

static bool approved(const Incident &inc, const QString &to)
{
    return inc.approvals.contains(to) || inc.approvals.contains(QStringLiteral("*"));
}

// Why a guard gates a transition on a recorded approval for this incident; empty when the
// guard does not ask for one here.
static QString approvalGate(const QString &guard, const Incident &inc,
                            const workflow::PriorityPolicy &policy)
{
    if ((guard == u"approval_if_p1" || guard == u"approval_or_severity_check") &&
        (inc.priority == Priority::P1 || policy.approvalRequired))
        return QStringLiteral("%1 approval gate").arg(priorityName(inc.priority));
    if (guard == u"approval_required")
        return QStringLiteral("the workflow gates this transition");
    return {};
}

QString LifecycleEngine::guardFailure(const Incident &inc, const workflow::TransitionDef &t,
                                      const QString &actor) const
{
    const auto policy = m_workflow.policy(inc.priority);
    const auto needApproval = [&](const QString &why) -> QString {
        if (approved(inc, t.to))
            return {};
        return QStringLiteral(
                   "%1: moving to '%2' needs a recorded human approval (%3); approve it first")
            .arg(inc.number, t.to, why);
    };
    for (const QString &g : t.guards) {
        if (g == u"severity_defined" && inc.severity == Severity::Unknown)
            return QStringLiteral("%1: severity is not set; set it before moving to '%2'")
                .arg(inc.number, t.to);
        if (const QString gate = approvalGate(g, inc, policy); !gate.isEmpty())
            if (const QString m = needApproval(gate); !m.isEmpty())
                return m;
        // The stale close code stands in for a human note only when the system sweep closes;
        // a person cannot skip the note by setting the code, nor reuse it after a reopen.
        if (g == u"resolution_required" &&
            !(inc.closeCode == StaleCloseCode && actor == SystemActor)) {
            QStringList missing;
            if (inc.resolutionNote.trimmed().isEmpty())
                missing << QStringLiteral("a resolution note");
            if (inc.rootCause.trimmed().isEmpty())
                missing << QStringLiteral("a root-cause category");
            if (!missing.isEmpty())
                return QStringLiteral("%1: moving to '%2' needs %3")
                    .arg(inc.number, t.to, missing.join(QStringLiteral(" and ")));
        }
        if (g == u"commander_assigned" && inc.commander.isEmpty())
            return QStringLiteral("%1: no incident commander assigned").arg(inc.number);
    }
    if (t.approval)
        return needApproval(QStringLiteral("the workflow gates this transition"));
    return {};
}

static bool isApproverRole(const QString &role)
{
    return role == u"commander" || role == u"admin";
}

QString LifecycleEngine::remoteRejection(const Incident &inc, const Event &e,
                                         const NumberHolder &numberHolder) const
{
    const QJsonObject &p = e.payload;
    const bool senderKnown = !e.sentRole.isEmpty();
    const QString sender = QStringLiteral("%1 (%2)").arg(e.sentBy, e.sentRole);
    if (e.kind == kinds::Renumbered || e.kind == kinds::ProvisionalNumber) {
        const QString number = p[u"number"].toString();
        if (!p[u"number"].isString() || number.trimmed().isEmpty() || number.size() > 64)
            return QStringLiteral("its payload has no valid number");
        if (e.kind == kinds::Renumbered && senderKnown && e.sentRole != u"backend")
            return QStringLiteral("only the back end numbers incidents, and %1 sent it")
                .arg(sender);
        const QString holder = numberHolder ? numberHolder(number) : QString();
        if (!holder.isEmpty() && holder != e.incidentUid)
            return QStringLiteral("number %1 is already incident %2's").arg(number, holder);
        return {};
    }
    if (e.kind == kinds::ApprovalGranted) {
        if (!senderKnown)
            return QStringLiteral("the back end recorded no sender, and an approval is only "
                                  "taken from a commander or admin it vouches for");
        if (!isApproverRole(e.sentRole))
            return QStringLiteral("%1 sent it: only a commander or an admin approves").arg(sender);
        if (e.actor != e.sentBy || p[u"approver"].toString(e.actor) != e.sentBy)
            return QStringLiteral("an approval is recorded under the approver's own name, and %1 "
                                  "sent one as '%2'")
                .arg(sender, p[u"approver"].toString(e.actor));
        return {};
    }
    if (e.kind == kinds::Transitioned) {
        if (!p[u"to"].isString() || p[u"to"].toString().isEmpty())
            return QStringLiteral("its payload has no target state");
        // A transition from a state the incident already left is the fold's conflict (see
        // mergeRemote); here, one that would apply must pass the approval gates.
        const QString from = p[u"from"].toString(inc.state);
        if (inc.state.isEmpty() || from != inc.state)
            return {};
        const workflow::TransitionDef *t = m_workflow.transition(from, p[u"to"].toString());
        if (!t)
            return {};
        const auto policy = m_workflow.policy(inc.priority);
        QString gate =
            t->approval ? QStringLiteral("the workflow gates this transition") : QString();
        for (const QString &g : t->guards)
            if (gate.isEmpty())
                gate = approvalGate(g, inc, policy);
        if (!gate.isEmpty() && !approved(inc, t->to))
            return QStringLiteral("moving to '%1' needs an approval from a commander or an admin "
                                  "(%2), and none is recorded")
                .arg(t->to, gate);
        return {};
    }
    if (e.kind == kinds::FieldSet && (!p[u"field"].isString() || p[u"field"].toString().isEmpty()))
        return QStringLiteral("its payload names no field");
    return {};
}

QStringList LifecycleEngine::allowedTransitions(const Incident &inc) const
{
    return m_workflow.allowedTargets(inc.state);
}

QString LifecycleEngine::whyNot(const Incident &inc, const QString &to) const
{
    const auto *t = m_workflow.transition(inc.state, to);
    if (!t)
        return QStringLiteral("cannot move %1 from '%2' to '%3'; allowed: %4")
            .arg(inc.number, inc.state, to,
                 m_workflow.allowedTargets(inc.state).join(QStringLiteral(", ")));
    return guardFailure(inc, *t);
}

Status LifecycleEngine::runActions(Work &work, Incident &inc, const QStringList &actions,
                                   const QString &reason, Outcome &out)
{
    const auto policy = m_workflow.policy(inc.priority);
    // What the opening does is part of the opening: once-only events keyed by the action (and
    // their place in it), so two replicas opening the same incident notify once.
    const bool opening = reason == u"opened";
    int emitted = 0;
    const auto emitFor = [&](const QString &action, const QString &kind, CanonicalObject payload) {
        if (!opening)
            return emitPayload(work, inc, kind, std::move(payload), out);
        if (const QString id =
                onceId(work, inc, kind, out,
                       QStringLiteral("on_open/") + action + u'/' + QString::number(emitted++));
            !id.isEmpty())
            emitPayload(work, inc, kind, std::move(payload), out, id);
    };
    for (const QString &a : actions) {
        if (a == u"assign_on_call") {
            if (!inc.assignee.isEmpty())
                continue;
            const QString group = inc.assignmentGroup.isEmpty()
                                      ? m_oncall.route(inc.category, inc.services)
                                      : inc.assignmentGroup;
            if (group.isEmpty())
                continue;
            auto who = m_oncall.onCall(group, work.ts);
            if (!who)
                continue;
            // Payloads are written in key order (CanonicalObjectWriter).
            emitFor(a, kinds::Assigned,
                    CanonicalObjectWriter()
                        .string(QLatin1String("assignee"), who->member)
                        .string(QLatin1String("group"), who->group)
                        .string(QLatin1String("via"), u"on-call")
                        .finish(m_payloads));
        } else if (a == u"notify") {
            emitFor(a, kinds::NotificationRequested,
                    CanonicalObjectWriter()
                        .strings(QLatin1String("channels"), policy.notificationChannels)
                        .string(QLatin1String("priority"), priorityName(inc.priority))
                        .string(QLatin1String("reason"), reason)
                        .string(QLatin1String("severity"), severityName(inc.severity))
                        .finish(m_payloads));
        } else if (a == u"execute_remediation_steps") {
            emitFor(a, kinds::RemediationRequested,
                    CanonicalObjectWriter()
                        .boolean(QLatin1String("approval_required"),
                                 policy.approvalRequired || inc.priority == Priority::P1)
                        .boolean(QLatin1String("auto_remediation"), policy.autoRemediation)
                        .string(QLatin1String("state"), inc.state)
                        .finish(m_payloads));
        } else if (const auto it = m_actions.constFind(a); it != m_actions.cend()) {
            const ActionContext context{inc, work.ts, reason, [&] {
                                            QList<Event> tl = work.madeHere(inc.uid)
                                                                  ? QList<Event>()
                                                                  : m_store.timeline(inc.uid);
                                            tl += work.eventsOf(inc.uid);
                                            tl += out.events;
                                            return tl;
                                        }};
            // Copied out first: emitting changes `inc`, which the context refers to.
            const QList<ActionEvent> events = (*it)(context);
            for (const ActionEvent &e : events)
                emitFor(a, e.kind, CanonicalObject::of(e.payload));
        } else if (a != u"none" && !m_warnedActions.contains(a)) {
            m_warnedActions.insert(a);
            qCWarning(lcEngine).noquote()
                << "workflow action" << a << "has no handler registered with this engine; skipped";
        }
    }
    return {};
}

static const QStringList &builtInActions()
{
    static const QStringList a{QStringLiteral("assign_on_call"), QStringLiteral("notify"),
                               QStringLiteral("execute_remediation_steps"), QStringLiteral("none")};
    return a;
}

void LifecycleEngine::registerAction(const QString &name, WorkflowAction action)
{
    m_actions.insert(name, std::move(action));
    m_warnedActions.remove(name);
}

bool LifecycleEngine::hasAction(const QString &name) const
{
    return builtInActions().contains(name) || m_actions.contains(name);
}

static const QStringList &settableFields()
{
    static const QStringList f{
        QStringLiteral("title"),           QStringLiteral("description"),
        QStringLiteral("severity"),        QStringLiteral("priority"),
        QStringLiteral("impact"),          QStringLiteral("urgency"),
        QStringLiteral("category"),        QStringLiteral("subcategory"),
        QStringLiteral("services"),        QStringLiteral("cis"),
        QStringLiteral("assignee"),        QStringLiteral("assignment_group"),
        QStringLiteral("reporter"),        QStringLiteral("commander"),
        QStringLiteral("responders"),      QStringLiteral("root_cause"),
        QStringLiteral("resolution_note"), QStringLiteral("close_code"),
        QStringLiteral("time_spent")};
    return f;
}

Result<QJsonObject> LifecycleEngine::validateField(Incident &inc, const QString &field,
                                                   const QJsonValue &value) const
{
    using RJ = Result<QJsonObject>;
    QJsonObject p{{QStringLiteral("field"), field}};
    const QString s =
        value.isString() ? value.toString().trimmed() : value.toVariant().toString().trimmed();
    const auto &m = m_workflow.matrix();
    if (field == u"state")
        return RJ::fail(
            QStringLiteral("state changes go through a transition, not a field update"));
    if (!settableFields().contains(field))
        return RJ::fail(QStringLiteral("unknown field '%1' (fields: %2)")
                            .arg(field, settableFields().join(QStringLiteral(", "))));
    if (field == u"title") {
        if (auto t = rules::checkTitle(s); !t)
            return RJ(t.error());
        p[u"value"] = s;
    } else if (field == u"severity") {
        const Severity sev = parseSeverity(s);
        if (sev == Severity::Unknown)
            return RJ::fail(
                QStringLiteral("unknown severity '%1' (critical, high, medium, low)").arg(s));
        p[u"value"] = severityName(sev);
    } else if (field == u"priority") {
        const Priority pr = parsePriority(s);
        if (pr == Priority::None)
            return RJ::fail(QStringLiteral("unknown priority '%1' (P1, P2, P3, P4)").arg(s));
        const auto pol = m_workflow.policy(pr);
        p[u"value"] = priorityName(pr);
        p[u"response_minutes"] = pol.responseMinutes;
        p[u"resolution_minutes"] = pol.resolutionMinutes;
    } else if (field == u"impact" || field == u"urgency") {
        const bool impact = field == u"impact";
        const QStringList &levels = impact ? m.impacts() : m.urgencies();
        const int i = impact ? m.impactIndex(s) : m.urgencyIndex(s);
        if (i < 0)
            return RJ::fail(QStringLiteral("unknown %1 '%2' (%3)")
                                .arg(field, s, levels.join(QStringLiteral(", "))));
        p[u"value"] = levels[i];
    } else if (field == u"services") {
        const QStringList names = listArg(value);
        if (auto c = rules::checkServices(names, inc.services); !c)
            return RJ(c.error());
        p[u"value"] = QJsonArray::fromStringList(names);
    } else if (field == u"assignment_group") {
        auto g = rules::checkAssignmentGroup(m_oncall, s, inc.assignmentGroup);
        if (!g)
            return RJ(g.error());
        p[u"value"] = *g;
    } else if (field == u"cis" || field == u"responders") {
        p[u"value"] = QJsonArray::fromStringList(listArg(value));
    } else if (field == u"time_spent") {
        bool ok = false;
        const int v = s.toInt(&ok);
        if (!ok || v < 0)
            return RJ::fail(
                QStringLiteral("time_spent must be a whole number of minutes, not '%1'").arg(s));
        p[u"value"] = v;
    } else {
        if (auto t = rules::checkText(field, s); !t)
            return RJ(t.error());
        p[u"value"] = s;
    }
    return p;
}

R LifecycleEngine::apply(Work &work, const Command &cmd)
{
    Outcome out;
    work.making.clear();
    QList<QPair<QString, QByteArray>> attachments;
    work.actor = cmd.actor.trimmed().isEmpty() ? QStringLiteral("user") : cmd.actor.trimmed();
    work.ts = cmd.at.value_or(m_clock.nowMs());
    const QJsonObject &a = cmd.args;
    const auto &wf = m_workflow;

    if (cmd.kind == Command::Kind::Open) {
        Incident inc;
        const QString title = a[u"title"].toString().trimmed();
        if (auto t = rules::checkTitle(title); !t)
            return R(t.error());
        // Names a person typed follow the rule; an alert source's names are kept as sent.
        if (!a.contains(u"source"))
            if (auto c = rules::checkServices(listArg(a[u"services"])); !c)
                return R(c.error());
        if (auto t = rules::checkText(QStringLiteral("description"), a[u"description"].toString());
            !t)
            return R(t.error());
        const QString sevText = a[u"severity"].toString().trimmed();
        Severity sev = parseSeverity(sevText);
        if (!sevText.isEmpty() && sev == Severity::Unknown)
            return R::fail(
                QStringLiteral("unknown severity '%1' (critical, high, medium, low)").arg(sevText),
                QStringLiteral("invalid"));
        const QString impact = a[u"impact"].toString().trimmed();
        const QString urgency = a[u"urgency"].toString().trimmed();
        Priority prio = Priority::None;
        QString impactName, urgencyName;
        if (!impact.isEmpty() || !urgency.isEmpty()) {
            const auto &m = wf.matrix();
            const int ii = m.impactIndex(impact), ui = m.urgencyIndex(urgency);
            if (impact.isEmpty() || urgency.isEmpty())
                return R::fail(
                    QStringLiteral("impact and urgency go together: give both or neither"),
                    QStringLiteral("invalid"));
            if (ii < 0)
                return R::fail(QStringLiteral("unknown impact '%1' (%2)")
                                   .arg(impact, m.impacts().join(QStringLiteral(", "))),
                               QStringLiteral("invalid"));
            if (ui < 0)
                return R::fail(QStringLiteral("unknown urgency '%1' (%2)")
                                   .arg(urgency, m.urgencies().join(QStringLiteral(", "))),
                               QStringLiteral("invalid"));
            prio = m.at(ii, ui);
            impactName = m.impacts()[ii];
            urgencyName = m.urgencies()[ui];
        } else if (!a[u"priority"].toString().isEmpty()) {
            prio = parsePriority(a[u"priority"].toString());
            if (prio == Priority::None)
                return R::fail(QStringLiteral("unknown priority '%1' (P1, P2, P3, P4)")
                                   .arg(a[u"priority"].toString()),
                               QStringLiteral("invalid"));
        } else {
            prio = priorityForSeverity(sev);
        }
        if (sev == Severity::Unknown && prio == Priority::None)
            return R::fail(QStringLiteral("severity is required (critical, high, medium, low)"),
                           QStringLiteral("invalid"));
        // Every incident has a severity: from its priority when none was given, so the
        // severity guard never stops the first response to an incident opened by priority.
        if (sev == Severity::Unknown)
            sev = severityForPriority(prio);
        QString uid = a[u"uid"].toString();
        if (!uid.isEmpty()) {
            if (QUuid::fromString(uid).isNull())
                return R::fail(QStringLiteral("'%1' is not a UUID").arg(uid),
                               QStringLiteral("invalid"));
            // The log stores UUIDs as 16 bytes and reads them back in this one spelling; the
            // hash must be computed over that spelling or the chain breaks on reload.
            uid = QUuid::fromString(uid).toString(QUuid::WithoutBraces);
            if (m_store.incidentByUid(uid) || work.current.contains(uid))
                return R::fail(QStringLiteral("incident %1 already exists").arg(uid),
                               QStringLiteral("conflict"));
        } else {
            uid = store::Store::newUuid();
            work.making = uid;
        }
        // A replica that syncs numbers its own incidents provisionally (meta number_prefix);
        // the back end assigns the real number later (incident.renumbered).
        if (!work.numberPrefix) // no command changes it: read once per batch
            work.numberPrefix =
                m_store.meta(QStringLiteral("number_prefix"), QStringLiteral("INC"));
        auto number = m_store.nextNumber(*work.numberPrefix);
        if (!number)
            return R(number.error());
        inc.uid = uid;
        const auto *initial = wf.state(wf.initialState());
        const auto pol = wf.policy(prio);
        const QStringList services = listArg(a[u"services"]);
        QString group = a[u"assignment_group"].toString().trimmed();
        const QString category = a[u"category"].toString().trimmed();
        if (group.isEmpty() && a[u"assignee"].toString().trimmed().isEmpty())
            group = m_oncall.route(category, services);
        // Written in key order (CanonicalObjectWriter): the opening is the largest payload
        // the engine makes, one for every incident.
        CanonicalObjectWriter p;
        p.strings(QLatin1String("alerts"), listArg(a[u"alerts"]))
            .string(QLatin1String("assignee"), a[u"assignee"].toString().trimmed())
            .string(QLatin1String("assignment_group"), group)
            .string(QLatin1String("category"), category)
            .strings(QLatin1String("cis"), listArg(a[u"cis"]))
            .string(QLatin1String("commander"), a[u"commander"].toString().trimmed())
            .string(QLatin1String("description"), a[u"description"].toString().trimmed())
            .string(QLatin1String("impact"), impactName)
            .string(QLatin1String("number"), *number)
            .boolean(QLatin1String("open"), initial->open)
            .string(QLatin1String("priority"), priorityName(prio))
            .string(QLatin1String("reporter"), a[u"reporter"].toString(work.actor).trimmed())
            .integer(QLatin1String("resolution_minutes"), pol.resolutionMinutes)
            .integer(QLatin1String("response_minutes"), pol.responseMinutes)
            .strings(QLatin1String("services"), services)
            .string(QLatin1String("severity"), severityName(sev))
            .string(QLatin1String("sla"), workflow::slaModeName(initial->sla));
        if (a.contains(u"source"))
            p.value(QLatin1String("source"), a[u"source"]);
        p.string(QLatin1String("state"), initial->id)
            .string(QLatin1String("subcategory"), a[u"subcategory"].toString().trimmed())
            .string(QLatin1String("title"), title)
            .string(QLatin1String("urgency"), urgencyName)
            .string(QLatin1String("workflow"), wf.name());
        // The opening is a once-only event of the incident: replicas that open the same uid
        // (alerts correlated by two agents) record the same event, which merges as a no-op.
        emitPayload(work, inc, kinds::Opened, p.finish(), out, onceEventId(uid, kinds::Opened, {}));
        if (auto s = runActions(work, inc, wf.onOpenActions(), QStringLiteral("opened"), out); !s)
            return R(s.error());
        out.incidentUid = inc.uid;
        out.number = inc.number;
        work.numbers.insert(inc.number, uid);
        work.order << uid;
        work.current[uid] = std::move(inc);
        if (work.making == uid)
            work.fresh.insert(uid);
        return out;
    }

    auto loaded = load(work, cmd.incident);
    if (!loaded)
        return R(loaded.error());
    Incident inc = *loaded;
    out.incidentUid = inc.uid;
    out.number = inc.number;
    const auto fail = [](const QString &m, const char *code = "invalid") {
        return R::fail(m, QString::fromLatin1(code));
    };

    auto setField = [&](const QString &field, const QJsonValue &value) -> Status {
        auto p = validateField(inc, field, value);
        if (!p)
            return Status(p.error());
        // Unchanged values make no event.
        if (store::fieldValue(inc, field) == (*p)[u"value"])
            return {};
        emitEvent(work, inc, kinds::FieldSet, *p, out);
        // Priority follows impact x urgency when both are known, else severity.
        if (field == u"impact" || field == u"urgency" || field == u"severity") {
            const Priority np =
                rules::derivedPriority(wf.matrix(), inc.impact, inc.urgency, inc.severity);
            if (np != Priority::None && np != inc.priority) {
                auto pp = validateField(inc, QStringLiteral("priority"), priorityName(np));
                emitEvent(work, inc, kinds::FieldSet, *pp, out);
            }
        }
        return {};
    };

    auto doTransition = [&](const QString &target) -> Status {
        const QString to = wf.canonicalState(target);
        if (to.isEmpty()) {
            // The state names are listed only for the message: not on every transition.
            QStringList names;
            for (const auto &s : wf.states())
                names << s.id;
            return Status::fail(QStringLiteral("unknown state '%1' (states: %2)")
                                    .arg(target, names.join(QStringLiteral(", "))));
        }
        if (to == inc.state)
            return Status::fail(QStringLiteral("%1 is already '%2'").arg(inc.number, to));
        const auto *t = wf.transition(inc.state, to);
        if (!t) {
            const QStringList allowed = wf.allowedTargets(inc.state);
            return Status::fail(
                QStringLiteral("cannot move %1 from '%2' to '%3'; allowed from '%2': %4")
                    .arg(inc.number, inc.state, to,
                         allowed.isEmpty() ? QStringLiteral("(none)")
                                           : allowed.join(QStringLiteral(", "))));
        }
        for (const char *f : {"resolution_note", "root_cause", "close_code", "time_spent"}) {
            const QString key = QString::fromLatin1(f);
            if (a.contains(key) && !a[key].toVariant().toString().trimmed().isEmpty())
                if (auto s = setField(key, a[key]); !s)
                    return s;
        }
        if (const QString g = guardFailure(inc, *t, work.actor); !g.isEmpty())
            return Status::fail(g);
        const QString note = a[u"note"].toString().trimmed();
        if (!note.isEmpty())
            emitPayload(work, inc, kinds::NoteAdded,
                        CanonicalObjectWriter().string(QLatin1String("text"), note).finish(), out);
        const auto *st = wf.state(to);
        // Written in key order (CanonicalObjectWriter).
        CanonicalObjectWriter tp;
        // Someone works an incident that leaves the initial state for a working state
        // ("Move to: Investigating" straight from triggered): that is the response, so the
        // response SLA is met and MTTA counts it. Resolving or closing at once is not an
        // acknowledgement; it counts as the response by itself.
        if (inc.state == wf.initialState() && inc.acknowledgedAt == 0 && st->open &&
            st->stamps != u"acknowledged" && st->stamps != u"resolved" && st->stamps != u"closed")
            tp.boolean(QLatin1String("acknowledges"), true);
        tp.string(QLatin1String("from"), inc.state)
            .boolean(QLatin1String("open"), st->open)
            .string(QLatin1String("sla"), workflow::slaModeName(st->sla))
            .string(QLatin1String("stamps"), st->stamps)
            .string(QLatin1String("to"), to);
        emitPayload(work, inc, kinds::Transitioned, tp.finish(m_payloads), out);
        return runActions(work, inc, t->actions, QStringLiteral("transition to %1").arg(to), out);
    };

    switch (cmd.kind) {
    case Command::Kind::Open:
        break;
    case Command::Kind::Acknowledge: {
        if (inc.acknowledgedAt > 0)
            return fail(QStringLiteral("%1 is already acknowledged").arg(inc.number));
        const QString to = wf.acknowledgeState();
        if (to.isEmpty())
            return fail(QStringLiteral("workflow '%1' has no state that stamps 'acknowledged'")
                            .arg(wf.name()));
        // An incident recorded without a severity (before every incident got one) takes
        // it from its priority rather than refuse the acknowledgement.
        if (inc.severity == Severity::Unknown && inc.priority != Priority::None)
            if (auto s = setField(QStringLiteral("severity"),
                                  severityName(severityForPriority(inc.priority)));
                !s)
                return R(s.error());
        if (auto s = doTransition(to); !s)
            return R(s.error());
        break;
    }
    case Command::Kind::Transition:
        if (auto s = doTransition(a[u"to"].toString()); !s)
            return R(s.error());
        break;
    case Command::Kind::Assign: {
        const QString who = a[u"assignee"].toString().trimmed();
        const QString group = a[u"group"].toString().trimmed();
        if (who.isEmpty() && group.isEmpty())
            return fail(QStringLiteral("assign needs an assignee or a group"));
        QJsonObject p{{QStringLiteral("assignee"), who}};
        if (!group.isEmpty()) {
            auto known = rules::checkAssignmentGroup(m_oncall, group, inc.assignmentGroup);
            if (!known)
                return R(known.error());
            p[u"group"] = *known;
            if (who.isEmpty()) {
                auto oc = m_oncall.onCall(group, work.ts);
                p[u"assignee"] = oc ? oc->member : QString();
                p[u"via"] = QStringLiteral("on-call");
            }
        }
        if (p[u"assignee"].toString() == inc.assignee &&
            p.value(u"group").toString(inc.assignmentGroup) == inc.assignmentGroup) {
            out.noop = true;
            break;
        }
        emitEvent(work, inc, kinds::Assigned, p, out);
        break;
    }
    case Command::Kind::Note: {
        const QString text = a[u"text"].toString().trimmed();
        if (text.isEmpty())
            return fail(QStringLiteral("a note needs text"));
        if (text.size() > kMaxText)
            return fail(QStringLiteral("a note is limited to %1 characters").arg(kMaxText));
        CanonicalObjectWriter p; // in key order
        p.string(QLatin1String("text"), text);
        if (a.contains(u"visibility"))
            p.value(QLatin1String("visibility"), a[u"visibility"]);
        emitPayload(work, inc, kinds::NoteAdded, p.finish(), out);
        break;
    }
    case Command::Kind::SetField: {
        if (auto s = setField(a[u"field"].toString().trimmed(), a[u"value"]); !s)
            return R(s.error());
        out.noop = out.events.isEmpty();
        break;
    }
    case Command::Kind::LinkAlert: {
        const QString given = a[u"alert"].toString();
        const QString id = given.trimmed();
        if (id.isEmpty())
            return fail(QStringLiteral("link-alert needs an alert id"));
        // Linked already: the batch's copy knows the links it made; the store the others (the
        // log's id index for the link's once-only event, a partial index for the links made
        // otherwise). Never a scan of the incident's alerts.
        const QString once = onceEventId(inc.uid, kinds::AlertLinked, id);
        if (inc.linkedHere.contains(id) ||
            (inc.alertsInTable > 0 && m_store.alertLinked(inc.rowid, id, once))) {
            out.noop = true;
            break;
        }
        // The link is folded into `inc` in place: the batch's working copy and what load()
        // returned share its lists, and appending to a shared list would copy it. Nothing
        // after this point fails, so `inc` replaces the working copy below.
        for (Incident *holder :
             {work.current.contains(inc.uid) ? &work.current[inc.uid] : nullptr, &*loaded})
            if (holder) {
                holder->alerts = {};
                holder->linkedHere = {};
                holder->linkedByName = {};
            }
        // Linking an alert to an incident happens once, whichever replica links it. The store
        // was asked above for this link's once-only event in the log (and with no link in the
        // table, the log holds none of this incident's), so the log is not asked again.
        // The payload is the arguments, with the alert id trimmed. The correlator wrote their
        // canonical bytes already: they are used while they are still those of `a` (the
        // comparison of an object with itself costs nothing).
        const bool asGiven = given == id; // no spaces around the id to trim
        if (asGiven && cmd.canonicalArgs && cmd.canonicalArgs->object() == a) {
            out.noop = !emitOnce(work, inc, kinds::AlertLinked, *cmd.canonicalArgs, out, id, once);
            break;
        }
        QJsonObject p = a;
        if (!asGiven) // written only then, not copying `a` always
            p[u"alert"] = id;
        out.noop = !emitOnce(work, inc, kinds::AlertLinked, p, out, id, once);
        break;
    }
    case Command::Kind::Approve: {
        if (work.actor == SystemActor || work.actor.isEmpty())
            return fail(QStringLiteral("an approval needs a named human approver, not '%1'")
                            .arg(work.actor));
        QString forState = a[u"for"].toString(QStringLiteral("*")).trimmed();
        if (forState.isEmpty())
            forState = QStringLiteral("*");
        if (forState != u"*") {
            const QString c = wf.canonicalState(forState);
            if (c.isEmpty())
                return fail(QStringLiteral("unknown state '%1' to approve").arg(forState));
            forState = c;
        }
        emitEvent(work, inc, kinds::ApprovalGranted,
                  {{QStringLiteral("for"), forState},
                   {QStringLiteral("approver"), work.actor},
                   {QStringLiteral("comment"), a[u"comment"].toString()}},
                  out);
        break;
    }
    case Command::Kind::AttachEvidence: {
        static const QStringList evidenceKinds{QStringLiteral("metric"),     QStringLiteral("log"),
                                               QStringLiteral("trace"),      QStringLiteral("file"),
                                               QStringLiteral("screenshot"), QStringLiteral("link"),
                                               QStringLiteral("dashboard")};
        const QString kind = a[u"kind"].toString(QStringLiteral("link")).toLower();
        if (!evidenceKinds.contains(kind))
            return fail(QStringLiteral("unknown evidence kind '%1' (%2)")
                            .arg(kind, evidenceKinds.join(QStringLiteral(", "))));
        QJsonObject p{{QStringLiteral("kind"), kind}};
        const QString url = a[u"url"].toString().trimmed();
        const QString path = a[u"path"].toString().trimmed();
        if (url.isEmpty() && path.isEmpty())
            return fail(QStringLiteral("evidence needs a url or a file"));
        if (!url.isEmpty()) {
            if (auto ok = rules::checkEvidenceUrl(url); !ok)
                return fail(ok.errorMessage());
            p[u"url"] = url;
        }
        if (!path.isEmpty()) {
            auto read = readAttachment(path);
            if (!read)
                return fail(read.errorMessage());
            const QByteArray data = *read;
            const QString sha = QString::fromLatin1(
                QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
            const QString mime = QMimeDatabase().mimeTypeForFileNameAndData(path, data).name();
            const QString name = QFileInfo(path).fileName();
            attachments << qMakePair(sha, data);
            work.attachmentMeta.insert(sha, qMakePair(name, mime));
            p[u"sha256"] = sha;
            p[u"name"] = name;
            p[u"mime"] = mime;
            p[u"size"] = qint64(data.size());
        }
        p[u"title"] = a[u"title"].toString(p.value(u"name").toString(url)).trimmed();
        emitEvent(work, inc, kinds::EvidenceAttached, p, out);
        break;
    }
    case Command::Kind::StatusUpdate: {
        const QString msg = a[u"message"].toString().trimmed();
        if (msg.isEmpty())
            return fail(QStringLiteral("a status update needs a message"));
        const QString vis = a[u"visibility"].toString(QStringLiteral("internal")).toLower();
        if (vis != u"internal" && vis != u"external")
            return fail(
                QStringLiteral("visibility must be internal or external, not '%1'").arg(vis));
        emitEvent(work, inc, kinds::StatusUpdate,
                  {{QStringLiteral("message"), msg},
                   {QStringLiteral("visibility"), vis},
                   {QStringLiteral("status"), a[u"status"].toString(inc.state)}},
                  out);
        break;
    }
    case Command::Kind::SetCommander: {
        const QString who = a[u"commander"].toString().trimmed();
        if (who.isEmpty())
            return fail(QStringLiteral("name the incident commander"));
        if (who == inc.commander) {
            out.noop = true;
            break;
        }
        emitEvent(work, inc, kinds::CommanderSet, {{QStringLiteral("commander"), who}}, out);
        break;
    }
    case Command::Kind::AddResponder: {
        const QString who = a[u"responder"].toString().trimmed();
        if (who.isEmpty())
            return fail(QStringLiteral("name the responder"));
        if (inc.responders.contains(who)) {
            out.noop = true;
            break;
        }
        emitEvent(work, inc, kinds::ResponderAdded, {{QStringLiteral("responder"), who}}, out);
        break;
    }
    case Command::Kind::ActionItem: {
        const QString op = a[u"op"].toString(QStringLiteral("add"));
        QJsonObject p = a;
        if (op == u"add") {
            if (a[u"title"].toString().trimmed().isEmpty())
                return fail(QStringLiteral("an action item needs a title"));
            if (!p.contains(u"id"))
                p[u"id"] = store::Store::newUuid();
            if (!p.contains(u"done"))
                p[u"done"] = false;
        } else if (op == u"update") {
            if (a[u"id"].toString().isEmpty())
                return fail(QStringLiteral("updating an action item needs its id"));
        } else {
            return fail(QStringLiteral("action item op must be add or update"));
        }
        const QString due = a[u"due"].toString();
        if (!due.isEmpty() && !QDate::fromString(due, Qt::ISODate).isValid())
            return fail(QStringLiteral("due date '%1' is not YYYY-MM-DD").arg(due));
        p[u"op"] = op;
        emitEvent(work, inc, kinds::ActionItem, p, out);
        break;
    }
    case Command::Kind::Record: {
        static const QStringList reserved{
            kinds::Opened,       kinds::Transitioned,     kinds::FieldSet,
            kinds::Assigned,     kinds::AlertLinked,      kinds::ApprovalGranted,
            kinds::CommanderSet, kinds::ResponderAdded,   kinds::SlaBreached,
            kinds::Renumbered,   kinds::PostmortemDrafted};
        const QString kind = a[u"kind"].toString().trimmed();
        if (kind.isEmpty() || reserved.contains(kind))
            return fail(QStringLiteral("cannot record an event of kind '%1'").arg(kind));
        if (const QString once = a[u"once"].toString(); !once.isEmpty())
            out.noop = !emitOnce(work, inc, kind, a[u"payload"].toObject(), out, once);
        else
            emitEvent(work, inc, kind, a[u"payload"].toObject(), out);
        break;
    }
    case Command::Kind::MapState: {
        // A workflow switch: the incident's state is not one of this workflow's, so no
        // transition can leave it; the user's mapping names where it goes instead.
        const QString to = wf.canonicalState(a[u"to"].toString());
        if (to.isEmpty())
            return fail(QStringLiteral("workflow '%1' has no state '%2'")
                            .arg(wf.name(), a[u"to"].toString()));
        if (to == inc.state) {
            out.noop = true;
            break;
        }
        const auto *st = wf.state(to);
        emitEvent(work, inc, kinds::Transitioned,
                  {{QStringLiteral("from"), inc.state},
                   {QStringLiteral("to"), to},
                   {QStringLiteral("open"), st->open},
                   {QStringLiteral("stamps"), st->stamps},
                   {QStringLiteral("sla"), workflow::slaModeName(st->sla)},
                   {QStringLiteral("workflow"), wf.name()},
                   {QStringLiteral("mapped"), true}},
                  out);
        break;
    }
    }

    // Moved into the working set: neither copy is used again.
    const QString uid = inc.uid;
    if (!work.current.contains(uid)) {
        work.numbers.insert(inc.number, uid);
        work.order << uid;
        work.before[uid] = std::move(*loaded);
    }
    work.current[uid] = std::move(inc);
    work.attachments += attachments;
    return out;
}

Result<QList<Result<Outcome>>> LifecycleEngine::commit(Work &work, QList<Result<Outcome>> results)
{
    using RB = Result<QList<Result<Outcome>>>;
    auto rollback = [&](const QString &why) {
        m_store.db().rollback();
        return RB::fail(why, QStringLiteral("db"));
    };
    // Each touched incident looked up once: its working copy and its row as loaded (null for
    // a new one). Nothing is added to the working set from here on, so the pointers hold.
    struct Touched {
        Incident *now;
        const Incident *before;
    };
    QList<Touched> touched;
    touched.reserve(work.order.size());
    for (const QString &uid : std::as_const(work.order)) {
        const auto b = work.before.constFind(uid);
        touched.push_back({&work.current[uid], b == work.before.cend() ? nullptr : &*b});
    }
    for (const Touched &t : std::as_const(touched))
        if (auto s = m_store.writeIncident(*t.now, t.before, false); !s)
            return rollback(s.errorMessage());
    QList<const Event *> notes;
    for (auto &r : results) {
        if (!r)
            continue;
        for (Event &e : r->events) {
            if (auto s = m_store.appendEvent(e); !s)
                return rollback(s.errorMessage());
            if (e.kind == kinds::NoteAdded)
                notes << &e;
        }
    }
    // The search documents last, together: see Store::writeSearchDocument().
    for (const Touched &t : std::as_const(touched))
        if (auto s = m_store.writeSearchDocument(*t.now, t.before); !s)
            return rollback(s.errorMessage());
    for (const Event *e : std::as_const(notes))
        if (auto s = m_store.addSearchNote(work.current.constFind(e->incidentUid)->rowid, e->seq,
                                           e->payload[u"text"].toString());
            !s)
            return rollback(s.errorMessage());
    for (const auto &[sha, data] : std::as_const(work.attachments)) {
        store::Stmt *s = m_store.db().prepare(
            QStringLiteral("INSERT OR IGNORE INTO attachments(sha256, name, mime, size, data, "
                           "created_at) VALUES(?,?,?,?,?,?)"));
        const auto meta = work.attachmentMeta.value(sha);
        s->bindBlob(1, QByteArray::fromHex(sha.toLatin1()))
            .bind(2, meta.first)
            .bind(3, meta.second)
            .bind(4, qint64(data.size()))
            .bindBlob(5, data)
            .bind(6, work.ts);
        if (!s->exec())
            return rollback(s->error());
    }
    QList<Event> appended;
    appended.reserve(work.eventIds.size());
    for (const auto &r : std::as_const(results))
        if (r)
            appended += r->events;
    // The projections fold the batch's events; the incidents they ask for are those just
    // written, held here.
    m_store.setWrittenIncidents(&work.current);
    const Status projected = m_projections.run(m_store, appended);
    m_store.setWrittenIncidents(nullptr);
    if (!projected)
        return rollback(projected.errorMessage());
    for (const auto &hook : std::as_const(m_commitHooks))
        if (auto s = hook(m_store, appended); !s)
            return rollback(s.errorMessage());
    if (auto s = m_store.db().commit(); !s)
        return rollback(QStringLiteral("cannot commit: %1").arg(s.errorMessage()));
    keepRecent(work);
    QStringList ids, uids;
    for (const auto &r : results)
        if (r)
            for (const Event &e : r->events)
                ids << e.id;
    uids = work.order;
    if (!ids.isEmpty())
        Q_EMIT eventsAppended(ids, uids);
    return results;
}

Result<QList<Result<Outcome>>> LifecycleEngine::executeBatch(const QList<Command> &commands)
{
    return executePlanned([&commands]() -> Result<QList<Command>> { return commands; });
}

Result<QList<Result<Outcome>>> LifecycleEngine::executePlanned(const Planner &plan)
{
    using RB = Result<QList<Result<Outcome>>>;
    if (auto s = m_store.db().begin(); !s)
        return RB::fail(QStringLiteral("database is busy or read-only: %1").arg(s.errorMessage()),
                        QStringLiteral("db"));
    m_hlc.observe(m_store.lastHlc());
    const Result<QList<Command>> commands = plan();
    if (!commands) {
        m_store.db().rollback();
        return RB(commands.error());
    }
    Work work;
    // Each command touches at most one incident: room for all of them up front.
    work.current.reserve(commands->size());
    work.before.reserve(commands->size());
    work.numbers.reserve(commands->size());
    QList<Result<Outcome>> results;
    results.reserve(commands->size());
    work.results = &results;
    for (const Command &c : *commands) {
        // apply() touches the working set only once the command has passed every check,
        // so a rejected command leaves the batch as it was.
        auto r = apply(work, c);
        if (r) {
            const QString *last = nullptr; // a command's events are of one incident
            for (const Event &e : std::as_const(r->events)) {
                if (!last || e.incidentUid != *last) {
                    QList<qsizetype> &held = work.slotsOf[e.incidentUid];
                    if (held.isEmpty() || held.last() != results.size())
                        held << results.size();
                    last = &e.incidentUid;
                }
                work.eventIds.insert(e.id);
            }
        }
        results << std::move(r);
    }
    return commit(work, std::move(results));
}

Result<Outcome> LifecycleEngine::execute(const Command &command)
{
    auto r = executeBatch({command});
    if (!r)
        return R(r.error());
    return r->first();
}

Status LifecycleEngine::record(const QString &incident, const QString &kind,
                               const QJsonObject &payload, const QString &actor)
{
    auto r = execute(Command::make(
        Command::Kind::Record, incident,
        {{QStringLiteral("kind"), kind}, {QStringLiteral("payload"), payload}}, actor));
    if (!r)
        return Status::fail(r.errorMessage(), r.error().code);
    return {};
}

Result<int> LifecycleEngine::checkSla(qint64 now)
{
    if (auto s = m_store.db().begin(); !s)
        return Result<int>::fail(s.errorMessage());
    m_hlc.observe(m_store.lastHlc());
    store::Stmt *q = m_store.db().prepare(QStringLiteral(
        "SELECT uid, response_due, resolution_due, acknowledged_at, sla_breached FROM incidents "
        "WHERE sla_due > 0 AND sla_due < ? AND is_open = 1 AND sla_paused_since = 0 AND "
        "sla_breached != 3"));
    q->bind(1, now);
    struct Due {
        QString uid;
        int which;
        qint64 due;
    };
    QList<Due> due;
    while (q->step()) {
        store::RowReader row(*q);
        const QString uid = store::Store::blobToUuid(row.blob());
        const qint64 resp = row.int64();
        const qint64 res = row.int64();
        const qint64 ack = row.int64();
        const int b = int(row.int64());
        if (!(b & SlaResponseBreached) && ack == 0 && resp > 0 && resp < now)
            due << Due{uid, SlaResponseBreached, resp};
        if (!(b & SlaResolutionBreached) && res > 0 && res < now)
            due << Due{uid, SlaResolutionBreached, res};
    }
    q->reset();
    Work work;
    work.ts = now;
    work.actor = SystemActor;
    QList<Result<Outcome>> results;
    for (const Due &d : due) {
        auto loaded = load(work, d.uid);
        if (!loaded)
            continue;
        Incident inc = *loaded;
        Outcome out;
        // Each deadline breaches at most once per incident (its bit is never cleared), so the
        // deadline's name is the once-only key: replicas whose clocks put the due time a few
        // milliseconds apart still record the same event.
        const QString which = d.which == SlaResponseBreached ? QStringLiteral("response")
                                                             : QStringLiteral("resolution");
        if (!emitOnce(work, inc, kinds::SlaBreached,
                      {{QStringLiteral("sla"), which},
                       {QStringLiteral("due"), QString::number(d.due)},
                       {QStringLiteral("priority"), priorityName(inc.priority)}},
                      out, which))
            continue;
        if (!work.current.contains(inc.uid)) {
            work.before.insert(inc.uid, *loaded);
            work.order << inc.uid;
        }
        work.current.insert(inc.uid, inc);
        out.incidentUid = inc.uid;
        out.number = inc.number;
        results << out;
    }
    auto c = commit(work, results);
    if (!c)
        return Result<int>(c.error());
    return int(results.size());
}

Result<QList<Incident>> LifecycleEngine::bulkCloseStale(int days, bool dryRun)
{
    using RL = Result<QList<Incident>>;
    if (days < 1)
        return RL::fail(QStringLiteral("--stale-days must be at least 1"));
    const QString target = m_workflow.staleCloseState();
    if (target.isEmpty())
        return RL::fail(
            QStringLiteral("workflow '%1' names no stale_close state").arg(m_workflow.name()));
    const qint64 cutoff = m_clock.nowMs() - qint64(days) * 86400000;
    QList<Incident> stale;
    store::Stmt *q = m_store.db().prepare(QStringLiteral(
        "SELECT id FROM incidents WHERE is_open=1 AND updated_at < ? ORDER BY updated_at"));
    q->bind(1, cutoff);
    QList<qint64> ids;
    while (q->step())
        ids << store::RowReader(*q).int64();
    q->reset();
    for (qint64 id : ids)
        if (auto inc = m_store.incidentByRowId(id))
            stale << *inc;
    if (dryRun)
        return stale;
    QList<Incident> closed;
    QStringList failures;
    for (qsizetype i = 0; i < stale.size(); i += 500) {
        QList<Command> batch;
        for (qsizetype j = i; j < qMin(stale.size(), i + 500); ++j) {
            QJsonObject extra{
                {QStringLiteral("close_code"), StaleCloseCode},
                {QStringLiteral("note"),
                 QStringLiteral("Closed automatically: no update for %1 days").arg(days)}};
            batch << Command::transition(stale[j].uid, target, SystemActor, extra);
        }
        auto r = executeBatch(batch);
        if (!r)
            return RL(r.error());
        for (qsizetype k = 0; k < r->size(); ++k) {
            if ((*r)[k])
                closed << stale[i + k];
            else
                failures << (*r)[k].errorMessage();
        }
    }
    if (!failures.isEmpty())
        qCWarning(lcEngine) << "stale close skipped" << failures.size()
                            << "incidents, first:" << failures.first();
    return closed;
}

Result<LifecycleEngine::MergeResult> LifecycleEngine::mergeRemote(const QList<Event> &events)
{
    using RM = Result<MergeResult>;
    MergeResult res;
    if (events.isEmpty())
        return res;
    if (auto s = m_store.db().begin(); !s)
        return RM::fail(QStringLiteral("database is busy or read-only: %1").arg(s.errorMessage()),
                        QStringLiteral("db"));
    auto rollback = [&](const QString &why) {
        m_store.db().rollback();
        return RM::fail(why, QStringLiteral("db"));
    };
    m_hlc.observe(m_store.lastHlc());
    QHash<QString, QString> claimed; // number -> incident, as this merge gives them
    const NumberHolder holder = [&](const QString &number) {
        const auto inc = m_store.incidentByNumber(number);
        return inc ? inc->uid : claimed.value(number);
    };
    // New events per incident; ids normalised so (hlc, id) order is the same everywhere.
    QHash<QString, QList<Event>> fresh;
    QSet<QString> seen;
    for (Event e : events) {
        e.id = QUuid::fromString(e.id).toString(QUuid::WithoutBraces);
        e.incidentUid = QUuid::fromString(e.incidentUid).toString(QUuid::WithoutBraces);
        if (QUuid::fromString(e.id).isNull() || QUuid::fromString(e.incidentUid).isNull())
            return rollback(QStringLiteral("remote event without a valid id or incident id"));
        // A remote event this replica rejected earlier is known by its conflict event.
        if (seen.contains(e.id) || m_store.hasEvent(e.id) ||
            m_store.hasEvent(domain::conflictIdFor(e.id))) {
            ++res.duplicates;
            continue;
        }
        seen.insert(e.id);
        m_hlc.observe(e.hlc);
        // Numbers go to the first event of the feed that claims them, whichever incident is
        // folded first (an incident.renumbered from someone other than the back end claims
        // nothing: it is refused).
        if ((e.kind == kinds::Opened || e.kind == kinds::Renumbered ||
             e.kind == kinds::ProvisionalNumber) &&
            !(e.kind == kinds::Renumbered && !e.sentRole.isEmpty() && e.sentRole != u"backend")) {
            const QString number = e.payload[u"number"].toString();
            if (!number.isEmpty() && !claimed.contains(number))
                claimed.insert(number, e.incidentUid);
        }
        if (!fresh.contains(e.incidentUid))
            res.incidentUids << e.incidentUid;
        fresh[e.incidentUid] << e;
    }
    QStringList ids;
    QStringList touched;
    QList<Event> appended;  // in log order, for the projections
    QSet<QString> recorded; // ids this merge appended
    for (const QString &uid : std::as_const(res.incidentUids)) {
        QList<Event> incoming = fresh.value(uid);
        // Causal order within a batch: the HLC never runs behind what its replica had seen.
        std::sort(incoming.begin(), incoming.end(), foldsBefore);
        const auto before = m_store.incidentByUid(uid);
        // An incident opens once: a second incident.opened (another id, e.g. another replica
        // that opened the same uid) is not applied, so it never resets what the incident
        // became; the events that follow it apply to the incident as it is.
        bool opened = before.has_value();
        QList<Event> kept;
        for (const Event &e : std::as_const(incoming)) {
            if (e.kind == kinds::Opened && opened) {
                ++res.secondOpenings;
                qCInfo(lcEngine).noquote()
                    << "incident" << uid << "is open already; its second opening" << e.id << "by"
                    << e.actor << "is not applied";
                continue;
            }
            opened = opened || e.kind == kinds::Opened;
            kept << e;
        }
        incoming = kept;
        if (!opened) {
            res.deferred += incoming;
            continue;
        }
        if (incoming.isEmpty())
            continue;
        QList<Event> all = m_store.timeline(uid);
        QString head = all.isEmpty() ? QString() : all.last().hash;
        QList<Event> notes;
        bool linksMerged = false; // an opening or an alert link: the links may order anew
        Incident cur = before ? *before : Incident(); // as each incoming event meets it
        for (Event e : std::as_const(incoming)) {
            if (recorded.contains(e.id)) { // this merge recorded it already (a conflict)
                ++res.duplicates;
                continue;
            }
            // (From the wire an event of rule 2 always names its writer: eventFromWire.)
            if (e.origin.isEmpty() || e.origin == u"local")
                e.origin = QStringLiteral("remote");
            const QString why = remoteRejection(cur, e, holder);
            const bool rejected = !why.isEmpty();
            if (rejected) {
                qCWarning(lcEngine) << "remote event" << e.id << e.kind << "of incident" << uid
                                    << "not applied:" << why;
                e = domain::rejectionConflict(e, cur.state, why);
                e.origin = m_replica;
                if (recorded.contains(e.id)) { // another replica's record of it came first
                    ++res.duplicates;
                    continue;
                }
            }
            recorded.insert(e.id);
            e.prevHash = head;
            e.payloadRaw.clear();
            e.hash = e.computeHash();
            if (auto s = m_store.appendEvent(e); !s)
                return rollback(s.errorMessage());
            store::applyEvent(cur, e);
            head = e.hash;
            all << e;
            appended << e;
            ids << e.id;
            if (rejected)
                res.conflicts << e;
            else
                ++res.applied;
            if (e.kind == kinds::NoteAdded)
                notes << e;
            linksMerged = linksMerged || e.kind == kinds::AlertLinked || e.kind == kinds::Opened;
        }
        // Deterministic fold; transitions that no longer fit become conflicts.
        auto fold = [&](QList<Event> evs, QList<QPair<Event, QString>> *conflicted) {
            std::sort(evs.begin(), evs.end(), foldsBefore);
            Incident inc;
            for (const Event &e : evs) {
                if (conflicted && e.kind == kinds::Transitioned && !inc.state.isEmpty()) {
                    const QString from = e.payload[u"from"].toString(),
                                  to = e.payload[u"to"].toString();
                    if (from != inc.state && to != inc.state)
                        *conflicted << qMakePair(e, inc.state);
                }
                store::applyEvent(inc, e);
            }
            return inc;
        };
        QList<QPair<Event, QString>> conflicted;
        Incident inc = fold(all, &conflicted);
        for (const auto &[t, actual] : std::as_const(conflicted)) {
            Event c;
            c.id = domain::conflictIdFor(t.id);
            if (m_store.hasEvent(c.id))
                continue;
            c.incidentUid = uid;
            c.hlc = t.hlc;
            c.ts = t.ts;
            c.actor = SystemActor;
            c.kind = kinds::Conflict;
            c.payload = {{QStringLiteral("event"), t.id},
                         {QStringLiteral("kind"), t.kind},
                         {QStringLiteral("from"), t.payload[u"from"].toString()},
                         {QStringLiteral("to"), t.payload[u"to"].toString()},
                         {QStringLiteral("by"), t.actor},
                         {QStringLiteral("state"), actual},
                         {QStringLiteral("message"),
                          QStringLiteral("%1 moved it from '%2' to '%3', but it was already '%4' "
                                         "by then; the transition was not applied")
                              .arg(t.actor, t.payload[u"from"].toString(),
                                   t.payload[u"to"].toString(), actual)}};
            c.origin = m_replica;
            c.prevHash = head;
            c.hash = c.computeHash();
            if (auto s = m_store.appendEvent(c); !s)
                return rollback(s.errorMessage());
            head = c.hash;
            all << c;
            appended << c;
            ids << c.id;
            res.conflicts << c;
        }
        if (!conflicted.isEmpty())
            inc = fold(all, nullptr);
        inc.headHash = head; // the chain continues from the last appended event
        inc.rowid = before ? before->rowid : 0;
        // The fold above started from the opening, so `inc.alerts` holds every link in fold
        // order. Without a merged link the table holds the same links in the same order;
        // with one, a remote link may fold before local ones: the links are written anew.
        if (before && !linksMerged)
            inc.alertsInTable = inc.alertCount;
        else if (before)
            if (auto s = m_store.clearAlertLinks(inc); !s)
                return rollback(s.errorMessage());
        if (auto s = m_store.writeIncident(inc, before ? &*before : nullptr); !s)
            return rollback(s.errorMessage());
        for (const Event &n : std::as_const(notes))
            if (auto s = m_store.addSearchNote(inc.rowid, n.seq, n.payload[u"text"].toString()); !s)
                return rollback(s.errorMessage());
        touched << uid;
    }
    if (auto s = m_projections.run(m_store, appended); !s)
        return rollback(s.errorMessage());
    for (const auto &hook : std::as_const(m_commitHooks))
        if (auto s = hook(m_store, res.conflicts); !s)
            return rollback(s.errorMessage());
    if (auto s = m_store.db().commit(); !s)
        return rollback(QStringLiteral("cannot commit: %1").arg(s.errorMessage()));
    res.incidentUids = touched;
    if (!ids.isEmpty())
        Q_EMIT eventsAppended(ids, touched);
    return res;
}

store::BulkLoader LifecycleEngine::bulkLoader()
{
    return store::BulkLoader(
        m_store,
        [this](store::Store &st, const QSet<QString> &kinds) {
            return m_projections.runAfterLoad(st, kinds);
        },
        [this](const Incident &inc, const Event &e, const NumberHolder &holder) {
            return remoteRejection(inc, e, holder);
        },
        m_replica);
}

Status LifecycleEngine::rebuildProjections()
{
    // Rows rewritten without a new event keep their head hash: nothing kept from before the
    // rebuild is taken up again.
    m_recent.clear();
    m_older.clear();
    auto &db = m_store.db();
    if (auto s = db.begin(); !s)
        return s;
    // One transaction: the incidents first, since the other projections read them.
    Status s = m_store.rebuildProjection();
    if (s)
        s = m_projections.rebuild(m_store);
    if (!s) {
        db.rollback();
        return s;
    }
    return db.commit();
}

Result<QByteArray> LifecycleEngine::readAttachment(const QString &path)
{
    using RB = Result<QByteArray>;
    qint64 limit = rules::DefaultMaxAttachmentBytes;
    if (const QString set = m_store.meta(rules::MaxAttachmentSetting); !set.isEmpty())
        if (auto l = rules::parseMaxAttachmentMb(set))
            limit = *l;
    const auto tooBig = [&] {
        return RB::fail(QStringLiteral("%1 is larger than %2 MiB (the limit is the setting %3)")
                            .arg(path)
                            .arg(limit / 1024 / 1024)
                            .arg(rules::MaxAttachmentSetting));
    };
    // Only a regular file has a size to check up front: a device (/dev/zero), a pipe or a
    // socket would be read without end.
    const QFileInfo info(path);
    if (!info.exists())
        return RB::fail(QStringLiteral("cannot read %1: no such file").arg(path));
    if (!info.isFile())
        return RB::fail(
            QStringLiteral("%1 is not a regular file (only files can be attached)").arg(path));
    if (info.size() > limit)
        return tooBig();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return RB::fail(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    // Read no more than the limit allows, should the file grow meanwhile.
    QByteArray data = f.read(limit + 1);
    if (data.size() > limit)
        return tooBig();
    if (f.error() != QFileDevice::NoError)
        return RB::fail(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return data;
}

store::VerifyReport LifecycleEngine::verify(const std::function<void(const QString &)> &progress)
{
    store::VerifyReport r = m_store.verify(progress);
    const QStringList faults = m_projections.verify(m_store, progress);
    if (!faults.isEmpty())
        r.ok = false;
    r.faults += faults;
    return r;
}

} // namespace sitrep::engine
