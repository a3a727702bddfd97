// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QIcon>
#include <QIdentityProxyModel>
#include <QString>

namespace sitrep::ui {

/// Severity is never colour alone: every level has a label (SEV1..SEV4), a shape (octagon,
/// triangle, diamond, circle) and a hue from the Okabe-Ito palette, which stays distinct
/// under the common colour-vision deficiencies.
QColor severityColor(int severity);
QIcon severityIcon(int severity);
/// Paints the shape of `severity` into `rect`.
void paintSeverityShape(class QPainter &p, const QRectF &rect, int severity);
/// SLA level colour: 0 none (invalid colour), 1 amber, 2 red.
QColor slaColor(int level);
/// The red of a breached SLA as text on `palette`'s window, at AA contrast (4.5:1): a
/// red, not the vermillion of SEV1, so "breached" never reads as "orange, at risk".
QColor breachedTextColor(const QPalette &palette);

/// Adds the severity shape and SLA colours to the incident list without touching the data.
class IncidentListDecorator final : public QIdentityProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentListDecorator)
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace sitrep::ui
