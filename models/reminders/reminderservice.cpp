// SPDX-License-Identifier: MIT
#include "reminders/reminderservice.h"

#include "engine/lifecycleengine.h"
#include "query/warroomreminders.h"
#include "reminders/logging.h"
#include "store/store.h"

#include <QTimer>

namespace sitrep::reminders {

using engine::Command;
using store::Stmt;

namespace {

// Occurrence already on the timeline: the incident's events, by the (incident, seq) index.
const char *NotRecorded =
    "NOT EXISTS (SELECT 1 FROM events e WHERE e.incident = incidents.uid AND e.kind = 'reminder' "
    "AND json_extract(e.payload, '$.reminder') = '%1' AND json_extract(e.payload, '$.since') = %2)";

struct Rule {
    const char *id;
    qint64 thresholdMs;    // 0: per priority, from the workflow (status_update_minutes)
    const char *sinceExpr; // the moment the reminder's clock starts (indexed expression)
    const char *where;     // which incidents it applies to
};

const Rule Rules[] = {
    {"no_commander", query::NoCommanderAfterMs, "created_at",
     "is_open = 1 AND resolved_at = 0 AND commander = ''"},
    {"no_status_update", 0, "MAX(last_status_at, created_at)", "is_open = 1 AND resolved_at = 0"},
    {"postmortem_due", query::PostmortemDueMs, "resolved_at", "closed_at = 0 AND resolved_at > 0"},
};

/// One range query: a rule, its threshold, and the priority it is limited to (-1: all).
struct Scan {
    const Rule *rule;
    qint64 thresholdMs;
    int priority;
};

QList<Scan> scans(const workflow::Workflow *wf)
{
    QList<Scan> out;
    for (const Rule &rule : Rules) {
        if (rule.thresholdMs > 0) {
            out << Scan{&rule, rule.thresholdMs, -1};
            continue;
        }
        // Priority 0 (none set) follows the workflow's default policy, like the SLA.
        for (int p = 0; p <= 4; ++p) {
            const qint64 ms =
                wf ? qint64(wf->policy(domain::Priority(p)).statusUpdateMinutes) * 60000
                   : query::StatusUpdateEveryMs;
            if (ms > 0)
                out << Scan{&rule, ms, p};
        }
    }
    return out;
}

// Slack behind the previous scan's window, for clocks that step and commits that land
// between a scan's read and its write.
constexpr qint64 SlackMs = 5 * 60 * 1000;
constexpr qint64 FullScanEveryMs = 3600 * 1000;

QString ruleSql(const Scan &scan)
{
    const Rule &rule = *scan.rule;
    const QString since = QString::fromLatin1(rule.sinceExpr);
    const QString where =
        QString::fromLatin1(rule.where) +
        (scan.priority >= 0 ? QStringLiteral(" AND priority = %1").arg(scan.priority) : QString());
    return QStringLiteral("SELECT uid, %1 FROM incidents WHERE %2 AND %1 > ?1 AND %1 <= ?2 AND %3 "
                          "ORDER BY %1 LIMIT ?3")
        .arg(since, where,
             QString::fromLatin1(NotRecorded).arg(QString::fromLatin1(rule.id), since));
}

} // namespace

QStringList ReminderService::scanQueries()
{
    QStringList out;
    for (const Scan &scan : scans(nullptr))
        out << ruleSql(scan);
    return out;
}

static Command reminderCommand(const QString &incidentUid, const query::Reminder &r)
{
    // A once-only event: the reminder's rule and the moment it counts from name it, so two
    // replicas (or two agents) that both find it due record one event.
    return Command::make(Command::Kind::Record, incidentUid,
                         {{QStringLiteral("kind"), domain::kinds::Reminder},
                          {QStringLiteral("payload"), query::reminderPayload(r)},
                          {QStringLiteral("once"), r.id + u'/' + QString::number(r.since)}},
                         engine::SystemActor);
}

bool isRecorded(engine::LifecycleEngine &engine, const QString &incidentUid,
                const QString &reminder, qint64 since)
{
    Stmt *s = engine.store().db().prepare(
        QStringLiteral("SELECT 1 FROM events WHERE incident = ?1 AND kind = 'reminder' AND "
                       "json_extract(payload, '$.reminder') = ?2 "
                       "AND json_extract(payload, '$.since') = ?3 LIMIT 1"));
    if (!s)
        return false;
    s->bindBlob(1, store::Store::uuidToBlob(incidentUid)).bind(2, reminder).bind(3, since);
    const bool found = s->step();
    s->reset();
    return found;
}

Result<bool> recordOnce(engine::LifecycleEngine &engine, const QString &incidentUid,
                        const QString &reminder, qint64 since, const QString &text)
{
    if (isRecorded(engine, incidentUid, reminder, since))
        return false;
    query::Reminder r{reminder, text, since, false};
    auto res = engine.execute(reminderCommand(incidentUid, r));
    if (!res)
        return Result<bool>::fail(res.errorMessage(), res.error().code);
    return !res->noop;
}

ReminderService::ReminderService(engine::LifecycleEngine &engine, const engine::Clock &clock,
                                 QObject *parent)
    : QObject(parent), m_engine(engine), m_clock(clock)
{
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (auto r = scan(); !r)
            qCWarning(lcReminders).noquote() << "reminder scan failed:" << r.errorMessage();
    });
}

ReminderService::~ReminderService() = default;

void ReminderService::start(int intervalMs)
{
    m_timer->start(intervalMs);
    if (auto r = scan(); !r)
        qCWarning(lcReminders).noquote() << "reminder scan failed:" << r.errorMessage();
}

void ReminderService::stop()
{
    m_timer->stop();
}

Result<QList<FiredReminder>> ReminderService::scan()
{
    using R = Result<QList<FiredReminder>>;
    const qint64 now = m_clock.nowMs();
    const bool full =
        m_lastScan == 0 || now < m_lastScan || now - m_lastFullScan >= FullScanEveryMs;
    auto &st = m_engine.store();
    struct Candidate {
        QString uid;
        qint64 since;
        const Rule *rule;
    };
    QList<Candidate> due;
    bool truncated = false;
    const auto &wf = m_engine.workflow();
    for (const Scan &scan : scans(&wf)) {
        const qint64 hi = now - scan.thresholdMs;
        qint64 lo = now - scan.thresholdMs - m_horizonMs;
        if (!full)
            lo = std::max(lo, m_lastScan - scan.thresholdMs - SlackMs);
        Stmt *q = st.db().prepare(ruleSql(scan));
        if (!q)
            return R::fail(st.db().lastError(), QStringLiteral("db"));
        q->bind(1, std::max<qint64>(lo, 0)).bind(2, hi).bind(3, m_batch);
        int n = 0;
        while (q->step()) {
            store::RowReader row(*q);
            due << Candidate{store::Store::blobToUuid(row.blob()), row.int64(), scan.rule};
            ++n;
        }
        q->reset();
        truncated = truncated || n >= m_batch;
    }
    // A scan cut short by the batch limit keeps its window for the next one.
    if (!truncated) {
        m_lastScan = now;
        if (full)
            m_lastFullScan = now;
    }
    if (due.isEmpty())
        return QList<FiredReminder>{};

    QList<Command> cmds;
    QList<FiredReminder> fired;
    for (const Candidate &c : std::as_const(due)) {
        auto inc = st.incidentByUid(c.uid);
        if (!inc)
            continue;
        // The same wording as the workspace banner, from the one rule set.
        QString text;
        for (const auto &r : query::warRoomReminders(
                 *inc, {}, now, qint64(wf.policy(inc->priority).statusUpdateMinutes) * 60000))
            if (r.id == QLatin1String(c.rule->id) && r.since == c.since)
                text = r.text;
        if (text.isEmpty())
            continue;
        const query::Reminder r{QString::fromLatin1(c.rule->id), text, c.since, false};
        cmds << reminderCommand(inc->uid, r);
        fired << FiredReminder{inc->uid, inc->number, inc->title, r.id, text, c.since};
    }
    if (cmds.isEmpty())
        return QList<FiredReminder>{};
    auto res = m_engine.executeBatch(cmds);
    if (!res)
        return R::fail(res.errorMessage(), res.error().code);
    QList<FiredReminder> recorded;
    for (int i = 0; i < res->size(); ++i) {
        if ((*res)[i] && !(*res)[i]->noop)
            recorded << fired[i];
        else if ((*res)[i])
            continue; // recorded already (by another replica, merged meanwhile)
        else
            qCWarning(lcReminders).noquote()
                << "reminder not recorded for" << fired[i].number << (*res)[i].errorMessage();
    }
    if (!recorded.isEmpty())
        Q_EMIT remindersRecorded(recorded);
    return recorded;
}

} // namespace sitrep::reminders
