// SPDX-License-Identifier: MIT
// QAbstractItemModelTester on every item model of models/ and ui/, each fed real data (the
// demo generator's incidents, run through the engine into a database on disk) and driven
// through what the application does to it while the tester watches: loads, resets,
// inserts, removals, sorts, filters and the proxies the views put on top.
//
//   models/itemmodels: IncidentTableModel, TimelineModel, EvidenceModel, StatusUpdateModel
//   models/postmortem: ActionItemModel (and the QSortFilterProxyModel of ActionItemsView)
//   models/problems:   ProblemListModel (and the QSortFilterProxyModel of ProblemsView)
//   ui:                IncidentListDecorator (QIdentityProxyModel over the incident list)
#include "fixtures/appcontext.h"
#include "host/appcontext.h"
#include "itemmodels/incidentcolumns.h"
#include "itemmodels/incidentdetails.h"
#include "itemmodels/incidenttablemodel.h"
#include "itemmodels/timelinemodel.h"
#include "itemmodels/workspacemodels.h"
#include "postmortem/actionitemmodel.h"
#include "postmortem/postmortemstore.h"
#include "problems/problemlistmodel.h"
#include "problems/problemstore.h"
#include "store/store.h"
#include "ui/style/severitystyle.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QIcon>
#include <QJsonObject>
#include <QPersistentModelIndex>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace sitrep;
using namespace sitrep::itemmodels;
using namespace sitrep::query;

namespace {

constexpr qint64 DemoNow = 1790000000000LL; // 2026-09-21
constexpr int Wait = 20000;
using Tester = QAbstractItemModelTester;
constexpr auto QtTestMode = QAbstractItemModelTester::FailureReportingMode::QtTest;

bool waitReady(IncidentTableModel &m)
{
    return testing::waitForQuery(m, Wait);
}

bool refreshAndWait(IncidentTableModel &m)
{
    QSignalSpy spy(&m, &IncidentTableModel::refreshed);
    m.refresh();
    return spy.wait(Wait);
}

/// Loads every page of the current query into the cache (the tester sees each dataChanged).
bool loadAllPages(IncidentTableModel &m)
{
    for (int row = 0; row < m.rowCount(); row += IncidentTableModel::PageSize) {
        if (m.rowAt(row))
            continue;
        QSignalSpy loaded(&m, &IncidentTableModel::pageLoaded);
        m.fetchRow(row);
        if (!m.rowAt(row) && !loaded.wait(Wait))
            return false;
    }
    return true;
}

/// Reads every cell in every role the views ask for (the tester only samples a few).
void touchAll(const QAbstractItemModel &m)
{
    static const QList<int> roles{Qt::DisplayRole,       Qt::ToolTipRole,        Qt::DecorationRole,
                                  Qt::ForegroundRole,    Qt::BackgroundRole,     Qt::FontRole,
                                  Qt::TextAlignmentRole, Qt::AccessibleTextRole, Qt::UserRole,
                                  Qt::UserRole + 1,      Qt::UserRole + 2,       Qt::UserRole + 3};
    for (int r = 0; r < m.rowCount(); ++r)
        for (int c = 0; c < m.columnCount(); ++c)
            for (int role : roles)
                (void)m.index(r, c).data(role);
    for (int c = 0; c < m.columnCount(); ++c)
        (void)m.headerData(c, Qt::Horizontal, Qt::DisplayRole);
}

/// Shows in `model` the `list` of the first, then of the last of `incidents`, every cell of
/// each read; `lastRows` the row count of the last one (left as it was when a step failed).
template <typename Model, typename List>
void showFirstThenLast(Model &model, store::Store &store, const QStringList &incidents,
                       List IncidentDetails::*list, qsizetype *lastRows)
{
    for (const QString &n : {incidents.first(), incidents.last()}) {
        const auto details = loadIncidentDetails(store, n);
        QVERIFY(details);
        model.setItems((*details).*list);
        QCOMPARE(model.rowCount(), ((*details).*list).size());
        touchAll(model);
    }
    *lastRows = model.rowCount();
}

/// A sort and filter proxy over a model sorting by `sortRole`, as the views set it up, with
/// a model tester on the model and on the proxy.
struct TestedProxy {
    TestedProxy(QAbstractItemModel &model, int sortRole)
    {
        proxy.setSourceModel(&model);
        proxy.setSortRole(sortRole);
        sourceTester = std::make_unique<Tester>(&model, QtTestMode);
        proxyTester = std::make_unique<Tester>(&proxy, QtTestMode);
    }
    QSortFilterProxyModel proxy;
    std::unique_ptr<Tester> sourceTester, proxyTester;
};

QStringList column(const QAbstractItemModel &m, int col, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, col).data(role).toString();
    return out;
}

} // namespace

class TestItemModelsTester : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<host::AppContext> m_ctx;
    QStringList m_withEvidence;      // incident numbers with evidence
    QStringList m_withStatusUpdates; // incident numbers with status updates

    engine::LifecycleEngine &engine() { return m_ctx->engine(); }
    store::Store &store() { return m_ctx->store(); }
    QString open(const QString &title, const QString &severity)
    {
        auto r = engine().execute(engine::Command::open(
            {{QStringLiteral("title"), title}, {QStringLiteral("severity"), severity}},
            QStringLiteral("tester")));
        return r ? r->number : QString();
    }

private Q_SLOTS:
    void initTestCase();
    void init();

    void incidentTable_loadSortFilterRefresh();
    void incidentTable_refreshInsertsAndRemovesRowsUnderPersistentIndexes();
    void incidentTable_rapidChangesSettleOnTheLastQuery();
    void incidentTable_decoratorProxy();
    void timeline_appendsFiltersAndResets();
    void evidence_switchIncidentsAppendEditRemove();
    void statusUpdates_switchIncidentsAppendRemove();
    void actionItems_reloadOpenOnlyAndProxySortFilter();
    void problems_refreshOpenOnlyAndProxySortFilter();
};

void TestItemModelsTester::initTestCase()
{
    // Three pages of the lazy list, the last one short.
    QVERIFY(testing::openWindowTestContext(m_ctx, m_dir, QStringLiteral("models.db"),
                                           testing::demoData(450, DemoNow), &m_db));
    QCOMPARE(store().incidentCount(), 450);
    // The demo attaches no evidence: links and a file on two incidents, as responders would.
    const QString file = m_dir.filePath(QStringLiteral("p99.csv"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("minute,p99_ms\n0,180\n1,2400\n");
    }
    for (const QString &n : {QStringLiteral("INC0000003"), QStringLiteral("INC0000007")}) {
        const QList<QJsonObject> evidence{
            {{QStringLiteral("kind"), QStringLiteral("dashboard")},
             {QStringLiteral("url"), QStringLiteral("https://grafana.example/d/checkout")},
             {QStringLiteral("title"), QStringLiteral("Checkout latency")}},
            {{QStringLiteral("kind"), QStringLiteral("log")},
             {QStringLiteral("url"), QStringLiteral("https://logs.example/q?id=%1").arg(n)}},
            {{QStringLiteral("kind"), QStringLiteral("file")}, {QStringLiteral("path"), file}}};
        for (const QJsonObject &args : evidence) {
            auto r = engine().execute(engine::Command::make(engine::Command::Kind::AttachEvidence,
                                                            n, args, QStringLiteral("tester")));
            QVERIFY2(r, qPrintable(r.errorMessage()));
        }
        m_withEvidence << n;
    }
    for (int i = 1; i <= 450 && m_withStatusUpdates.size() < 3; ++i) {
        const QString n = QStringLiteral("INC%1").arg(i, 7, 10, QLatin1Char('0'));
        const auto d = loadIncidentDetails(store(), n);
        QVERIFY(d);
        if (!d->statusUpdates.isEmpty())
            m_withStatusUpdates << n;
    }
    QVERIFY(m_withEvidence.size() >= 2);
    QVERIFY(m_withStatusUpdates.size() >= 2);
}

void TestItemModelsTester::init()
{
    // A model that misbehaves often only says so on the console (proxies, views): any
    // warning fails the test.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".+")));
}

void TestItemModelsTester::incidentTable_loadSortFilterRefresh()
{
    IncidentTableModel model(m_db);
    Tester tester(&model, QtTestMode);
    QVERIFY(waitReady(model));
    QCOMPARE(model.rowCount(), 450);
    QCOMPARE(model.columnCount(), int(IncidentColumn::Count));
    QVERIFY(loadAllPages(model));
    touchAll(model);

    // Every sortable column, both ways: the same rows in another order (layout changes).
    QPersistentModelIndex held = model.index(5, IncidentColumn::Id);
    const QString heldNumber = held.data().toString();
    for (int col = 0; col < IncidentColumn::Count; ++col) {
        if (!incidentColumnSortable(col))
            continue;
        for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            model.sort(col, order);
            QVERIFY(waitReady(model));
            QCOMPARE(model.rowCount(), 450);
            QVERIFY(held.isValid());
            // The selection follows its incident (its page may still have to load).
            QVERIFY(loadAllPages(model));
            QCOMPARE(held.data().toString(), heldNumber);
        }
    }
    model.sort(IncidentColumn::Services); // not sortable: nothing happens
    QVERIFY(!model.isLoading());
    QVERIFY(loadAllPages(model));
    touchAll(model);

    // Filters reset the list.
    IncidentFilter f;
    f.severity = 1;
    model.setFilter(f);
    QVERIFY(waitReady(model));
    const int critical = model.rowCount();
    QVERIFY(critical > 0 && critical < 450);
    for (const QString &s : column(model, IncidentColumn::Id, IncidentRole::SeverityRole))
        QCOMPARE(s, QStringLiteral("1"));
    f = {};
    f.open = true;
    model.setFilter(f);
    QVERIFY(waitReady(model));
    f = {};
    f.search = QStringLiteral("checkout");
    model.setFilter(f);
    QVERIFY(waitReady(model));
    QVERIFY(model.rowCount() > 0);
    touchAll(model);
    f = {};
    f.search = QStringLiteral("zzzznothingmatches");
    model.setFilter(f);
    QVERIFY(waitReady(model));
    QCOMPARE(model.rowCount(), 0);
    model.setFilter({});
    QVERIFY(waitReady(model));
    QCOMPARE(model.rowCount(), 450);

    // Live columns repaint; a refresh with nothing new keeps every row.
    QVERIFY(loadAllPages(model));
    model.setNow(DemoNow + 3600 * 1000);
    QVERIFY(refreshAndWait(model));
    QCOMPARE(model.rowCount(), 450);
    touchAll(model);
}

void TestItemModelsTester::incidentTable_refreshInsertsAndRemovesRowsUnderPersistentIndexes()
{
    IncidentTableModel model(m_db);
    Tester tester(&model, QtTestMode);
    IncidentFilter f;
    f.severity = 2; // high
    model.setFilter(f);
    QVERIFY(waitReady(model));
    const int before = model.rowCount();
    QVERIFY(before > 2);
    QVERIFY(loadAllPages(model));
    // A selection in the middle and at the end: the refreshes below move or drop them.
    QPersistentModelIndex middle = model.index(before / 2, IncidentColumn::Title);
    QPersistentModelIndex last = model.index(before - 1, IncidentColumn::Id);
    const QString middleUid = middle.data(IncidentRole::UidRole).toString();

    // Three new high incidents: rows inserted (newest first, so everything moves down).
    QStringList added;
    for (int i = 0; i < 3; ++i)
        added << open(QStringLiteral("Refresh insert %1").arg(i), QStringLiteral("high"));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QVERIFY(refreshAndWait(model));
    QCOMPARE(model.rowCount(), before + 3);
    QCOMPARE(inserted.count(), 1);
    QVERIFY(middle.isValid());
    QCOMPARE(middle.data(IncidentRole::UidRole).toString(), middleUid);
    touchAll(model);

    // Two incidents leave the filter (one of the new ones, and the selected middle one):
    // rows removed at the end, the selection of the one that left dropped.
    QVERIFY(engine().execute(
        engine::Command::make(engine::Command::Kind::SetField, added[1],
                              {{QStringLiteral("field"), QStringLiteral("severity")},
                               {QStringLiteral("value"), QStringLiteral("low")}})));
    QVERIFY(engine().execute(
        engine::Command::make(engine::Command::Kind::SetField, middleUid,
                              {{QStringLiteral("field"), QStringLiteral("severity")},
                               {QStringLiteral("value"), QStringLiteral("medium")}})));
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QVERIFY(refreshAndWait(model));
    QCOMPARE(model.rowCount(), before + 1);
    QCOMPARE(removed.count(), 1);
    QVERIFY(!middle.isValid());
    QVERIFY(!last.isValid() || last.row() < model.rowCount());
    QVERIFY(!column(model, IncidentColumn::Id).contains(added[1]));
    touchAll(model);

    // Back to where it was, through a sort: no row may point at the wrong incident.
    model.sort(IncidentColumn::Title, Qt::AscendingOrder);
    QVERIFY(waitReady(model));
    QVERIFY(loadAllPages(model));
    QCOMPARE(model.rowCount(), before + 1);
    touchAll(model);
}

void TestItemModelsTester::incidentTable_rapidChangesSettleOnTheLastQuery()
{
    IncidentTableModel model(m_db);
    Tester tester(&model, QtTestMode);
    QSignalSpy refreshed(&model, &IncidentTableModel::refreshed);
    // No waiting between changes: answers to superseded queries must be dropped, and a
    // refresh asked for while a query runs follows it.
    IncidentFilter medium;
    medium.severity = 3;
    IncidentFilter openOnly;
    openOnly.open = true;
    model.setFilter(medium);
    model.sort(IncidentColumn::Priority, Qt::DescendingOrder);
    model.refresh();
    model.setFilter(openOnly);
    model.sort(IncidentColumn::Title, Qt::AscendingOrder);
    model.refresh();
    model.setFilter(medium);
    QVERIFY(waitReady(model));
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, Wait);
    store::ListQuery q;
    q.severity = 3;
    const int expected = int(store().count(q));
    QCOMPARE(model.rowCount(), expected);
    QVERIFY(loadAllPages(model));
    for (const QString &sev : column(model, IncidentColumn::Id, IncidentRole::SeverityRole))
        QCOMPARE(sev, QStringLiteral("3"));
    touchAll(model);

    // New rows while refreshes are already running: the last one shows them all.
    for (int i = 0; i < 4; ++i) {
        open(QStringLiteral("Burst %1").arg(i), QStringLiteral("medium"));
        model.refresh();
    }
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), expected + 4, Wait);
    QVERIFY(refreshAndWait(model));
    QCOMPARE(model.rowCount(), expected + 4);
    QVERIFY(loadAllPages(model));
    QStringList titles = column(model, IncidentColumn::Title);
    for (int i = 0; i < 4; ++i)
        QVERIFY(titles.contains(QStringLiteral("Burst %1").arg(i)));
    touchAll(model);
}

void TestItemModelsTester::incidentTable_decoratorProxy()
{
    IncidentTableModel model(m_db);
    ui::IncidentListDecorator decorator;
    Tester sourceTester(&model, QtTestMode);
    decorator.setSourceModel(&model);
    Tester proxyTester(&decorator, QtTestMode);
    QVERIFY(waitReady(model));
    QCOMPARE(decorator.rowCount(), model.rowCount());
    QVERIFY(loadAllPages(model));
    touchAll(decorator);
    // Severity shapes and SLA colours come from the proxy, the data from the source.
    bool sawIcon = false;
    for (int r = 0; r < decorator.rowCount() && !sawIcon; ++r)
        sawIcon = !decorator.index(r, IncidentColumn::Severity)
                       .data(Qt::DecorationRole)
                       .value<QIcon>()
                       .isNull();
    QVERIFY(sawIcon);
    QCOMPARE(decorator.index(0, IncidentColumn::Id).data().toString(),
             model.index(0, IncidentColumn::Id).data().toString());

    model.sort(IncidentColumn::Severity, Qt::AscendingOrder);
    QVERIFY(waitReady(model));
    IncidentFilter f;
    f.open = true;
    model.setFilter(f);
    QVERIFY(waitReady(model));
    QCOMPARE(decorator.rowCount(), model.rowCount());
    QVERIFY(loadAllPages(model));
    model.setNow(DemoNow + 24 * 3600 * 1000);
    touchAll(decorator);
    open(QStringLiteral("Decorated newcomer"), QStringLiteral("critical"));
    QVERIFY(refreshAndWait(model));
    QCOMPARE(decorator.rowCount(), model.rowCount());
    touchAll(decorator);
}

void TestItemModelsTester::timeline_appendsFiltersAndResets()
{
    TimelineModel model;
    Tester tester(&model, QtTestMode);
    QCOMPARE(model.rowCount(), 0);
    touchAll(model);

    const auto a = loadIncidentDetails(store(), m_withStatusUpdates.first());
    QVERIFY(a);
    const QList<domain::Event> events = a->timeline;
    QVERIFY(events.size() >= 4);
    // The incident's log as it grows: each step an append.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    for (int n = 1; n <= events.size(); ++n)
        model.setEvents(events.mid(0, n));
    QCOMPARE(inserted.count(), events.size());
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), events.size());
    model.setEvents(events); // the same events: nothing to tell
    QCOMPARE(inserted.count(), events.size());
    touchAll(model);

    // Filtered by kind, then new events arrive: the filtered view is rebuilt.
    model.setKindFilter({domain::kinds::NoteAdded, domain::kinds::StatusUpdate});
    const int filtered = model.rowCount();
    QVERIFY(filtered < events.size());
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString k = model.index(r, 0).data(TimelineModel::KindRole).toString();
        QVERIFY2(k == domain::kinds::NoteAdded || k == domain::kinds::StatusUpdate, qPrintable(k));
    }
    touchAll(model);
    model.setEvents(events.mid(0, events.size() - 1));
    model.setEvents(events);
    QCOMPARE(model.rowCount(), filtered);
    model.setKindFilter({});
    QCOMPARE(model.rowCount(), events.size());

    // Another incident: not a prefix, a reset; then nothing.
    const auto b = loadIncidentDetails(store(), m_withStatusUpdates.last());
    QVERIFY(b);
    model.setEvents(b->timeline);
    QCOMPARE(model.rowCount(), b->timeline.size());
    touchAll(model);
    model.setEvents({});
    QCOMPARE(model.rowCount(), 0);

    // Live: events the engine appends to an open incident.
    const QString n = open(QStringLiteral("Timeline live"), QStringLiteral("medium"));
    model.setEvents(store().timeline(store().findIncident(n)->uid));
    const int start = model.rowCount();
    for (int i = 0; i < 3; ++i) {
        QVERIFY(engine().execute(
            engine::Command::note(n, QStringLiteral("note %1").arg(i), QStringLiteral("tester"))));
        model.setEvents(store().timeline(store().findIncident(n)->uid));
    }
    QCOMPARE(model.rowCount(), start + 3);
    touchAll(model);
}

void TestItemModelsTester::evidence_switchIncidentsAppendEditRemove()
{
    EvidenceModel model;
    Tester tester(&model, QtTestMode);
    qsizetype before = -1; // the rows of the last incident, shown after another one
    showFirstThenLast(model, store(), m_withEvidence, &IncidentDetails::evidence, &before);
    QVERIFY(before >= 0);

    // Evidence attached through the engine arrives as appended rows.
    const QString n = m_withEvidence.last();
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 2; ++i) {
        QVERIFY(engine().execute(engine::Command::make(
            engine::Command::Kind::AttachEvidence, n,
            {{QStringLiteral("kind"), QStringLiteral("dashboard")},
             {QStringLiteral("url"), QStringLiteral("https://grafana.example/d/%1").arg(i)},
             {QStringLiteral("title"), QStringLiteral("Dashboard %1").arg(i)}},
            QStringLiteral("tester"))));
        model.setItems(loadIncidentDetails(store(), n)->evidence);
    }
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(model.rowCount(), before + 2);
    QCOMPARE(model.index(model.rowCount() - 1, EvidenceModel::Title).data().toString(),
             QStringLiteral("Dashboard 1"));

    // Edited, removed, reordered, emptied.
    QList<EvidenceItem> items = model.items();
    items[0].title = QStringLiteral("Renamed");
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setItems(items);
    QCOMPARE(changed.count(), 1);
    items.removeAt(1);
    model.setItems(items);
    QCOMPARE(model.rowCount(), items.size());
    std::reverse(items.begin(), items.end());
    model.setItems(items);
    touchAll(model);
    model.setItems({});
    QCOMPARE(model.rowCount(), 0);
}

void TestItemModelsTester::statusUpdates_switchIncidentsAppendRemove()
{
    StatusUpdateModel model;
    Tester tester(&model, QtTestMode);
    qsizetype before = -1; // the rows of the last incident, shown after another one
    showFirstThenLast(model, store(), m_withStatusUpdates, &IncidentDetails::statusUpdates,
                      &before);
    QVERIFY(before >= 0);

    const QString n = m_withStatusUpdates.last();
    for (const char *vis : {"internal", "external"}) {
        QVERIFY(engine().execute(engine::Command::make(
            engine::Command::Kind::StatusUpdate, n,
            {{QStringLiteral("message"), QStringLiteral("Update for %1").arg(QLatin1String(vis))},
             {QStringLiteral("visibility"), QLatin1String(vis)}},
            QStringLiteral("tester"))));
        model.setItems(loadIncidentDetails(store(), n)->statusUpdates);
    }
    QCOMPARE(model.rowCount(), before + 2);
    QCOMPARE(
        model.index(model.rowCount() - 1, 0).data(StatusUpdateModel::VisibilityRole).toString(),
        QStringLiteral("external"));
    touchAll(model);
    QList<StatusUpdateItem> items = model.items();
    items.removeFirst();
    items.removeLast();
    model.setItems(items);
    QCOMPARE(model.rowCount(), items.size());
    model.setItems({});
    QCOMPARE(model.rowCount(), 0);
}

void TestItemModelsTester::actionItems_reloadOpenOnlyAndProxySortFilter()
{
    postmortem::PostmortemStore pm(engine());
    // Action items on a few demo incidents: overdue, due later, undated, done.
    const QString today = QStringLiteral("2026-09-21");
    const QStringList owners{QStringLiteral("alice.nguyen"), QStringLiteral("bob.okafor"),
                             QStringLiteral("carla.diaz")};
    for (int i = 0; i < 9; ++i) {
        const QString n = QStringLiteral("INC%1").arg(10 + i, 7, 10, QLatin1Char('0'));
        QJsonObject args{{QStringLiteral("title"), QStringLiteral("Follow-up %1").arg(i)},
                         {QStringLiteral("owner"), owners[i % 3]}};
        if (i % 3 != 2)
            args[QStringLiteral("due")] = i % 3 == 0 ? QStringLiteral("2026-09-%1").arg(10 + i)
                                                     : QStringLiteral("2026-10-%1").arg(10 + i);
        if (i % 4 == 3)
            args[QStringLiteral("done")] = true;
        QVERIFY(engine().execute(engine::Command::make(engine::Command::Kind::ActionItem, n, args,
                                                       QStringLiteral("tester"))));
    }

    postmortem::ActionItemModel model(pm);
    TestedProxy tested(model, postmortem::ActionItemModel::RawRole); // as ActionItemsView has it
    QSortFilterProxyModel &proxy = tested.proxy;

    model.reload(today);
    const int all = model.rowCount();
    QVERIFY(all >= 9);
    QVERIFY(model.overdueCount() > 0);
    touchAll(model);
    touchAll(proxy);
    model.setOpenOnly(true);
    model.reload(today);
    QVERIFY(model.rowCount() < all);
    QCOMPARE(proxy.rowCount(), model.rowCount());

    for (int col = 0; col < postmortem::ActionItemModel::ColumnCount; ++col)
        for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(col, order);
            touchAll(proxy);
        }
    proxy.sort(postmortem::ActionItemModel::Title, Qt::AscendingOrder);
    proxy.setFilterKeyColumn(postmortem::ActionItemModel::Title);
    proxy.setFilterFixedString(QStringLiteral("Follow-up"));
    QVERIFY(proxy.rowCount() > 0);
    QStringList titles = column(proxy, postmortem::ActionItemModel::Title);
    QStringList sorted = titles;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(titles, sorted);

    // A new item and a day later, while the proxy sorts and filters.
    QVERIFY(engine().execute(
        engine::Command::make(engine::Command::Kind::ActionItem, QStringLiteral("INC0000020"),
                              {{QStringLiteral("title"), QStringLiteral("Follow-up late addition")},
                               {QStringLiteral("due"), QStringLiteral("2026-09-22")}},
                              QStringLiteral("tester"))));
    const int shown = proxy.rowCount();
    model.reload(QStringLiteral("2026-09-23"));
    QCOMPARE(proxy.rowCount(), shown + 1);
    touchAll(proxy);
    proxy.setFilterFixedString(QString());
    model.setOpenOnly(false);
    model.reload(today);
    QCOMPARE(proxy.rowCount(), all + 1);
    touchAll(proxy);
}

void TestItemModelsTester::problems_refreshOpenOnlyAndProxySortFilter()
{
    problems::ProblemStore ps(engine());
    problems::ProblemListModel model(ps);
    TestedProxy tested(model, problems::ProblemListModel::SortRole); // as ProblemsView has it
    QSortFilterProxyModel &proxy = tested.proxy;
    QCOMPARE(model.rowCount(), 0);

    const QStringList titles{QStringLiteral("Replica lag during bulk loads"),
                             QStringLiteral("Checkout timeouts at peak"),
                             QStringLiteral("DNS flaps after deploys"),
                             QStringLiteral("Certificate renewals missed")};
    QStringList numbers;
    for (int i = 0; i < titles.size(); ++i) {
        auto p = ps.createProblem(titles[i], QStringLiteral("seen in the demo data"),
                                  QStringLiteral("owner%1").arg(i), QStringLiteral("tester"));
        QVERIFY2(p, qPrintable(p.errorMessage()));
        numbers << p->number;
        for (int k = 0; k <= i; ++k)
            QVERIFY(ps.linkIncident(p->number, QString::number(40 + i * 5 + k),
                                    QStringLiteral("tester")));
        model.refresh();
        QCOMPARE(model.rowCount(), i + 1);
    }
    auto ke = ps.createKnownError(
        QStringLiteral("Bulk loads saturate replica IO"), QStringLiteral("lag above 60s"),
        QStringLiteral("throttle the loader"), QStringLiteral("capacity"),
        {QStringLiteral("postgresql")}, numbers[0], QStringLiteral("tester"));
    QVERIFY2(ke, qPrintable(ke.errorMessage()));
    QVERIFY(ps.updateProblem(numbers[2], {{QStringLiteral("status"), QStringLiteral("resolved")}},
                             QStringLiteral("tester")));
    QVERIFY(ps.updateProblem(numbers[3], {{QStringLiteral("status"), QStringLiteral("closed")}},
                             QStringLiteral("tester")));
    model.refresh();
    touchAll(model);
    QCOMPARE(model.index(model.rowOf(numbers[0]), problems::ProblemListModel::KnownErrors)
                 .data(problems::ProblemListModel::SortRole)
                 .toInt(),
             1);

    for (int col = 0; col < problems::ProblemListModel::ColumnCount; ++col)
        for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(col, order);
            touchAll(proxy);
        }
    proxy.sort(problems::ProblemListModel::Incidents, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, problems::ProblemListModel::Number)
                 .data(problems::ProblemListModel::NumberRole)
                 .toString(),
             numbers[3]); // four linked incidents

    model.setOpenOnly(true);
    QCOMPARE(model.rowCount(), 2); // open and known_error
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setFilterKeyColumn(problems::ProblemListModel::Title);
    proxy.setFilterRegularExpression(
        QRegularExpression(QStringLiteral("replica"), QRegularExpression::CaseInsensitiveOption));
    QCOMPARE(proxy.rowCount(), 1);
    model.setOpenOnly(false);
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setFilterRegularExpression(QRegularExpression());
    QCOMPARE(proxy.rowCount(), 4);
    touchAll(proxy);
}

QTEST_MAIN(TestItemModelsTester)
#include "tst_itemmodels_tester.moc"
