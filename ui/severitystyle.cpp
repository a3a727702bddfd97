// SPDX-License-Identifier: MIT
#include "severitystyle.h"

#include "itemmodels/incidentcolumns.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QtMath>

namespace sitrep::ui {

using namespace sitrep::itemmodels;

QColor severityColor(int severity)
{
    switch (severity) {
    case 1: return QColor(0xD5, 0x5E, 0x00); // vermillion
    case 2: return QColor(0xE6, 0x9F, 0x00); // orange
    case 3: return QColor(0x00, 0x72, 0xB2); // blue
    case 4: return QColor(0x56, 0xB4, 0xE9); // sky blue
    default: break;
    }
    return QColor(0x99, 0x99, 0x99);
}

static QPolygonF regular(const QRectF &r, int n, double startDeg)
{
    QPolygonF poly;
    const QPointF c = r.center();
    const double rad = std::min(r.width(), r.height()) / 2.0;
    for (int i = 0; i < n; ++i) {
        const double a = qDegreesToRadians(startDeg + 360.0 * i / n);
        poly << QPointF(c.x() + rad * std::cos(a), c.y() + rad * std::sin(a));
    }
    return poly;
}

void paintSeverityShape(QPainter &p, const QRectF &rect, int severity)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QColor c = severityColor(severity);
    p.setBrush(c);
    p.setPen(QPen(c.darker(160), std::max(1.0, rect.width() / 16)));
    const QRectF r = rect.adjusted(1, 1, -1, -1);
    switch (severity) {
    case 1: p.drawPolygon(regular(r, 8, 22.5)); break;  // octagon, like a stop sign
    case 2: p.drawPolygon(regular(r.adjusted(0, r.height() * 0.08, 0, r.height() * 0.08), 3, -90)); break; // triangle
    case 3: p.drawPolygon(regular(r, 4, -90)); break;   // diamond
    case 4: p.drawEllipse(r.adjusted(r.width() * 0.1, r.height() * 0.1, -r.width() * 0.1, -r.height() * 0.1)); break;
    default: p.setBrush(Qt::NoBrush); p.drawEllipse(r); break;
    }
    if (severity == 1) { // an exclamation mark inside the octagon
        p.setPen(QPen(Qt::white, std::max(1.5, rect.width() / 8), Qt::SolidLine, Qt::RoundCap));
        const QPointF c = r.center();
        p.drawLine(QPointF(c.x(), r.top() + r.height() * 0.25), QPointF(c.x(), r.top() + r.height() * 0.58));
        p.drawPoint(QPointF(c.x(), r.top() + r.height() * 0.75));
    }
    p.restore();
}

QIcon severityIcon(int severity)
{
    static QHash<int, QIcon> cache;
    if (auto it = cache.constFind(severity); it != cache.cend())
        return *it;
    QIcon icon;
    for (int s : {16, 24, 32, 48}) {
        QPixmap pm(s, s);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paintSeverityShape(p, QRectF(0, 0, s, s), severity);
        p.end();
        icon.addPixmap(pm);
    }
    cache.insert(severity, icon);
    return icon;
}

QColor slaColor(int level)
{
    if (level == 1)
        return QColor(0xE6, 0x9F, 0x00);
    if (level == 2)
        return QColor(0xD5, 0x5E, 0x00);
    return {};
}

QVariant IncidentListDecorator::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DecorationRole && index.column() == IncidentColumn::Severity) {
        const QVariant v = QIdentityProxyModel::data(index, IncidentRole::LoadedRole);
        if (v.toBool())
            return severityIcon(QIdentityProxyModel::data(index, IncidentRole::SeverityRole).toInt());
        return {};
    }
    if (role == Qt::ForegroundRole && index.column() == IncidentColumn::Sla) {
        const QColor c = slaColor(QIdentityProxyModel::data(index, IncidentRole::SlaLevelRole).toInt());
        return c.isValid() ? QVariant(c) : QVariant();
    }
    if (role == Qt::FontRole && (index.column() == IncidentColumn::Sla || index.column() == IncidentColumn::Severity)) {
        if (QIdentityProxyModel::data(index, index.column() == IncidentColumn::Sla ? IncidentRole::SlaLevelRole : IncidentRole::SeverityRole).toInt()
            == (index.column() == IncidentColumn::Sla ? 2 : 1)) {
            QFont f;
            f.setBold(true);
            return f;
        }
    }
    return QIdentityProxyModel::data(index, role);
}

} // namespace sitrep::ui
