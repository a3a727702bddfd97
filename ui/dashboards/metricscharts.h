// SPDX-License-Identifier: MIT
#pragma once

#include "metrics/metricsservice.h"

#include <QColor>
#include <QObject>
#include <QSize>
#include <QString>

#include <array>

class QWidget;

namespace sitrep::ui {

/// The four dashboard charts (MTTR by severity, MTTA per week, incidents per week stacked
/// by severity, SLA compliance per week), built from DashboardMetrics. The only code that
/// touches Qt Charts: callers see plain QWidgets, so the charts can move to another
/// library without touching the dashboard or the wall.
class MetricsCharts final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsCharts)
public:
    enum Chart { Mttr, Mtta, Frequency, Sla };
    static constexpr int ChartCount = 4;
    /// File-name friendly names: mttr, mtta, frequency, sla.
    static QString chartName(Chart c);
    QString chartTitle(Chart c) const;

    explicit MetricsCharts(QObject *parent = nullptr);
    ~MetricsCharts() override;

    /// The chart's widget (owned by whoever it is put in; created here without a parent).
    QWidget *view(Chart c) const;
    void setMetrics(const metrics::DashboardMetrics &m);
    /// Dark wall theme or light desktop theme; fontScale multiplies every text size.
    void setAppearance(bool dark, double fontScale);
    /// Renders one chart to PNG (at its current size, or `size` when given).
    bool exportPng(Chart c, const QString &path, const QSize &size = {}) const;
    /// Number of series points/bars shown, for tests.
    int pointCount(Chart c) const;

Q_SIGNALS:
    /// A bar or point was clicked: the incidents behind it.
    void drillDown(const sitrep::metrics::ListFilter &filter);

private:
    void rebuild();
    struct Impl;
    Impl *d;
};

} // namespace sitrep::ui
