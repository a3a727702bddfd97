// SPDX-License-Identifier: MIT
#include "ui/wall/wallwindow.h"

#include "itemmodels/incidentcolumns.h"
#include "query/duration.h"
#include "ui/dashboards/metricscharts.h"
#include "ui/style/severitystyle.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QScreen>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QWindow>

#include <algorithm>

namespace sitrep::ui {

namespace {

const QColor kBackground(0x0B, 0x0F, 0x14);
const QColor kText(0xF2, 0xF2, 0xF2);
const QColor kMuted(0xA8, 0xB0, 0xBA);
const QColor kRowAlt(0x15, 0x1B, 0x22);

qint64 monotonicMs()
{
    static QElapsedTimer t = [] {
        QElapsedTimer e;
        e.start();
        return e;
    }();
    return t.elapsed();
}

// One format for every elapsed time and countdown, the list's and the workspace's.
QString duration(qint64 ms)
{
    return ms < 0 ? QStringLiteral("−") + query::formatDuration(-ms) : query::formatDuration(ms);
}

} // namespace

/// The type scale of the wall for a size: the height on a 16:9 screen or wider, less on
/// narrower ones (4:3, 5:4, portrait), so the same columns fit every shape.
static double wallScaleBase(const QSize &size)
{
    return std::min(double(size.height()), size.width() * 9.0 / 16.0);
}

/// The active-incidents page, painted: large rows sized to the window.
class WallIncidentsPage final : public QWidget {
    Q_DECLARE_TR_FUNCTIONS(sitrep::ui::WallIncidentsPage)
public:
    explicit WallIncidentsPage(QWidget *parent = nullptr) : QWidget(parent) {}
    void setData(const QList<metrics::ActiveIncident> &rows, qint64 openTotal, qint64 dataNow)
    {
        m_rows = rows;
        m_total = qMax<qint64>(openTotal, rows.size());
        m_dataNow = dataNow;
        update();
    }
    void setNow(qint64 now)
    {
        m_now = now;
        update();
    }
    QStringList clippedTexts() const { return m_clipped; }

protected:
    // Text is drawn into cells. Text wider than its cell (a long word in another language,
    // a long duration on a narrow screen) gets smaller type, down to 60%, rather than being
    // cut; what still does not fit is recorded (tests read it).
    void cell(QPainter &p, const QRectF &r, const QString &text)
    {
        if (text.isEmpty())
            return;
        const QFont base = p.font();
        QFont f = base;
        const int px = base.pixelSize();
        const int minPx = qMax(8, int(px * 0.6));
        auto fits = [&](const QFont &font) {
            const QFontMetricsF fm(font);
            return fm.horizontalAdvance(text) <= r.width() + 0.5 && fm.height() <= r.height() + 0.5;
        };
        if (!fits(f)) {
            const double w = QFontMetricsF(f).horizontalAdvance(text);
            int next = qMax(minPx, qMin(px - 1, int(px * r.width() / qMax(1.0, w))));
            for (f.setPixelSize(next); !fits(f) && next > minPx; f.setPixelSize(--next)) {
            }
            if (!fits(f))
                m_clipped << QStringLiteral("%1 (%2x%3 px cell)")
                                 .arg(text)
                                 .arg(r.width(), 0, 'f', 0)
                                 .arg(r.height(), 0, 'f', 0);
            p.setFont(f);
        }
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, text);
        p.setFont(base);
    }

    void paintEvent(QPaintEvent *) override
    {
        m_clipped.clear();
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.setRenderHint(QPainter::TextAntialiasing);
        p.fillRect(rect(), kBackground);
        const double H = height(), W = width();
        const double S = wallScaleBase(size());
        const double pad = W * 0.015;
        const double headerH = S * 0.06;
        const double rowH = qMax(S * 0.118, 56.0);
        QFont head;
        head.setPixelSize(qMax(9, int(S * 0.026)));
        head.setBold(true);
        QFont big;
        big.setPixelSize(qMax(10, int(S * 0.040)));
        big.setBold(true);
        QFont small;
        small.setPixelSize(qMax(9, int(S * 0.027)));
        // Columns: severity, incident, elapsed, SLA, commander, last update.
        const double cx[] = {pad, W * 0.11, W * 0.47, W * 0.60, W * 0.73, W * 0.86};
        const double right = W - pad;
        auto colW = [&](int i) { return (i + 1 < 6 ? cx[i + 1] : right) - cx[i] - pad * 0.5; };
        p.setFont(head);
        p.setPen(kMuted);
        const QStringList titles{tr("SEVERITY"), tr("INCIDENT"),  tr("ELAPSED"),
                                 tr("SLA"),      tr("COMMANDER"), tr("UPDATE")};
        for (int i = 0; i < titles.size(); ++i)
            cell(p, QRectF(cx[i], 0, colW(i), headerH), titles[i]);
        if (m_rows.isEmpty()) {
            p.setFont(big);
            p.setPen(QColor(0x00, 0x9E, 0x73));
            p.drawText(rect(), Qt::AlignCenter, tr("No active incidents"));
            return;
        }
        const int fit = qMax(1, int((H - headerH) / rowH));
        const int shown = int(qMin<qsizetype>(m_rows.size(), fit));
        const bool more = m_total > shown;
        const int rows = more ? shown - 1 : shown;
        const qint64 now = m_now > 0 ? m_now : m_dataNow;
        const QColor red(0xFF, 0x4D, 0x4D), amber(0xFF, 0xC2, 0x33);
        for (int r = 0; r < rows; ++r) {
            const auto &a = m_rows[r];
            const QRectF row(0, headerH + r * rowH, W, rowH);
            if (r % 2)
                p.fillRect(row, kRowAlt);
            p.fillRect(QRectF(0, row.top(), W * 0.008, row.height()), severityColor(a.severity));
            const double line1 = row.top() + row.height() * 0.08;
            const double lineH = row.height() * 0.5;
            const double line2 = line1 + lineH;
            // Severity: shape + label (never colour alone), priority underneath.
            const double shape = lineH * 0.8;
            paintSeverityShape(p, QRectF(cx[0], line1 + (lineH - shape) / 2, shape, shape),
                               a.severity);
            p.setFont(big);
            p.setPen(kText);
            const QString sev =
                a.severity ? QStringLiteral("SEV%1").arg(a.severity) : QStringLiteral("—");
            cell(p, QRectF(cx[0] + shape * 1.2, line1, colW(0) - shape * 1.2, lineH), sev);
            p.setFont(small);
            p.setPen(kMuted);
            cell(p, QRectF(cx[0] + shape * 1.2, line2, colW(0) - shape * 1.2, lineH * 0.8),
                 a.priority ? QStringLiteral("P%1").arg(a.priority) : QString());
            // Incident: title, then number and state (elided: the full title is in the window).
            p.setFont(big);
            p.setPen(kText);
            const double tw = colW(1);
            cell(p, QRectF(cx[1], line1, tw, lineH),
                 QFontMetrics(big).elidedText(a.title, Qt::ElideRight, int(tw)));
            p.setFont(small);
            p.setPen(kMuted);
            const QString sub =
                a.lastStatusText.isEmpty()
                    ? QStringLiteral("%1 · %2").arg(a.number, a.state)
                    : QStringLiteral("%1 · %2 · %3").arg(a.number, a.state, a.lastStatusText);
            cell(p, QRectF(cx[1], line2, tw, lineH * 0.8),
                 QFontMetrics(small).elidedText(sub, Qt::ElideRight, int(tw)));
            // Elapsed.
            p.setFont(big);
            p.setPen(kText);
            cell(p, QRectF(cx[2], line1, colW(2), lineH), duration(now - a.createdAt));
            p.setFont(small);
            p.setPen(kMuted);
            cell(p, QRectF(cx[2], line2, colW(2), lineH * 0.8),
                 a.acknowledgedAt ? tr("acked") : tr("not acked"));
            // SLA countdown: amber when at risk, red when breached; the word says it too.
            p.setFont(big);
            const query::SlaStatus sla = a.sla(now);
            if (!sla.active) {
                p.setPen(kMuted);
                cell(p, QRectF(cx[3], line1, colW(3), lineH), QStringLiteral("—"));
            } else {
                p.setPen(sla.breached() ? red : sla.atRisk() ? amber : kText);
                cell(p, QRectF(cx[3], line1, colW(3), lineH), duration(sla.remainingMs));
                p.setFont(small);
                cell(p, QRectF(cx[3], line2, colW(3), lineH * 0.8),
                     sla.breached()     ? tr("BREACHED")
                     : sla.paused       ? tr("paused")
                     : a.acknowledgedAt ? tr("to resolve")
                                        : tr("to respond"));
            }
            // Commander.
            p.setFont(big);
            p.setPen(a.commander.isEmpty() ? amber : kText);
            const double cw = colW(4);
            cell(p, QRectF(cx[4], line1, cw, lineH),
                 QFontMetrics(big).elidedText(
                     a.commander.isEmpty() ? tr("none") : a.commander.section(u'.', 0, 0),
                     Qt::ElideRight, int(cw)));
            p.setFont(small);
            p.setPen(kMuted);
            cell(p, QRectF(cx[4], line2, cw, lineH * 0.8),
                 QFontMetrics(small).elidedText(a.assignee, Qt::ElideRight, int(cw)));
            // Last status update: how long ago. A P1 that has told nobody anything is the
            // loudest cell on the wall: white on red, in words.
            const QRectF upd(cx[5], line1, colW(5), lineH);
            if (a.isP1() && a.lastStatusAt == 0) {
                p.fillRect(QRectF(cx[5] - pad * 0.25, row.top() + row.height() * 0.06,
                                  right - cx[5] + pad * 0.5, row.height() * 0.88),
                           QColor(0xC4, 0x12, 0x17));
                p.setFont(big);
                p.setPen(Qt::white);
                cell(p, upd, tr("NONE"));
                p.setFont(small);
                cell(p, QRectF(cx[5], line2, colW(5), lineH * 0.8), tr("P1, no update"));
                continue;
            }
            p.setFont(big);
            p.setPen(a.lastStatusAt && now - a.lastStatusAt > 30 * 60000 ? amber : kText);
            cell(p, upd, a.lastStatusAt ? duration(now - a.lastStatusAt) : QStringLiteral("—"));
            p.setFont(small);
            p.setPen(kMuted);
            cell(p, QRectF(cx[5], line2, colW(5), lineH * 0.8),
                 a.lastStatusAt ? tr("ago") : tr("no update"));
        }
        if (more) {
            p.setFont(big);
            p.setPen(kMuted);
            cell(p, QRectF(cx[1], headerH + rows * rowH, W - cx[1] - pad, rowH),
                 tr("+ %1 more open incidents").arg(m_total - rows));
        }
    }

private:
    QList<metrics::ActiveIncident> m_rows;
    qint64 m_total = 0;
    qint64 m_dataNow = 0;
    qint64 m_now = 0;
    QStringList m_clipped;
};

WallWindow::WallWindow(metrics::MetricsService &service, QWidget *parent)
    : WallWindow(service, Options{}, parent)
{
}

WallWindow::WallWindow(metrics::MetricsService &service, const Options &options, QWidget *parent)
    : QWidget(parent), m_service(service), m_options(options),
      m_rotation(1 + MetricsCharts::ChartCount)
{
    setObjectName(QStringLiteral("wall"));
    setWindowTitle(tr("Sitrep wall"));
    setCursor(Qt::BlankCursor);
    setFocusPolicy(Qt::StrongFocus);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, kBackground);
    pal.setColor(QPalette::WindowText, kText);
    pal.setColor(QPalette::Base, kBackground);
    pal.setColor(QPalette::Text, kText);
    setPalette(pal);

    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(0);
    auto *header = new QWidget;
    header->setObjectName(QStringLiteral("wallHeader"));
    header->setAutoFillBackground(true);
    QPalette hp = pal;
    hp.setColor(QPalette::Window, QColor(0x12, 0x18, 0x20));
    header->setPalette(hp);
    auto *hl = new QHBoxLayout(header);
    m_title = new QLabel;
    m_tiles = new QLabel;
    m_tiles->setTextFormat(Qt::RichText);
    m_tiles->setObjectName(QStringLiteral("wallTiles"));
    m_tiles->setMinimumWidth(1);
    m_tiles->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pageLabel = new QLabel;
    m_clock = new QLabel;
    hl->addWidget(m_title);
    hl->addSpacing(24);
    hl->addWidget(m_tiles, 1);
    hl->addWidget(m_pageLabel);
    hl->addSpacing(24);
    hl->addWidget(m_clock);
    root->addWidget(header);

    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("staleBanner"));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setWordWrap(true);
    m_banner->setAutoFillBackground(true);
    QPalette bp = pal;
    bp.setColor(QPalette::Window, QColor(0xFF, 0xC2, 0x33));
    bp.setColor(QPalette::WindowText, QColor(Qt::black));
    m_banner->setPalette(bp);
    m_banner->setVisible(false);
    root->addWidget(m_banner);

    m_stack = new QStackedWidget;
    m_incidents = new WallIncidentsPage;
    m_stack->addWidget(m_incidents);
    m_charts = new MetricsCharts(this);
    for (int c = 0; c < MetricsCharts::ChartCount; ++c) {
        QWidget *v = m_charts->view(MetricsCharts::Chart(c));
        v->setAttribute(Qt::WA_TransparentForMouseEvents); // read only
        v->setCursor(Qt::BlankCursor);
        m_stack->addWidget(v);
    }
    root->addWidget(m_stack, 1);

    connect(&m_service, &metrics::MetricsService::wallReady, this, &WallWindow::onSnapshot);
    connect(&m_service, &metrics::MetricsService::failed, this, &WallWindow::onFailed);
    m_rotateTimer = new QTimer(this);
    m_rotateTimer->setInterval(qMax(1, m_options.rotateSeconds) * 1000);
    connect(m_rotateTimer, &QTimer::timeout, this, &WallWindow::rotate);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(qMax(200, m_options.refreshMs));
    connect(m_refreshTimer, &QTimer::timeout, this, &WallWindow::refresh);
    m_tickTimer = new QTimer(this);
    m_tickTimer->setInterval(1000);
    connect(m_tickTimer, &QTimer::timeout, this, &WallWindow::tick);
    m_rotateTimer->start();
    m_refreshTimer->start();
    m_tickTimer->start();
    applyScale();
    showPage(0);
    refresh();
}

WallWindow::~WallWindow() = default;

void WallWindow::showOnScreen(int index)
{
    const QList<QScreen *> screens = QGuiApplication::screens();
    QScreen *s =
        index >= 0 && index < screens.size() ? screens[index] : QGuiApplication::primaryScreen();
    if (!windowHandle())
        create();
    if (s && windowHandle()) {
        windowHandle()->setScreen(s);
        setGeometry(s->geometry());
    }
    showFullScreen();
}

QString WallWindow::pageName() const
{
    return page() == 0 ? QStringLiteral("incidents")
                       : MetricsCharts::chartName(MetricsCharts::Chart(page() - 1));
}

void WallWindow::rotate()
{
    showPage(m_rotation.advance());
}

void WallWindow::refresh()
{
    if (m_requestedAt == 0)
        m_requestedAt = monotonicMs();
    // Charts on the first refresh, every Nth one, and until some arrived.
    const bool charts = !m_have || m_snapshot.metrics.weeks.isEmpty() ||
                        m_refreshes % qMax(1, m_options.chartsEvery) == 0;
    ++m_refreshes;
    m_service.requestWall(metrics::MetricsFilter::lastDays(m_options.rangeDays, m_service.now()),
                          40, charts);
}

bool WallWindow::waitForRefresh(int timeoutMs)
{
    const qint64 before = m_answers;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && m_answers == before)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return m_answers != before;
}

QString WallWindow::bannerText() const
{
    return m_banner->text();
}
QStringList WallWindow::clippedTexts() const
{
    return m_incidents->clippedTexts();
}
bool WallWindow::bannerVisible() const
{
    return !m_banner->isHidden();
}

void WallWindow::onSnapshot(const metrics::WallSnapshot &s)
{
    if (s.withCharts || !m_have) {
        m_snapshot = s;
        m_charts->setMetrics(s.metrics);
    } else {
        // Keep the chart buckets of the last full refresh; take the new tiles and rows.
        m_snapshot.now = s.now;
        m_snapshot.active = s.active;
        m_snapshot.metrics.tiles = s.metrics.tiles;
    }
    m_have = true;
    m_requestedAt = 0;
    ++m_answers;
    m_staleSince = {};
    m_banner->setVisible(false);
    m_incidents->setData(s.active, s.metrics.tiles.open, s.now);
    if (m_rotation.update(s.active)) {
        showPage(0);
        m_rotateTimer->start(); // the interrupting P1 gets a full period, then the hold
    }
    updateHeader();
    Q_EMIT refreshed(true);
}

void WallWindow::onFailed(const QString &what, const QString &message)
{
    if (what != u"wall")
        return;
    m_requestedAt = 0;
    ++m_answers;
    if (!m_staleSince.isValid()) {
        m_staleSince = QDateTime::fromMSecsSinceEpoch(m_have ? m_snapshot.now : m_service.now());
    }
    m_staleReason = message;
    updateHeader();
    Q_EMIT refreshed(false);
}

void WallWindow::tick()
{
    // A request that hangs (a lock held for long) is as stale as a failed one.
    if (m_requestedAt > 0 && monotonicMs() - m_requestedAt > qMax(15000, 3 * m_options.refreshMs) &&
        !m_staleSince.isValid()) {
        m_staleSince = QDateTime::fromMSecsSinceEpoch(m_have ? m_snapshot.now : m_service.now());
        m_staleReason = tr("the database does not answer");
    }
    // Clocks keep ticking between refreshes: elapsed and SLA count from the data's time.
    if (m_have)
        m_incidents->setNow(m_service.now());
    updateHeader();
}

void WallWindow::showPage(int page)
{
    m_stack->setCurrentIndex(page);
    updateHeader();
}

void WallWindow::updateHeader()
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_service.now());
    m_title->setText(tr("SITREP"));
    m_clock->setText(now.toString(QStringLiteral("HH:mm")));
    static const QStringList names{tr("Active incidents"), tr("MTTR"), tr("MTTA"),
                                   tr("Incidents per week"), tr("SLA compliance")};
    m_pageLabel->setText(
        QStringLiteral("%1  %2/%3").arg(names.value(page())).arg(page() + 1).arg(pageCount()));
    if (m_have) {
        const auto &t = m_snapshot.metrics.tiles;
        QString html;
        for (int s = 1; s <= 4; ++s)
            html +=
                QStringLiteral(
                    "<span "
                    "style='color:%1'>&#9632;</span>&nbsp;SEV%2&nbsp;<b>%3</b>&nbsp;&nbsp;&nbsp; ")
                    .arg(severityColor(s).name())
                    .arg(s)
                    .arg(t.openBySeverity[s]);
        html += QStringLiteral("<span style='color:#ff4d4d'>%1&nbsp;<b>%2</b></span>")
                    .arg(tr("SLA breached"))
                    .arg(t.breaching);
        if (m_tiles->text() != html) {
            m_tiles->setText(html);
            fitTiles();
        }
    }
    if (m_staleSince.isValid()) {
        m_banner->setText(tr("⚠  Data stale since %1 — %2. Retrying…")
                              .arg(m_staleSince.toString(QStringLiteral("HH:mm")), m_staleReason));
        m_banner->setVisible(true);
    }
}

void WallWindow::applyScale()
{
    // One type scale for the header and the pages: the height on wide screens, less on
    // narrow ones, so 4:3, 5:4 and portrait screens show every column at any pixel ratio.
    const double base = std::max(300.0, wallScaleBase(size()));
    auto px = [base](double f, bool bold) {
        QFont font;
        font.setPixelSize(qMax(12, int(base * f)));
        font.setBold(bold);
        return font;
    };
    m_title->setFont(px(0.045, true));
    m_clock->setFont(px(0.045, true));
    m_pageLabel->setFont(px(0.028, false));
    m_banner->setFont(px(0.036, true));
    m_banner->setContentsMargins(0, int(base * 0.008), 0, int(base * 0.008));
    for (QLabel *l : {m_title, m_clock, m_tiles, m_pageLabel}) {
        QPalette p = l->palette();
        p.setColor(QPalette::WindowText, l == m_pageLabel ? kMuted : kText);
        l->setPalette(p);
    }
    fitTiles();
    // Chart text grows with the screen, as on the incidents page.
    const double scale = qMax(1.0, qRound(base / 1080.0 * 8) / 4.0);
    if (scale != m_chartScale) {
        m_chartScale = scale;
        m_charts->setAppearance(true, scale);
    }
}

void WallWindow::fitTiles()
{
    // The tiles take what the title, page and clock leave; their type shrinks until the
    // counts fit (they never push the window wider than its screen).
    const double base = std::max(300.0, wallScaleBase(size()));
    const auto *hl = m_title->parentWidget()->layout();
    const QMargins m = hl->contentsMargins();
    const int fixed = m_title->sizeHint().width() + m_pageLabel->sizeHint().width() +
                      m_clock->sizeHint().width() + 48 + 4 * qMax(0, hl->spacing()) + m.left() +
                      m.right();
    const int room = width() - fixed;
    m_tiles->setWordWrap(false);
    for (double f = 0.03; f > 0.005; f -= 0.002) {
        QFont font;
        font.setPixelSize(qMax(9, int(base * f)));
        m_tiles->setFont(font);
        if (m_tiles->sizeHint().width() <= room || font.pixelSize() <= 9)
            break;
    }
    // Still too wide at the smallest type (a small window at 200%): the counts wrap.
    if (m_tiles->sizeHint().width() > room) {
        m_tiles->setWordWrap(true);
        // The header's row grows to the wrapped lines (a box layout does not ask by itself).
        m_tiles->setMinimumHeight(m_tiles->heightForWidth(qMax(1, room)));
    } else {
        m_tiles->setMinimumHeight(0);
    }
}

void WallWindow::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    applyScale();
}

void WallWindow::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape || event->key() == Qt::Key_F11) {
        Q_EMIT exitRequested();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace sitrep::ui
