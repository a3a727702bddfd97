// SPDX-License-Identifier: MIT
#pragma once

#include "metrics/metricsservice.h"
#include "ui/wall/wallrotation.h"

#include <QDateTime>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTimer;

namespace sitrep::ui {

class MetricsCharts;
class WallIncidentsPage;

/// The NOC wall: full screen, dark, large type, read only, no cursor. Rotates between the
/// active incidents and the dashboard charts; a new P1 interrupts the rotation. Data comes
/// from a MetricsService on its worker thread, so the window never waits on the database;
/// when refreshes fail (database locked or gone) it keeps the last data under a
/// "stale since HH:MM" banner and recovers on the next successful refresh.
class WallWindow final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WallWindow)
public:
    struct Options {
        int rotateSeconds = 20;
        int refreshMs = 5000;
        int rangeDays = 30;   // charts cover this many days
        int chartsEvery = 12; // chart buckets on every Nth refresh (1 minute at 5 s)
    };
    explicit WallWindow(metrics::MetricsService &service, QWidget *parent = nullptr);
    WallWindow(metrics::MetricsService &service, const Options &options, QWidget *parent = nullptr);
    ~WallWindow() override;

    /// Full screen on screen `index` (the primary one when out of range).
    void showOnScreen(int index);

    int page() const { return m_rotation.page(); }
    int pageCount() const { return m_rotation.pageCount(); }
    QString pageName() const;
    /// Next page now (what the rotation timer does).
    void rotate();
    /// Asks for fresh data now (what the refresh timer does).
    /// Asks for fresh data now (what the refresh timer does); charts every Nth time.
    void refresh();
    /// Runs the event loop until a refresh answered (data or failure).
    bool waitForRefresh(int timeoutMs = 10000);
    bool isStale() const { return m_staleSince.isValid(); }
    QDateTime staleSince() const { return m_staleSince; }
    QString bannerText() const;
    bool bannerVisible() const;
    const metrics::WallSnapshot &snapshot() const { return m_snapshot; }
    bool hasData() const { return m_have; }
    const WallRotation &rotation() const { return m_rotation; }
    /// Texts of the incidents page that did not fit their cells at the last paint (empty
    /// when every column shows in full).
    QStringList clippedTexts() const;

Q_SIGNALS:
    /// The user asked to leave wall mode (Esc / F11).
    void exitRequested();
    void refreshed(bool ok);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void onSnapshot(const metrics::WallSnapshot &s);
    void onFailed(const QString &what, const QString &message);
    void tick();
    void showPage(int page);
    void applyScale();
    void fitTiles();
    void updateHeader();

    metrics::MetricsService &m_service;
    Options m_options;
    WallRotation m_rotation;
    MetricsCharts *m_charts = nullptr;
    WallIncidentsPage *m_incidents = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_clock = nullptr;
    QLabel *m_pageLabel = nullptr;
    QLabel *m_tiles = nullptr;
    QLabel *m_banner = nullptr;
    QTimer *m_rotateTimer = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_tickTimer = nullptr;
    metrics::WallSnapshot m_snapshot;
    bool m_have = false;
    QDateTime m_staleSince;
    QString m_staleReason;
    qint64 m_requestedAt = 0; // monotonic ms of the unanswered request, 0 = none
    qint64 m_answers = 0;
    qint64 m_refreshes = 0;
    double m_chartScale = 0;
};

} // namespace sitrep::ui
