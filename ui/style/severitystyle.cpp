// SPDX-License-Identifier: MIT
#include "ui/style/severitystyle.h"

#include "itemmodels/incidentcolumns.h"
#include "ui/style/bannerstyle.h"

#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>
#include <QPixmapCache>
#include <QtMath>

namespace sitrep::ui {

using namespace sitrep::itemmodels;

QColor severityColor(int severity)
{
    switch (severity) {
    case 1:
        return QColor(0xD5, 0x5E, 0x00); // vermillion
    case 2:
        return QColor(0xE6, 0x9F, 0x00); // orange
    case 3:
        return QColor(0x00, 0x72, 0xB2); // blue
    case 4:
        return QColor(0x56, 0xB4, 0xE9); // sky blue
    default:
        break;
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
    case 1:
        p.drawPolygon(regular(r, 8, 22.5));
        break; // octagon, like a stop sign
    case 2:
        p.drawPolygon(regular(r.adjusted(0, r.height() * 0.08, 0, r.height() * 0.08), 3, -90));
        break; // triangle
    case 3:
        p.drawPolygon(regular(r, 4, -90));
        break; // diamond
    case 4:
        p.drawEllipse(
            r.adjusted(r.width() * 0.1, r.height() * 0.1, -r.width() * 0.1, -r.height() * 0.1));
        break;
    default:
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r);
        break;
    }
    if (severity == 1) { // an exclamation mark inside the octagon
        p.setPen(QPen(Qt::white, std::max(1.5, rect.width() / 8), Qt::SolidLine, Qt::RoundCap));
        const QPointF c = r.center();
        p.drawLine(QPointF(c.x(), r.top() + r.height() * 0.25),
                   QPointF(c.x(), r.top() + r.height() * 0.58));
        p.drawPoint(QPointF(c.x(), r.top() + r.height() * 0.75));
    }
    p.restore();
}

namespace {
/// Paints the severity shape at whatever size and device pixel ratio is asked for, so the
/// icon stays sharp at 200% (a pixmap set would be scaled up and blur).
class SeverityIconEngine final : public QIconEngine {
public:
    explicit SeverityIconEngine(int severity) : m_severity(severity) {}
    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        painter->save();
        if (mode == QIcon::Disabled)
            painter->setOpacity(0.45);
        paintSeverityShape(*painter, QRectF(rect), m_severity);
        painter->restore();
    }
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }
    // QIcon passes the size in device pixels already (logical size times `scale`).
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override
    {
        const QSize px = size;
        const QString key = QStringLiteral("sitrep-sev-%1-%2x%3-%4")
                                .arg(m_severity)
                                .arg(px.width())
                                .arg(px.height())
                                .arg(int(mode));
        QPixmap pm;
        if (QPixmapCache::find(key, &pm))
            return pm;
        pm = QPixmap(px);
        pm.fill(Qt::transparent);
        {
            QPainter p(&pm);
            paint(&p, QRect(QPoint(0, 0), px), mode, state);
        }
        pm.setDevicePixelRatio(scale);
        QPixmapCache::insert(key, pm);
        return pm;
    }
    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine *clone() const override { return new SeverityIconEngine(m_severity); }
    QString key() const override { return QStringLiteral("sitrep-severity"); }

private:
    int m_severity;
};
} // namespace

QIcon severityIcon(int severity)
{
    static QHash<int, QIcon> cache;
    if (auto it = cache.constFind(severity); it != cache.cend())
        return *it;
    const QIcon icon(new SeverityIconEngine(severity));
    cache.insert(severity, icon);
    return icon;
}

// A pure red: distinct from SEV1's vermillion and from the amber of "at risk" (the words
// "overdue" / "breached" carry the meaning for readers who cannot tell the hues apart).
static const QColor kBreachedRed(0xE0, 0x16, 0x1B);

QColor slaColor(int level)
{
    if (level == 1)
        return QColor(0xE6, 0x9F, 0x00);
    if (level == 2)
        return kBreachedRed;
    return {};
}

QColor breachedTextColor(const QPalette &palette)
{
    const QColor bg = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    const bool dark = isDarkPalette(palette);
    // Lighten on dark themes, darken on light ones, keeping the hue, until it reads on
    // both the window and the list's base colour.
    QColor c = kBreachedRed;
    for (int step = 0; step < 20 && (contrastRatio(c, bg) < 4.5 || contrastRatio(c, base) < 4.5);
         ++step)
        c = dark ? QColor::fromHslF(c.hslHueF(), c.hslSaturationF(),
                                    std::min(1.0f, c.lightnessF() + 0.03f))
                 : QColor::fromHslF(c.hslHueF(), c.hslSaturationF(),
                                    std::max(0.0f, c.lightnessF() - 0.03f));
    return c;
}

QVariant IncidentListDecorator::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DecorationRole && index.column() == IncidentColumn::Severity) {
        const QVariant v = QIdentityProxyModel::data(index, IncidentRole::LoadedRole);
        if (v.toBool())
            return severityIcon(
                QIdentityProxyModel::data(index, IncidentRole::SeverityRole).toInt());
        return {};
    }
    if (role == Qt::ForegroundRole || role == Qt::BackgroundRole || role == Qt::FontRole) {
        // A breached P1 is the row that matters most: red from end to end, on a red tint.
        const int level = QIdentityProxyModel::data(index, IncidentRole::SlaLevelRole).toInt();
        const bool breachedP1 =
            level == 2 && QIdentityProxyModel::data(index, IncidentRole::PriorityRole).toInt() == 1;
        if (breachedP1) {
            const QPalette pal = QGuiApplication::palette();
            if (role == Qt::ForegroundRole)
                return breachedTextColor(pal);
            if (role == Qt::BackgroundRole) {
                const QColor base = pal.color(QPalette::Base);
                const double t = isDarkPalette(pal) ? 0.22 : 0.10;
                return QColor::fromRgbF(float(base.redF() * (1 - t) + kBreachedRed.redF() * t),
                                        float(base.greenF() * (1 - t) + kBreachedRed.greenF() * t),
                                        float(base.blueF() * (1 - t) + kBreachedRed.blueF() * t));
            }
            if (index.column() == IncidentColumn::Id || index.column() == IncidentColumn::Sla ||
                index.column() == IncidentColumn::Severity) {
                QFont f;
                f.setBold(true);
                return f;
            }
        }
    }
    if (role == Qt::ForegroundRole && index.column() == IncidentColumn::Sla) {
        // As text on the list's background the raw accents are too faint (amber on white is
        // 2.2:1): the same hues, darkened or lightened to AA contrast for the current theme.
        const int level = QIdentityProxyModel::data(index, IncidentRole::SlaLevelRole).toInt();
        if (level == 0)
            return {};
        if (level == 2)
            return breachedTextColor(QGuiApplication::palette());
        return readableAccent(BannerKind::Warning, QGuiApplication::palette());
    }
    if (role == Qt::FontRole &&
        (index.column() == IncidentColumn::Sla || index.column() == IncidentColumn::Severity)) {
        if (QIdentityProxyModel::data(index, index.column() == IncidentColumn::Sla
                                                 ? IncidentRole::SlaLevelRole
                                                 : IncidentRole::SeverityRole)
                .toInt() == (index.column() == IncidentColumn::Sla ? 2 : 1)) {
            QFont f;
            f.setBold(true);
            return f;
        }
    }
    return QIdentityProxyModel::data(index, role);
}

} // namespace sitrep::ui
