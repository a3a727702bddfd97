// SPDX-License-Identifier: MIT
// Postmortem drafts from a known timeline, templates, documents with versions and status
// events, action items (parsed, tracked, projected, overdue first), the review invitation.
#include "pm_fixture.h"

#include "postmortem/automation.h"
#include "postmortem/draft.h"
#include "postmortem/ics.h"
#include "postmortem/postmortemstore.h"
#include "store/projector.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

#include <random>

using namespace sitrep;
using namespace pmtest;

namespace {

/// Runs the action item command on `incident` with `args` at `at`; whether the engine took it.
bool actionItem(Env &env, const QString &incident, const QJsonObject &args, qint64 at)
{
    return !env.run(Command::make(Command::Kind::ActionItem, incident, args), at).isEmpty();
}

/// Changes one `field` of action item `id` of `incident` to `value` at `at`.
bool updateActionItem(Env &env, const QString &incident, const QString &id, const char *field,
                      const QJsonValue &value, qint64 at)
{
    return actionItem(env, incident,
                      {{QStringLiteral("op"), QStringLiteral("update")},
                       {QStringLiteral("id"), id},
                       {QLatin1String(field), value}},
                      at);
}

/// The titles of `items`, in their order.
template <class Item> QStringList titlesOf(const QList<Item> &items)
{
    QStringList out;
    for (const Item &i : items)
        out << i.title;
    return out;
}

} // namespace

class TestPostmortem : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void draft_fromKnownTimeline_hasSectionsAndKeyEvents();
    void draft_keyEvents_keepsLongestNotesInOrder();
    void draft_timesAsQDateTimeWritesThem();
    void draft_defaultSections_sameAsMatchedEachTime();
    void draft_inBatch_sameAsFromStore();
    void template_yamlAndMarkdown_userTemplateChangesSections();
    void template_broken_namesFileAndLine();
    void resolve_opensDocumentWithOwnersAndReviewIn48h();
    void versions_saveRestoreAndStatusEventsInTimeline();
    void status_publishFromDraft_isRejected();
    void actionItems_parsedFromTableAndTaskList();
    void actionItems_syncTracksAndProjectionOrdersOverdueFirst();
    void actionItems_projectionRebuildsFromLog();
    void actionItems_updateOfOneField_keepsTheOthers();
    void ics_isRfc5545();
};

void TestPostmortem::draft_fromKnownTimeline_hasSectionsAndKeyEvents()
{
    Env env;
    QVERIFY2(env.error.isEmpty(), qPrintable(env.error));
    const QString uid = env.knownIncident();
    QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
    const auto inc = *env.store.incidentByUid(uid);
    const QString md = postmortem::draftMarkdown(inc, env.store.timeline(uid));

    QVERIFY(md.startsWith(
        QStringLiteral("# Incident Postmortem: %1 — API latency spike").arg(inc.number)));
    int last = -1;
    for (const QString &s : postmortem::defaultSections()) {
        const int at = int(md.indexOf(QStringLiteral("\n## %1\n").arg(s)));
        QVERIFY2(at > last, qPrintable(s));
        last = at;
    }
    // Summary: duration 75 minutes, severity, commander, owners.
    QVERIFY(md.contains(QStringLiteral("**Duration:** 1 h 15 min (75.0 minutes)")));
    QVERIFY(md.contains(QStringLiteral("**Severity:** SEV2 (high)")));
    QVERIFY(md.contains(QStringLiteral("**Commander:** casey")));
    QVERIFY(md.contains(QStringLiteral("**Postmortem owners:** casey, dana")));
    // Timeline rows, in order, with the times of the known timeline.
    const QStringList expect{
        QStringLiteral("| 2026-03-10 09:00 UTC | alertmanager | Incident opened: API latency spike "
                       "- p95 > 5s (SEV2, P2) |"),
        QStringLiteral("| 2026-03-10 09:03 UTC | dana | State triggered → acknowledged |"),
        QStringLiteral("| 2026-03-10 09:04 UTC | dana | Incident commander: casey |"),
        QStringLiteral("| 2026-03-10 09:08 UTC | dana | Note: Database queries running slow. "
                       "Checking connection pool |"),
        QStringLiteral("| 2026-03-10 09:25 UTC | dana | Note: Increased connection pool size from "
                       "50 to 200 |"),
        QStringLiteral("| 2026-03-10 10:15 UTC | casey | State mitigating → resolved |")};
    qsizetype pos = 0;
    for (const QString &row : expect) {
        const qsizetype at = md.indexOf(row, pos);
        QVERIFY2(at >= 0, qPrintable(row + QStringLiteral("\n---\n") + md));
        pos = at;
    }
    // Root cause category and resolution come from the resolve transition.
    QVERIFY(md.contains(QStringLiteral("**Category:** capacity")));
    QVERIFY(md.contains(QStringLiteral("Increased DB connection pool. Latency back to normal")));
    // The engine drafted one too when the incident resolved (workflow action).
    bool drafted = false;
    for (const auto &e : env.store.timeline(uid))
        if (e.kind == domain::kinds::PostmortemDrafted)
            drafted =
                e.payload[u"markdown"].toString().contains(QStringLiteral("## Lessons learned"));
    QVERIFY(drafted);
}

// A draft writes its times by hand: the text QDateTime writes, from 1970 to 9999 and beyond.
void TestPostmortem::draft_timesAsQDateTimeWritesThem()
{
    const auto qt = [](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    };
    constexpr qint64 Day = 86400000, End = 253402300800000; // 10000-01-01
    QList<qint64> times{0,
                        1,
                        59999,
                        60000,
                        Day - 1,
                        Day,
                        -1,
                        -Day,
                        -60001,
                        End - 1,
                        End,
                        End + Day,
                        951782400000 /* 2000-02-29 */,
                        68169600000 /* 1972-02-29 */,
                        4107542400000 /* 2100-03-01 */,
                        1773133200000 /* 2026-03-10 09:00 */};
    std::mt19937_64 rng(20261207);
    for (int i = 0; i < 20000; ++i)
        times << qint64(rng() % quint64(End + 100 * Day)) - 50 * Day;
    for (qint64 ms : std::as_const(times))
        QCOMPARE(postmortem::formatUtcMinute(ms), qt(ms));
}

// The draft action's default sections are matched to the default template once; the draft is
// the one the sections matched on every call gave.
void TestPostmortem::draft_defaultSections_sameAsMatchedEachTime()
{
    Env env;
    QVERIFY2(env.error.isEmpty(), qPrintable(env.error));
    const QString uid = env.knownIncident();
    QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
    const auto inc = *env.store.incidentByUid(uid);
    const auto timeline = env.store.timeline(uid);
    const auto matched = [](const QStringList &sections) {
        postmortem::Template t;
        const postmortem::Template def = postmortem::defaultTemplate();
        for (const QString &title : sections) {
            postmortem::Section s{title, {}};
            for (const postmortem::Section &d : def.sections)
                if (d.title.compare(title, Qt::CaseInsensitive) == 0)
                    s.hint = d.hint;
            t.sections << s;
        }
        return t;
    };
    const QStringList defaults = postmortem::defaultSections();
    const QString md = postmortem::draftMarkdown(inc, timeline);
    QCOMPARE(md, postmortem::draftMarkdown(inc, timeline, matched(defaults)));
    QCOMPARE(postmortem::draftMarkdown(inc, timeline, defaults), md);
    // Other sections still take the default hints of their titles.
    const QStringList other{QStringLiteral("timeline"), QStringLiteral("Root Cause"),
                            QStringLiteral("Custom")};
    QCOMPARE(postmortem::draftMarkdown(inc, timeline, other),
             postmortem::draftMarkdown(inc, timeline, matched(other)));
    QVERIFY(postmortem::draftMarkdown(inc, timeline, other) != md);
}

// The draft action reads the events of the batch that drafts from the batch itself: the
// drafts are those of the incident and timeline the log holds at the draft.
void TestPostmortem::draft_inBatch_sameAsFromStore()
{
    Env env;
    QVERIFY2(env.error.isEmpty(), qPrintable(env.error));
    const auto open = [](const char *title, const char *severity) {
        return Command::open({{QStringLiteral("title"), QString::fromLatin1(title)},
                              {QStringLiteral("severity"), QString::fromLatin1(severity)},
                              {QStringLiteral("services"), QJsonArray{QStringLiteral("api")}}},
                             QStringLiteral("alertmanager"));
    };
    const auto resolve = [](const QString &n, const char *note) {
        return Command::transition(n, QStringLiteral("resolved"), QStringLiteral("dana"),
                                   {{QStringLiteral("resolution_note"), QString::fromLatin1(note)},
                                    {QStringLiteral("root_cause"), QStringLiteral("capacity")},
                                    {QStringLiteral("note"), QStringLiteral("closing out")}});
    };
    env.clock.set(T0);
    auto first = env.engine->executeBatch(
        {open("Earlier batch", "high"),
         Command::note(QStringLiteral("INC0000001"), QStringLiteral("first look"))});
    QVERIFY(first);
    for (const auto &slot : *first)
        QVERIFY2(slot, qPrintable(slot.errorMessage()));
    const QString a = (*first)[0]->number;
    env.clock.set(T0 + 30 * Min);
    // `a` is continued from its row and this batch; `b` is opened and resolved in it, between
    // commands of `a`.
    auto second = env.engine->executeBatch(
        {open("Same batch", "medium"), Command::note(a, QStringLiteral("pool exhausted")),
         Command::make(Command::Kind::Acknowledge, QStringLiteral("INC0000002"), {},
                       QStringLiteral("dana")),
         Command::note(QStringLiteral("INC0000002"), QStringLiteral("looking")),
         resolve(a, "Raised the pool size"), Command::note(a, QStringLiteral("after the draft")),
         resolve(QStringLiteral("INC0000002"), "Restarted the worker")});
    QVERIFY(second);
    for (const auto &slot : *second)
        QVERIFY2(slot, qPrintable(slot.errorMessage()));
    QCOMPARE((*second)[0]->number, QStringLiteral("INC0000002"));
    for (const QString &n : {a, QStringLiteral("INC0000002")}) {
        const auto inc = env.store.findIncident(n);
        QVERIFY(inc);
        const QList<domain::Event> timeline = env.store.timeline(inc->uid);
        qsizetype at = -1;
        for (qsizetype i = 0; i < timeline.size(); ++i)
            if (timeline[i].kind == domain::kinds::PostmortemDrafted)
                at = at < 0 ? i : at;
        QVERIFY2(at > 0, qPrintable(n));
        // The incident and its timeline as they stood when the draft was made.
        const QList<domain::Event> before = timeline.mid(0, at);
        domain::Incident then;
        for (const domain::Event &e : before)
            store::applyEvent(then, e);
        QCOMPARE(timeline[at].payload[u"markdown"].toString(),
                 postmortem::draftMarkdown(then, before));
    }
}

void TestPostmortem::draft_keyEvents_keepsLongestNotesInOrder()
{
    QList<domain::Event> tl;
    for (int i = 0; i < 30; ++i) {
        domain::Event e;
        e.kind = domain::kinds::NoteAdded;
        e.ts = T0 + i;
        e.payload[QStringLiteral("text")] = QString(i == 7 ? 200 : 10 + (i % 5), u'x');
        tl << e;
    }
    domain::Event t;
    t.kind = domain::kinds::Transitioned;
    t.ts = T0 + 100;
    tl << t;
    const auto k = postmortem::keyEvents(tl, 5);
    QCOMPARE(k.size(), 6);
    QCOMPARE(k.last().kind, domain::kinds::Transitioned);
    bool hasLong = false;
    for (int i = 1; i < k.size(); ++i)
        QVERIFY(k[i - 1].ts <= k[i].ts);
    for (const auto &e : k)
        hasLong = hasLong || e.payload[u"text"].toString().size() == 200;
    QVERIFY(hasLong);
}

void TestPostmortem::template_yamlAndMarkdown_userTemplateChangesSections()
{
    const auto def = postmortem::defaultTemplate();
    QCOMPARE(def.titles(), postmortem::defaultSections());
    QVERIFY(def.source.startsWith(QStringLiteral(":/sitrep/postmortem/")));

    QTemporaryDir dir;
    const QString md = dir.filePath(QStringLiteral("short.md"));
    QFile f(md);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("# Short review\n\n## Summary\n## Timeline\n## Customer communication\nWho was told "
            "what, and when.\n## Action Items\n");
    f.close();
    auto t = postmortem::loadTemplate(md);
    QVERIFY2(t.ok(), qPrintable(t.errorMessage()));
    QCOMPARE(t->name, QStringLiteral("Short review"));
    QCOMPARE(t->titles(), (QStringList{QStringLiteral("Summary"), QStringLiteral("Timeline"),
                                       QStringLiteral("Customer communication"),
                                       QStringLiteral("Action Items")}));
    QCOMPARE(t->sections[2].hint, QStringLiteral("Who was told what, and when."));

    Env env;
    const QString uid = env.knownIncident();
    QVERIFY(!uid.isEmpty());
    QVERIFY(env.store.setMeta(postmortem::TemplateMetaKey, md).ok());
    const auto eff = postmortem::effectiveTemplate(env.store.meta(postmortem::TemplateMetaKey));
    const QString draft =
        postmortem::draftMarkdown(*env.store.incidentByUid(uid), env.store.timeline(uid), eff);
    QVERIFY(draft.contains(
        QStringLiteral("## Customer communication\n\n*Who was told what, and when.*")));
    QVERIFY(!draft.contains(QStringLiteral("## Lessons learned")));
    QVERIFY(draft.contains(QStringLiteral("| Time | Actor | Event |")));
}

void TestPostmortem::template_broken_namesFileAndLine()
{
    auto t = postmortem::parseTemplate("name: x\nsections:\n  - title: A\n  - {hint: no title}\n",
                                       QStringLiteral("mine.yaml"));
    QVERIFY(!t.ok());
    QVERIFY2(t.errorMessage().startsWith(QStringLiteral("mine.yaml:4:")),
             qPrintable(t.errorMessage()));
    auto u = postmortem::parseTemplate("sections: [A, B\n", QStringLiteral("bad.yaml"));
    QVERIFY(!u.ok());
    QVERIFY2(u.errorMessage().startsWith(QStringLiteral("bad.yaml:")),
             qPrintable(u.errorMessage()));
    QString err;
    const auto fallback =
        postmortem::effectiveTemplate(QStringLiteral("/nonexistent/t.yaml"), &err);
    QCOMPARE(fallback.titles(), postmortem::defaultSections());
    QVERIFY(err.contains(QStringLiteral("/nonexistent/t.yaml")));
}

void TestPostmortem::resolve_opensDocumentWithOwnersAndReviewIn48h()
{
    Env env;
    postmortem::PostmortemStore pm(*env.engine);
    postmortem::PostmortemAutomation automation(*env.engine, pm);
    QTemporaryDir ics;
    automation.setInvitationFolder(ics.path());
    QSignalSpy created(&automation, &postmortem::PostmortemAutomation::documentCreated);
    const QString uid = env.knownIncident();
    QVERIFY2(!uid.isEmpty(), qPrintable(env.error));
    QCOMPARE(created.count(), 1);
    auto doc = pm.document(uid);
    QVERIFY(doc.has_value());
    QCOMPARE(doc->status, postmortem::StatusDraft);
    QCOMPARE(doc->owners, (QStringList{QStringLiteral("casey"), QStringLiteral("dana")}));
    QCOMPARE(doc->reviewAt, T0 + 75 * Min + 48LL * 3600 * 1000);
    QCOMPARE(doc->version, 1);
    QVERIFY(doc->body.contains(QStringLiteral("## Action Items")));
    // The opening is in the timeline, and the invitation was written.
    bool recorded = false;
    for (const auto &e : env.store.timeline(uid))
        recorded = recorded || (e.kind == postmortem::CreatedKind &&
                                e.payload[u"owners"].toArray().size() == 2);
    QVERIFY(recorded);
    const auto inc = *env.store.incidentByUid(uid);
    QFile f(QDir(ics.path()).filePath(inc.number + QStringLiteral("-review.ics")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("DTSTART:20260312T101500Z\r\n"));
    // Moving on to the postmortem state drafts nothing twice.
    QVERIFY(
        !env.run(Command::transition(uid, QStringLiteral("postmortem"), QStringLiteral("casey")),
                 T0 + 80 * Min)
             .isEmpty());
    QCOMPARE(created.count(), 1);
    QCOMPARE(pm.documents().size(), 1);
}

void TestPostmortem::versions_saveRestoreAndStatusEventsInTimeline()
{
    Env env;
    const QString uid = env.knownIncident();
    postmortem::PostmortemStore pm(*env.engine);
    auto doc = pm.ensureDocument(uid, QStringLiteral("casey"));
    QVERIFY2(doc.ok(), qPrintable(doc.errorMessage()));
    const QString original = doc->body;

    QVERIFY(pm.autosave(uid, original + QStringLiteral("\nautosaved line\n")).ok());
    QVERIFY(pm.document(uid)->body.endsWith(QStringLiteral("autosaved line\n")));
    QCOMPARE(pm.document(uid)->version, 1); // autosave makes no version

    auto v2 = pm.saveVersion(uid, QStringLiteral("# Rewritten\n"), QStringLiteral("casey"),
                             QStringLiteral("rewrite"));
    QVERIFY(v2.ok());
    QCOMPARE(*v2, 2);
    QCOMPARE(pm.versions(uid).size(), 2);
    QCOMPARE(pm.versions(uid).first().note, QStringLiteral("rewrite"));

    auto restored = pm.restore(uid, 1, QStringLiteral("dana"));
    QVERIFY2(restored.ok(), qPrintable(restored.errorMessage()));
    QCOMPARE(restored->body, original);
    QCOMPARE(restored->version, 3);
    QVERIFY(!pm.restore(uid, 42, QStringLiteral("dana")).ok());

    auto review = pm.setStatus(uid, QStringLiteral("in review"), QStringLiteral("casey"));
    QVERIFY2(review.ok(), qPrintable(review.errorMessage()));
    QCOMPARE(review->status, postmortem::StatusInReview);
    auto pub = pm.setStatus(uid, QStringLiteral("published"), QStringLiteral("casey"));
    QVERIFY(pub.ok());
    QCOMPARE(pm.document(uid)->status, postmortem::StatusPublished);
    QVERIFY(!pm.setStatus(uid, QStringLiteral("archived"), QStringLiteral("casey")).ok());

    QStringList kinds;
    for (const auto &e : env.store.timeline(uid))
        if (e.kind.startsWith(QStringLiteral("postmortem.")))
            kinds << e.kind;
    QCOMPARE(kinds, (QStringList{QStringLiteral("postmortem.drafted"),
                                 QStringLiteral("postmortem.created"),
                                 QStringLiteral("postmortem.restored"),
                                 QStringLiteral("postmortem.status_changed"),
                                 QStringLiteral("postmortem.published")}));
    // The event log is still whole, and the projection still rebuilds to the same rows.
    const auto report = env.store.verify();
    QVERIFY2(report.ok, qPrintable(report.faults.join(u'\n')));
}

void TestPostmortem::status_publishFromDraft_isRejected()
{
    Env env;
    const QString uid = env.knownIncident();
    postmortem::PostmortemStore pm(*env.engine);
    QVERIFY(pm.ensureDocument(uid, QStringLiteral("casey")).ok());
    auto r = pm.setStatus(uid, QStringLiteral("published"), QStringLiteral("casey"));
    QVERIFY(!r.ok());
    QVERIFY(r.errorMessage().contains(QStringLiteral("review")));
    QCOMPARE(pm.document(uid)->status, postmortem::StatusDraft);
}

void TestPostmortem::actionItems_parsedFromTableAndTaskList()
{
    const QString md =
        QStringLiteral("# X\n\n## Timeline\n\n| Time | Actor | Event |\n|---|---|---|\n| 10:00 | a "
                       "| not an action |\n\n"
                       "## Action Items\n\n| Action | Owner | Due | Status |\n|---|---|---|---|\n"
                       "| Add pool saturation alert | casey | 2026-03-20 | open |\n"
                       "| [Preventive measure] | [owner] | [date] | open |\n"
                       "| Load test the pool | dana | [YYYY-MM-DD] | in progress |\n\n"
                       "- [ ] Document the failover - Owner: erin - Due: 2026-04-01\n"
                       "- [x] Raise pool size in config — Owner: dana\n\n"
                       "## What went well\n\n- [ ] not an action either\n");
    const auto items = postmortem::parseActionItems(md);
    QCOMPARE(items.size(), 4);
    QCOMPARE(items[0].title, QStringLiteral("Add pool saturation alert"));
    QCOMPARE(items[0].owner, QStringLiteral("casey"));
    QCOMPARE(items[0].due, QStringLiteral("2026-03-20"));
    QCOMPARE(items[1].due, QString());
    QCOMPARE(items[1].status, QStringLiteral("in_progress"));
    QCOMPARE(items[2].title, QStringLiteral("Document the failover"));
    QCOMPARE(items[2].owner, QStringLiteral("erin"));
    QCOMPARE(items[2].due, QStringLiteral("2026-04-01"));
    QCOMPARE(items[3].title, QStringLiteral("Raise pool size in config"));
    QCOMPARE(items[3].status, QStringLiteral("done"));
}

void TestPostmortem::actionItems_syncTracksAndProjectionOrdersOverdueFirst()
{
    Env env;
    const QString a = env.knownIncident();
    QVERIFY(!a.isEmpty());
    const QString b = env.open(QStringLiteral("Kafka consumer lag"), QStringLiteral("medium"),
                               {QStringLiteral("kafka")}, T0 + 2 * Min);
    QVERIFY(!b.isEmpty());
    // An item straight from the engine (the workspace's action items tab does this).
    QVERIFY(actionItem(env, b,
                       {{QStringLiteral("title"), QStringLiteral("Scale consumers")},
                        {QStringLiteral("owner"), QStringLiteral("erin")},
                        {QStringLiteral("due"), QStringLiteral("2026-03-12")}},
                       T0 + 5 * Min));

    postmortem::PostmortemStore pm(*env.engine);
    auto doc = pm.ensureDocument(a, QStringLiteral("casey"));
    QVERIFY(doc.ok());
    QString body = doc->body;
    body.replace(QRegularExpression(QStringLiteral("\\| \\[Preventive measure\\][^\\n]*\\n")),
                 QStringLiteral("| Add pool saturation alert | casey | 2026-03-11 | open |\n| Load "
                                "test the pool | dana | 2026-04-30 | open |\n"));
    QVERIFY(pm.saveVersion(a, body, QStringLiteral("casey")).ok());
    auto n = pm.syncActionItems(a, QStringLiteral("casey"));
    QVERIFY2(n.ok(), qPrintable(n.errorMessage()));
    QCOMPARE(*n, 2);
    QCOMPARE(*pm.syncActionItems(a, QStringLiteral("casey")), 0); // idempotent

    // Changing the owner in the text updates the tracked item, not a new one.
    body.replace(QStringLiteral("| Load test the pool | dana |"),
                 QStringLiteral("| Load test the pool | erin |"));
    QVERIFY(pm.saveVersion(a, body, QStringLiteral("casey")).ok());
    QCOMPARE(*pm.syncActionItems(a, QStringLiteral("casey")), 1);

    const auto items = pm.actionItems(QStringLiteral("2026-03-13"));
    // Overdue first (oldest due first), then the rest.
    QCOMPARE(titlesOf(items), (QStringList{QStringLiteral("Add pool saturation alert"),
                                           QStringLiteral("Scale consumers"),
                                           QStringLiteral("Load test the pool")}));
    QCOMPARE(items[0].due, QStringLiteral("2026-03-11"));
    QCOMPARE(items[2].owner, QStringLiteral("erin"));
    QVERIFY(!items[0].number.isEmpty());

    // Done items sink to the bottom, and drop out of the open-only list.
    QVERIFY(updateActionItem(env, a, items[0].id, "done", true, T0 + 90 * Min));
    const auto after = pm.actionItems(QStringLiteral("2026-03-13"));
    QCOMPARE(after.last().title, QStringLiteral("Add pool saturation alert"));
    QCOMPARE(after.last().status, QStringLiteral("done"));
    QCOMPARE(pm.actionItems(QStringLiteral("2026-03-13"), true).size(), 2);
}

void TestPostmortem::actionItems_projectionRebuildsFromLog()
{
    Env env;
    const QString a = env.knownIncident();
    for (int i = 0; i < 5; ++i)
        QVERIFY(actionItem(env, a,
                           {{QStringLiteral("title"), QStringLiteral("Item %1").arg(i)},
                            {QStringLiteral("owner"), QStringLiteral("o%1").arg(i)},
                            {QStringLiteral("due"), QStringLiteral("2026-03-%1").arg(20 - i)}},
                           T0 + (80 + i) * Min));
    postmortem::PostmortemStore pm(*env.engine);
    const auto before = pm.actionItems(QStringLiteral("2026-03-01"));
    QCOMPARE(before.size(), 5);
    QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM action_items")).ok());
    QVERIFY(env.engine->rebuildProjections().ok());
    const auto after = pm.actionItems(QStringLiteral("2026-03-01"));
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].id, before[i].id);
        QCOMPARE(after[i].due, before[i].due);
        QCOMPARE(after[i].owner, before[i].owner);
    }
    QCOMPARE(after.first().due, QStringLiteral("2026-03-16"));
}

void TestPostmortem::actionItems_updateOfOneField_keepsTheOthers()
{
    Env env;
    const QString a = env.knownIncident();
    QVERIFY(actionItem(env, a,
                       {{QStringLiteral("id"), QStringLiteral("ai-1")},
                        {QStringLiteral("title"), QStringLiteral("Add an alert")},
                        {QStringLiteral("owner"), QStringLiteral("dana")},
                        {QStringLiteral("due"), QStringLiteral("2026-03-20")}},
                       T0 + 80 * Min));
    // An update that names only the owner, then one that names only the due date.
    QVERIFY(updateActionItem(env, a, QStringLiteral("ai-1"), "owner", QStringLiteral("erin"),
                             T0 + 81 * Min));
    QVERIFY(updateActionItem(env, a, QStringLiteral("ai-1"), "due", QStringLiteral("2026-03-25"),
                             T0 + 82 * Min));
    postmortem::PostmortemStore pm(*env.engine);
    const auto check = [&] {
        const auto items = pm.actionItems(QStringLiteral("2026-03-01"));
        QCOMPARE(titlesOf(items), QStringList{QStringLiteral("Add an alert")});
        QCOMPARE(items[0].owner, QStringLiteral("erin"));
        QCOMPARE(items[0].due, QStringLiteral("2026-03-25"));
        QCOMPARE(items[0].status, QStringLiteral("open"));
    };
    check();
    if (QTest::currentTestFailed())
        return;
    // The rebuilt projection gives the same row.
    QVERIFY(env.store.db().exec(QStringLiteral("DELETE FROM action_items")).ok());
    QVERIFY(env.engine->rebuildProjections().ok());
    check();
}

void TestPostmortem::ics_isRfc5545()
{
    Env env;
    const QString uid = env.knownIncident();
    env.run(Command::make(Command::Kind::AddResponder, uid,
                          {{QStringLiteral("responder"), QStringLiteral("Émile Zoë, SRE")}}),
            T0 + 76 * Min);
    postmortem::PostmortemStore pm(*env.engine);
    auto doc = pm.ensureDocument(uid, QStringLiteral("casey"));
    QVERIFY(doc.ok());
    const auto inc = *env.store.incidentByUid(uid);
    const QByteArray ics = postmortem::toIcs(
        postmortem::reviewInvitation(*doc, inc, T0 + 80 * Min, QStringLiteral("example.com")));

    QVERIFY(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    QVERIFY(ics.endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    // Every line ends in CRLF, no bare LF, at most 75 octets, valid UTF-8.
    const QList<QByteArray> lines = ics.split('\n');
    for (int i = 0; i + 1 < lines.size(); ++i) {
        QVERIFY2(lines[i].endsWith('\r'), lines[i].constData());
        QVERIFY2(lines[i].size() - 1 <= 75, lines[i].constData());
    }
    QCOMPARE(QString::fromUtf8(ics).toUtf8(), ics);
    // Unfold and check the properties.
    QString text = QString::fromUtf8(ics);
    text.replace(QStringLiteral("\r\n "), QString());
    const QStringList props = text.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    auto prop = [&](const QString &name) {
        for (const QString &p : props)
            if (p.startsWith(name + u':') || p.startsWith(name + u';'))
                return p;
        return QString();
    };
    for (const char *req : {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER", "METHOD"})
        QVERIFY2(!prop(QString::fromLatin1(req)).isEmpty(), req);
    QCOMPARE(prop(QStringLiteral("DTSTART")), QStringLiteral("DTSTART:20260312T101500Z"));
    QCOMPARE(prop(QStringLiteral("DTEND")), QStringLiteral("DTEND:20260312T111500Z"));
    QCOMPARE(prop(QStringLiteral("DTSTAMP")), QStringLiteral("DTSTAMP:20260310T102000Z"));
    QCOMPARE(props.count(QStringLiteral("BEGIN:VEVENT")), 1);
    int attendees = 0;
    for (const QString &p : props)
        attendees += p.startsWith(QStringLiteral("ATTENDEE;")) ? 1 : 0;
    QCOMPARE(attendees, 3);
    QVERIFY(text.contains(QStringLiteral("ATTENDEE;CN=\"Émile Zoë, "
                                         "SRE\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP="
                                         "TRUE:mailto:emile.zoe.sre@example.com")));
    QVERIFY(
        prop(QStringLiteral("ORGANIZER")).endsWith(QStringLiteral(":mailto:casey@example.com")));
    QVERIFY(prop(QStringLiteral("SUMMARY"))
                .contains(QStringLiteral("Postmortem review: %1").arg(inc.number)));
    // TEXT escaping: commas, semicolons and newlines.
    QCOMPARE(postmortem::escapeText(QStringLiteral("a, b; c\nd\\")),
             QStringLiteral("a\\, b\\; c\\nd\\\\"));
}

QTEST_GUILESS_MAIN(TestPostmortem)
#include "tst_postmortem.moc"
