// SPDX-License-Identifier: MIT
#include "ui/dashboards/metricscharts.h"

#include "ui/style/severitystyle.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QStackedBarSeries>
#include <QtCharts/QValueAxis>

#include <QDateTime>
#include <QPixmap>

#include <cmath>

namespace sitrep::ui {

using metrics::Bucket;
using metrics::DashboardMetrics;
using metrics::WeekMs;

struct MetricsCharts::Impl {
    std::array<QChartView *, ChartCount> views{};
    DashboardMetrics metrics;
    bool have = false;
    bool dark = false;
    double scale = 1.0;

    QColor text() const { return dark ? QColor(0xF2, 0xF2, 0xF2) : QColor(0x20, 0x24, 0x28); }
    QColor grid() const { return dark ? QColor(0x3A, 0x40, 0x48) : QColor(0xDD, 0xDD, 0xDD); }
    QColor background() const { return dark ? QColor(0x0B, 0x0F, 0x14) : QColor(Qt::white); }
    QFont font(double pt, bool bold = false) const
    {
        QFont f;
        f.setPointSizeF(pt * scale);
        f.setBold(bold);
        return f;
    }
};

namespace {

/// Each chart's file-name friendly name and title, in the order of MetricsCharts::Chart.
struct ChartText {
    const char *name;
    const char *title;
};
constexpr std::array<ChartText, MetricsCharts::ChartCount> chartTexts{{
    {"mttr", QT_TRANSLATE_NOOP("sitrep::ui::MetricsCharts", "MTTR by severity")},
    {"mtta", QT_TRANSLATE_NOOP("sitrep::ui::MetricsCharts", "MTTA per week")},
    {"frequency", QT_TRANSLATE_NOOP("sitrep::ui::MetricsCharts", "Incidents per week by severity")},
    {"sla", QT_TRANSLATE_NOOP("sitrep::ui::MetricsCharts", "Response SLA compliance per week")},
}};

bool isChart(MetricsCharts::Chart c)
{
    return unsigned(c) < chartTexts.size();
}

} // namespace

QString MetricsCharts::chartName(Chart c)
{
    return isChart(c) ? QString::fromLatin1(chartTexts[c].name) : QString();
}

QString MetricsCharts::chartTitle(Chart c) const
{
    return isChart(c) ? tr(chartTexts[c].title) : QString();
}

MetricsCharts::MetricsCharts(QObject *parent) : QObject(parent), d(new Impl)
{
    for (int i = 0; i < ChartCount; ++i) {
        auto *chart = new QChart;
        chart->setAnimationOptions(QChart::NoAnimation);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->setMargins(QMargins(4, 4, 4, 4));
        auto *v = new QChartView(chart);
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumSize(260, 180);
        v->setObjectName(QStringLiteral("chart-%1").arg(chartName(Chart(i))));
        d->views[i] = v;
    }
    rebuild();
}

MetricsCharts::~MetricsCharts()
{
    // Views without a parent are ours to delete; the others belong to their layout.
    for (QChartView *v : d->views)
        if (v && !v->parent())
            delete v;
    delete d;
}

QWidget *MetricsCharts::view(Chart c) const
{
    return d->views[c];
}

void MetricsCharts::setMetrics(const DashboardMetrics &m)
{
    d->metrics = m;
    d->have = true;
    rebuild();
}

void MetricsCharts::setAppearance(bool dark, double fontScale)
{
    d->dark = dark;
    d->scale = fontScale;
    rebuild();
}

bool MetricsCharts::exportPng(Chart c, const QString &path, const QSize &size) const
{
    QChartView *v = d->views[c];
    const QSize old = v->size();
    if (size.isValid())
        v->resize(size);
    const QPixmap px = v->grab();
    if (size.isValid())
        v->resize(old);
    return !px.isNull() && px.save(path, "PNG");
}

int MetricsCharts::pointCount(Chart c) const
{
    int n = 0;
    for (QAbstractSeries *s : d->views[c]->chart()->series()) {
        if (auto *l = qobject_cast<QLineSeries *>(s))
            n += int(l->count());
        else if (auto *b = qobject_cast<QAbstractBarSeries *>(s))
            for (QBarSet *set : b->barSets())
                for (int i = 0; i < set->count(); ++i)
                    n += set->at(i) > 0 ? 1 : 0;
    }
    return n;
}

namespace {

QString weekLabel(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("d MMM"));
}

QString sevLabel(int s)
{
    return s >= 1 && s <= 4 ? QStringLiteral("SEV%1").arg(s) : QObject::tr("Unset");
}

// A duration in the unit that reads best for the largest value.
struct Unit {
    double divMs;
    QString name;
};

Unit unitFor(double maxMs)
{
    if (maxMs >= 48 * 3600000.0)
        return {86400000.0, QObject::tr("days")};
    if (maxMs >= 3 * 3600000.0)
        return {3600000.0, QObject::tr("hours")};
    return {60000.0, QObject::tr("minutes")};
}

// Each bar says its own value in the unit that suits it (a SEV1 MTTR in minutes reads
// better than "0.0 days" next to a SEV4 in days).
QString durationText(double ms)
{
    if (ms >= 48 * 3600000.0)
        return QObject::tr("%1 d").arg(ms / 86400000.0, 0, 'f', 1);
    if (ms >= 3600000.0)
        return QObject::tr("%1 h").arg(ms / 3600000.0, 0, 'f', 1);
    return QObject::tr("%1 min").arg(qRound(ms / 60000.0));
}

} // namespace

void MetricsCharts::rebuild()
{
    const DashboardMetrics &m = d->metrics;
    auto drill = [this](int sev, qint64 from, qint64 to, const QString &metric) {
        metrics::ListFilter f;
        f.severity = sev;
        f.from = qMax(from, d->metrics.filter.from);
        f.to = qMin(to, d->metrics.filter.to);
        f.service = d->metrics.filter.service;
        f.group = d->metrics.filter.group;
        f.metric = metric;
        f.now = d->metrics.now;
        Q_EMIT drillDown(f);
    };
    auto weekAt = [this](double x) -> int {
        const auto &w = d->metrics.weeks;
        if (w.isEmpty())
            return -1;
        const int i = int(std::lround((x - double(w.first())) / double(WeekMs)));
        return qBound(0, i, int(w.size()) - 1);
    };
    QList<int> sevs{1, 2, 3, 4};
    if (m.total(0).count > 0)
        sevs << 0;

    for (int c = 0; c < ChartCount; ++c) {
        QChart *chart = d->views[c]->chart();
        chart->removeAllSeries();
        for (QAbstractAxis *a : chart->axes()) {
            chart->removeAxis(a);
            delete a;
        }
        chart->setTitle(chartTitle(Chart(c)));
        chart->setTitleFont(d->font(12, true));
        chart->setTitleBrush(d->text());
        chart->setBackgroundBrush(d->background());
        chart->setBackgroundRoundness(0);
        chart->legend()->setFont(d->font(9.5));
        chart->legend()->setLabelColor(d->text());
        d->views[c]->setBackgroundBrush(d->background());
    }
    auto styleAxis = [this](QAbstractAxis *a) {
        a->setLabelsFont(d->font(9.5));
        a->setLabelsBrush(d->text());
        a->setTitleFont(d->font(9.5));
        a->setTitleBrush(d->text());
        a->setGridLineColor(d->grid());
        a->setLinePenColor(d->grid());
    };
    auto dateAxis = [&](QChart *chart) {
        auto *x = new QDateTimeAxis;
        x->setFormat(QStringLiteral("d MMM"));
        const qint64 first = m.weeks.isEmpty() ? m.filter.from : m.weeks.first();
        const qint64 last = m.weeks.isEmpty() ? m.filter.to : m.weeks.last();
        x->setRange(QDateTime::fromMSecsSinceEpoch(first - metrics::DayMs, Qt::UTC),
                    QDateTime::fromMSecsSinceEpoch(last + metrics::DayMs, Qt::UTC));
        x->setTickCount(qBound(2, int(m.weeks.size()) + 1, 8));
        styleAxis(x);
        chart->addAxis(x, Qt::AlignBottom);
        return x;
    };
    auto valueAxis = [&](QChart *chart, double max, const QString &title, const char *format) {
        auto *y = new QValueAxis;
        y->setRange(0, max > 0 ? max : 1);
        y->setTitleText(title);
        y->setLabelFormat(QString::fromLatin1(format));
        y->applyNiceNumbers();
        styleAxis(y);
        chart->addAxis(y, Qt::AlignLeft);
        return y;
    };

    // --- MTTR by severity: one bar per severity, in its colour, the value in the label.
    {
        QChart *chart = d->views[Mttr]->chart();
        double maxMs = 0;
        for (int s : sevs)
            maxMs = qMax(maxMs, m.total(s).mttrMs());
        const Unit u =
            maxMs >= 3 * 3600000.0 ? Unit{3600000.0, tr("hours")} : Unit{60000.0, tr("minutes")};
        auto *series = new QStackedBarSeries;
        series->setBarWidth(0.6);
        QStringList cats;
        for (int i = 0; i < sevs.size(); ++i) {
            const int s = sevs[i];
            const Bucket b = m.total(s);
            auto *set = new QBarSet(sevLabel(s));
            for (int j = 0; j < sevs.size(); ++j)
                *set << (j == i && b.resolved ? b.mttrMs() / u.divMs : 0.0);
            set->setColor(severityColor(s));
            set->setBorderColor(severityColor(s).darker(130));
            connect(set, &QBarSet::clicked, this, [drill, s, this](int) {
                drill(s, d->metrics.filter.from, d->metrics.filter.to, QStringLiteral("mttr"));
            });
            series->append(set);
            cats << (b.resolved
                         ? QStringLiteral("%1: %2").arg(sevLabel(s), durationText(b.mttrMs()))
                         : sevLabel(s) + QStringLiteral(": –"));
        }
        chart->addSeries(series);
        auto *x = new QBarCategoryAxis;
        x->append(cats);
        styleAxis(x);
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        auto *y = valueAxis(chart, maxMs / u.divMs * 1.1, u.name, "%.0f");
        series->attachAxis(y);
        chart->legend()->setVisible(false);
    }

    // --- MTTA per week: all severities together (bold) and one line per severity.
    {
        QChart *chart = d->views[Mtta]->chart();
        double maxMs = 0;
        for (int w = 0; w < m.weeks.size(); ++w)
            for (int s = -1; s < metrics::SeverityCount; ++s)
                maxMs = qMax(maxMs, m.week(w, s).mttaMs());
        const Unit u = unitFor(maxMs);
        auto *x = dateAxis(chart);
        auto *y = valueAxis(chart, maxMs / u.divMs * 1.1, u.name, "%.0f");
        QList<int> lines{-1};
        lines << sevs;
        for (int s : lines) {
            auto *line = new QLineSeries;
            line->setName(s < 0 ? tr("All") : sevLabel(s));
            for (int w = 0; w < m.weeks.size(); ++w) {
                const double v = m.week(w, s).mttaMs();
                if (v >= 0)
                    line->append(double(m.weeks[w]), v / u.divMs);
            }
            QPen pen(s < 0 ? d->text() : severityColor(s));
            pen.setWidthF((s < 0 ? 3.5 : 2.0) * d->scale);
            if (s == 4)
                pen.setStyle(Qt::DashLine); // not colour alone
            line->setPen(pen);
            line->setPointsVisible(true);
            chart->addSeries(line);
            line->attachAxis(x);
            line->attachAxis(y);
            connect(line, &QLineSeries::clicked, this, [drill, weekAt, s, this](const QPointF &p) {
                const int w = weekAt(p.x());
                if (w >= 0)
                    drill(s, d->metrics.weeks[w], d->metrics.weeks[w] + WeekMs,
                          QStringLiteral("mtta"));
            });
        }
        chart->legend()->setVisible(true);
    }

    // --- Incidents per week, stacked by severity.
    {
        QChart *chart = d->views[Frequency]->chart();
        auto *series = new QStackedBarSeries;
        series->setBarWidth(0.75);
        QStringList cats;
        for (qint64 w : m.weeks)
            cats << weekLabel(w);
        double max = 0;
        for (int w = 0; w < m.weeks.size(); ++w)
            max = qMax(max, double(m.week(w).count));
        for (int s : sevs) {
            auto *set = new QBarSet(sevLabel(s));
            for (int w = 0; w < m.weeks.size(); ++w)
                *set << double(m.cells[w][s].count);
            set->setColor(severityColor(s));
            set->setBorderColor(d->background());
            connect(set, &QBarSet::clicked, this, [drill, s, this](int w) {
                if (w >= 0 && w < d->metrics.weeks.size())
                    drill(s, d->metrics.weeks[w], d->metrics.weeks[w] + WeekMs,
                          QStringLiteral("frequency"));
            });
            series->append(set);
        }
        chart->addSeries(series);
        auto *x = new QBarCategoryAxis;
        x->append(cats);
        styleAxis(x);
        if (cats.size() > 10)
            x->setLabelsAngle(-60);
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        auto *y = valueAxis(chart, max * 1.1, tr("incidents"), "%.0f");
        series->attachAxis(y);
        chart->legend()->setVisible(true);
    }

    // --- SLA compliance per week: response (the headline) and resolution.
    {
        QChart *chart = d->views[Sla]->chart();
        auto *x = dateAxis(chart);
        auto *y = valueAxis(chart, 100, QStringLiteral("%"), "%.0f");
        y->setRange(0, 100);
        const QColor response(0x00, 0x9E, 0x73);   // bluish green
        const QColor resolution(0xCC, 0x79, 0xA7); // reddish purple
        for (int k = 0; k < 2; ++k) {
            auto *line = new QLineSeries;
            line->setName(k == 0 ? tr("Response SLA met") : tr("Resolution SLA met"));
            for (int w = 0; w < m.weeks.size(); ++w) {
                const Bucket b = m.week(w);
                const double v = k == 0 ? b.responseCompliancePct() : b.resolutionCompliancePct();
                if (v >= 0)
                    line->append(double(m.weeks[w]), v);
            }
            QPen pen(k == 0 ? response : resolution);
            pen.setWidthF((k == 0 ? 3.5 : 2.0) * d->scale);
            if (k == 1)
                pen.setStyle(Qt::DashLine);
            line->setPen(pen);
            line->setPointsVisible(true);
            chart->addSeries(line);
            line->attachAxis(x);
            line->attachAxis(y);
            // The incidents behind a compliance point: those of that week that missed it.
            const QString which =
                k == 0 ? QStringLiteral("sla-response") : QStringLiteral("sla-resolution");
            connect(line, &QLineSeries::clicked, this,
                    [drill, weekAt, which, this](const QPointF &p) {
                        const int w = weekAt(p.x());
                        if (w >= 0)
                            drill(-1, d->metrics.weeks[w], d->metrics.weeks[w] + WeekMs, which);
                    });
        }
        chart->legend()->setVisible(true);
    }
}

} // namespace sitrep::ui
