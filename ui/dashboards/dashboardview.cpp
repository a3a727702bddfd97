// SPDX-License-Identifier: MIT
#include "ui/dashboards/dashboardview.h"

#include "ui/style/severitystyle.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateEdit>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace sitrep::ui {

using metrics::MetricsFilter;

static QString ageText(qint64 ms)
{
    const qint64 min = qMax<qint64>(0, ms / 60000);
    if (min < 60)
        return QObject::tr("%1 min").arg(min);
    if (min < 48 * 60)
        return QObject::tr("%1 h %2 min").arg(min / 60).arg(min % 60);
    return QObject::tr("%1 days").arg(min / 1440);
}

DashboardView::DashboardView(metrics::MetricsService &service, QWidget *parent)
    : QWidget(parent), m_service(service)
{
    setObjectName(QStringLiteral("dashboard"));
    auto *root = new QVBoxLayout(this);

    // Range and filters.
    auto *bar = new QHBoxLayout;
    m_range = new QComboBox;
    m_range->addItem(tr("Last 7 days"), 7);
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Last 90 days"), 90);
    m_range->addItem(tr("Custom range"), 0);
    m_range->setCurrentIndex(1);
    m_from = new QDateEdit;
    m_to = new QDateEdit;
    for (QDateEdit *e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        e->setTimeSpec(Qt::UTC);
        e->setVisible(false);
    }
    const QDate today = QDateTime::fromMSecsSinceEpoch(m_service.now(), Qt::UTC).date();
    m_to->setDate(today);
    m_from->setDate(today.addDays(-30));
    m_serviceBox = new QComboBox;
    m_serviceBox->addItem(tr("All services"), QString());
    m_serviceBox->setMinimumContentsLength(14);
    m_groupBox = new QComboBox;
    m_groupBox->addItem(tr("All groups"), QString());
    m_groupBox->setMinimumContentsLength(18);
    auto *csv = new QPushButton(tr("Export CSV…"));
    auto *png = new QPushButton(tr("Export charts…"));
    bar->addWidget(new QLabel(tr("Range:")));
    bar->addWidget(m_range);
    bar->addWidget(m_from);
    bar->addWidget(m_to);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Service:")));
    bar->addWidget(m_serviceBox);
    bar->addWidget(new QLabel(tr("Group:")));
    bar->addWidget(m_groupBox);
    bar->addStretch(1);
    bar->addWidget(csv);
    bar->addWidget(png);
    root->addLayout(bar);

    // Tiles.
    auto *tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    for (int s = 1; s <= 4; ++s)
        tiles->addWidget(
            makeTile(QStringLiteral("sev%1").arg(s), tr("Open SEV%1").arg(s), severityColor(s)), 1);
    tiles->addWidget(makeTile(QStringLiteral("sla"), tr("SLA breaching / at risk"), slaColor(2)),
                     2);
    tiles->addWidget(makeTile(QStringLiteral("oldest"), tr("Oldest unacknowledged"), slaColor(1)),
                     2);
    tiles->addWidget(
        makeTile(QStringLiteral("commander"), tr("Without commander"), QColor(0x55, 0x55, 0x55)),
        1);
    root->addLayout(tiles);

    // Charts, 2 x 2.
    m_charts = new MetricsCharts(this);
    auto *grid = new QGridLayout;
    grid->setSpacing(8);
    for (int c = 0; c < MetricsCharts::ChartCount; ++c) {
        QWidget *v = m_charts->view(MetricsCharts::Chart(c));
        v->setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *save = new QAction(tr("Save chart as PNG…"), v);
        connect(save, &QAction::triggered, this, [this, c] {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Save chart"),
                QStringLiteral("sitrep-%1.png")
                    .arg(MetricsCharts::chartName(MetricsCharts::Chart(c))),
                tr("PNG images (*.png)"));
            if (path.isEmpty())
                return;
            if (auto s = exportChart(MetricsCharts::Chart(c), path); !s)
                m_status->setText(s.errorMessage());
        });
        v->addAction(save);
        grid->addWidget(v, c / 2, c % 2);
    }
    root->addLayout(grid, 1);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("dashboardStatus"));
    root->addWidget(m_status);

    connect(m_charts, &MetricsCharts::drillDown, this, &DashboardView::drillDown);
    connect(&m_service, &metrics::MetricsService::dashboardReady, this, &DashboardView::onMetrics);
    connect(&m_service, &metrics::MetricsService::failed, this, &DashboardView::onFailed);
    connect(&m_service, &metrics::MetricsService::filterValuesReady, this,
            [this](const QStringList &services, const QStringList &groups) {
                m_fillingFilters = true;
                for (auto [box, values] :
                     {std::pair{m_serviceBox, services}, std::pair{m_groupBox, groups}}) {
                    const QString current = box->currentData().toString();
                    while (box->count() > 1)
                        box->removeItem(1);
                    for (const QString &v : values)
                        box->addItem(v, v);
                    box->setCurrentIndex(qMax(0, box->findData(current)));
                }
                m_fillingFilters = false;
            });
    connect(m_range, &QComboBox::currentIndexChanged, this, &DashboardView::onRangeChanged);
    connect(m_from, &QDateEdit::dateChanged, this, &DashboardView::refresh);
    connect(m_to, &QDateEdit::dateChanged, this, &DashboardView::refresh);
    for (QComboBox *box : {m_serviceBox, m_groupBox})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_fillingFilters)
                refresh();
        });
    connect(csv, &QPushButton::clicked, this, &DashboardView::exportCsvInteractive);
    connect(png, &QPushButton::clicked, this, &DashboardView::exportChartsInteractive);

    m_timer = new QTimer(this);
    m_timer->setInterval(60000);
    connect(m_timer, &QTimer::timeout, this, &DashboardView::refresh);
    m_timer->start();
    m_service.requestFilterValues();
    refresh();
}

QWidget *DashboardView::makeTile(const QString &name, const QString &caption, const QColor &accent)
{
    auto *tile = new QFrame;
    tile->setObjectName(QStringLiteral("tile-%1").arg(name));
    tile->setFrameShape(QFrame::StyledPanel);
    tile->setStyleSheet(QStringLiteral("#tile-%1 { border: 1px solid palette(mid); border-top: 5px "
                                       "solid %2; border-radius: 4px; }")
                            .arg(name, accent.name()));
    auto *l = new QVBoxLayout(tile);
    l->setContentsMargins(10, 6, 10, 6);
    l->setSpacing(0);
    auto *cap = new QLabel(caption);
    auto *value = new QLabel(QStringLiteral("–"));
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 2.2);
    f.setBold(true);
    value->setFont(f);
    auto *detail = new QLabel;
    detail->setWordWrap(false);
    detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->addWidget(cap);
    l->addWidget(value);
    l->addWidget(detail);
    m_tiles.insert(name, {value, detail});
    return tile;
}

void DashboardView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Large screens without display scaling (a 4K wall monitor at 100 %) get larger type.
    const double scale = qBound(1.0, qRound(height() / 1100.0 * 4) / 4.0, 2.5);
    if (scale == m_scale)
        return;
    m_scale = scale;
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * scale);
    setFont(f);
    // Style-sheeted tiles do not take the font from their parent.
    for (QLabel *l : findChildren<QLabel *>())
        if (l->parentWidget() && l->parentWidget()->objectName().startsWith(u"tile-"))
            l->setFont(f);
    for (const auto &t : std::as_const(m_tiles)) {
        QFont v = f;
        v.setPointSizeF(f.pointSizeF() * 2.2);
        v.setBold(true);
        t.first->setFont(v);
    }
    m_charts->setAppearance(false, scale);
}

void DashboardView::setTile(const QString &name, const QString &value, const QString &detail)
{
    const auto t = m_tiles.value(name);
    if (!t.first)
        return;
    t.first->setText(value);
    t.second->setText(detail);
    t.second->setToolTip(detail);
}

QString DashboardView::tileText(const QString &name) const
{
    const auto t = m_tiles.value(name);
    return t.first ? (t.first->text() + u' ' + t.second->text()).trimmed() : QString();
}

MetricsFilter DashboardView::filter() const
{
    MetricsFilter f;
    const int days = m_range->currentData().toInt();
    if (days > 0) {
        f = MetricsFilter::lastDays(days, m_service.now());
    } else {
        f.from = QDateTime(m_from->date(), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        f.to = QDateTime(m_to->date().addDays(1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    }
    f.service = m_serviceBox->currentData().toString();
    f.group = m_groupBox->currentData().toString();
    return f;
}

void DashboardView::setRangeDays(int days)
{
    const int i = m_range->findData(days);
    if (i >= 0) {
        m_range->setCurrentIndex(i);
    } else {
        m_range->setCurrentIndex(m_range->findData(0));
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_service.now(), Qt::UTC);
        m_from->setDate(now.date().addDays(-days));
        m_to->setDate(now.date());
    }
    refresh();
}

void DashboardView::setCustomRange(qint64 from, qint64 to)
{
    const QSignalBlocker b1(m_from), b2(m_to), b3(m_range);
    m_range->setCurrentIndex(m_range->findData(0));
    m_from->setVisible(true);
    m_to->setVisible(true);
    m_from->setDate(QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).date());
    m_to->setDate(QDateTime::fromMSecsSinceEpoch(qMax(from, to - 1), Qt::UTC).date());
    refresh();
}

void DashboardView::setServiceFilter(const QString &service)
{
    if (!service.isEmpty() && m_serviceBox->findData(service) < 0)
        m_serviceBox->addItem(service, service);
    m_serviceBox->setCurrentIndex(qMax(0, m_serviceBox->findData(service)));
    refresh();
}

void DashboardView::setGroupFilter(const QString &group)
{
    if (!group.isEmpty() && m_groupBox->findData(group) < 0)
        m_groupBox->addItem(group, group);
    m_groupBox->setCurrentIndex(qMax(0, m_groupBox->findData(group)));
    refresh();
}

void DashboardView::onRangeChanged()
{
    const bool custom = m_range->currentData().toInt() == 0;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    refresh();
}

void DashboardView::refresh()
{
    m_service.requestDashboard(filter());
}

bool DashboardView::waitForData(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    const MetricsFilter want = filter();
    while (!deadline.hasExpired()) {
        // "Last N days" moves with the clock: a minute of slack.
        const auto &got = m_metrics.filter;
        if (m_have && got.service == want.service && got.group == want.group &&
            qAbs(got.from - want.from) < 60000 && qAbs(got.to - want.to) < 60000)
            return true;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return false;
}

void DashboardView::onMetrics(const metrics::DashboardMetrics &m)
{
    m_metrics = m;
    m_have = true;
    const auto &t = m.tiles;
    for (int s = 1; s <= 4; ++s) {
        const qint64 n = t.openBySeverity[s];
        setTile(QStringLiteral("sev%1").arg(s), QString::number(n),
                n ? tr("open now") : tr("none open"));
    }
    setTile(QStringLiteral("sla"), QStringLiteral("%1 / %2").arg(t.breaching).arg(t.atRisk),
            tr("breaching / due within %1 min").arg(m.atRiskWindowMs / 60000));
    if (t.oldestUnackCreatedAt > 0)
        setTile(QStringLiteral("oldest"), ageText(m.now - t.oldestUnackCreatedAt),
                QStringLiteral("%1 SEV%2 %3")
                    .arg(t.oldestUnackNumber)
                    .arg(t.oldestUnackSeverity)
                    .arg(t.oldestUnackTitle.left(40)));
    else
        setTile(QStringLiteral("oldest"), tr("none"), tr("every open incident is acknowledged"));
    setTile(QStringLiteral("commander"), QString::number(t.withoutCommander),
            tr("of %1 open").arg(t.open));
    m_charts->setMetrics(m);
    const auto total = m.total();
    m_status->setText(
        tr("%1 incidents created in range · MTTA %2 · MTTR %3 · response SLA %4 · updated %5")
            .arg(total.count)
            .arg(total.mttaMs() >= 0 ? ageText(qint64(total.mttaMs())) : QStringLiteral("–"))
            .arg(total.mttrMs() >= 0 ? ageText(qint64(total.mttrMs())) : QStringLiteral("–"))
            .arg(total.responseCompliancePct() >= 0
                     ? QStringLiteral("%1%").arg(total.responseCompliancePct(), 0, 'f', 1)
                     : QStringLiteral("–"))
            .arg(QDateTime::fromMSecsSinceEpoch(m.now).toString(QStringLiteral("HH:mm:ss"))));
    m_status->setStyleSheet(QString());
}

void DashboardView::onFailed(const QString &what, const QString &message)
{
    if (what != u"dashboard")
        return;
    m_status->setText(
        tr("Could not refresh the dashboard: %1 (showing the last numbers)").arg(message));
    m_status->setStyleSheet(QStringLiteral("color: #b00020;"));
}

Status DashboardView::exportCsv(const QString &path) const
{
    if (!m_have)
        return Status::fail(tr("no numbers yet"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Status::fail(tr("cannot write %1: %2").arg(path, f.errorString()));
    const QByteArray csv = m_metrics.toCsv();
    if (f.write(csv) != csv.size())
        return Status::fail(tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

Status DashboardView::exportChart(MetricsCharts::Chart chart, const QString &path) const
{
    if (!m_charts->exportPng(chart, path))
        return Status::fail(tr("cannot write %1").arg(path));
    return {};
}

Status DashboardView::exportAllCharts(const QString &dir, const QString &prefix) const
{
    for (int c = 0; c < MetricsCharts::ChartCount; ++c) {
        const QString path =
            QDir(dir).filePath(QStringLiteral("%1-%2.png")
                                   .arg(prefix, MetricsCharts::chartName(MetricsCharts::Chart(c))));
        if (auto s = exportChart(MetricsCharts::Chart(c), path); !s)
            return s;
    }
    return {};
}

void DashboardView::exportCsvInteractive()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export metrics"), QStringLiteral("sitrep-metrics.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        sayExported(exportCsv(path), tr("Metrics written to %1").arg(path));
}

void DashboardView::exportChartsInteractive()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts to folder"));
    if (!dir.isEmpty())
        sayExported(exportAllCharts(dir), tr("Charts written to %1").arg(dir));
}

void DashboardView::sayExported(const Status &status, const QString &done)
{
    m_status->setText(status ? done : status.errorMessage());
}

} // namespace sitrep::ui
