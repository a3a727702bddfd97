// SPDX-License-Identifier: MIT
#pragma once

#include "metrics/metricsservice.h"
#include "ui/dashboards/metricscharts.h"

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QTimer;

namespace sitrep::ui {

/// The severity dashboard: tiles (open per severity, SLA breaching / at risk, oldest
/// unacknowledged, without commander), the four charts, a range selector (7/30/90 days,
/// custom) and service / assignment-group filters. Numbers come from a MetricsService
/// (worker thread); the view only shows them. Clicking a bar or point emits drillDown.
class DashboardView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)
public:
    /// `service` must outlive the view.
    explicit DashboardView(metrics::MetricsService &service, QWidget *parent = nullptr);

    /// Last 7, 30 or 90 days (or any count) up to now.
    void setRangeDays(int days);
    void setCustomRange(qint64 from, qint64 to);
    void setServiceFilter(const QString &service);
    void setGroupFilter(const QString &group);
    metrics::MetricsFilter filter() const;
    /// Asks the worker for fresh numbers (also done on every change and every 60 s).
    void refresh();
    /// Runs the event loop until numbers for the current filter arrived.
    bool waitForData(int timeoutMs = 10000);
    const metrics::DashboardMetrics &metrics() const { return m_metrics; }
    bool hasData() const { return m_have; }
    MetricsCharts &charts() { return *m_charts; }

    Status exportCsv(const QString &path) const;
    Status exportChart(MetricsCharts::Chart chart, const QString &path) const;
    /// Every chart as <dir>/<prefix>-<name>.png.
    Status exportAllCharts(const QString &dir,
                           const QString &prefix = QStringLiteral("sitrep")) const;
    /// The tile texts, for tests.
    QString tileText(const QString &name) const;

Q_SIGNALS:
    /// Open the incidents behind a bar or point in the list.
    void drillDown(const sitrep::metrics::ListFilter &filter);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void onMetrics(const metrics::DashboardMetrics &m);
    void onFailed(const QString &what, const QString &message);
    void onRangeChanged();
    void exportCsvInteractive();
    void exportChartsInteractive();
    /// Says where an export went, or why it failed.
    void sayExported(const Status &status, const QString &done);
    QWidget *makeTile(const QString &name, const QString &caption, const QColor &accent);
    void setTile(const QString &name, const QString &value, const QString &detail = {});

    metrics::MetricsService &m_service;
    MetricsCharts *m_charts = nullptr;
    QComboBox *m_range = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QComboBox *m_serviceBox = nullptr;
    QComboBox *m_groupBox = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_timer = nullptr;
    QHash<QString, QPair<QLabel *, QLabel *>> m_tiles;
    metrics::DashboardMetrics m_metrics;
    bool m_have = false;
    bool m_fillingFilters = false;
    double m_scale = 0;
};

} // namespace sitrep::ui
