// SPDX-License-Identifier: MIT
#pragma once
// Singleton jobs (the SLA tick, escalations, reminders, the notifier, remediation dispatch, the
// SQS consumer, ...) run in one process of a team at a time. A process says which jobs it
// would run; a Leases implementation tells it when it holds each one and when it lost it.

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace sitrep::sync {

/// The names of the singleton jobs, one lease each.
namespace jobs {
inline const QString SlaTick = QStringLiteral("sla-tick");
inline const QString Escalations = QStringLiteral("escalations");
inline const QString Reminders = QStringLiteral("reminders");
inline const QString Postmortems = QStringLiteral("postmortem-automation");
inline const QString Triage = QStringLiteral("triage");
inline const QString Remediation = QStringLiteral("remediation-dispatch");
inline const QString Notifier = QStringLiteral("notifier");
inline const QString SqsConsumer = QStringLiteral("sqs-consumer");
/// Every job above, in the order a host starts them.
QStringList all();
} // namespace jobs

/// How long a lease lasts and how often its holder renews it. A holder that dies is
/// replaced within ttl + renew.
struct LeaseTiming {
    int ttlMs = 15000;
    int renewMs = 5000;
};

/// Which singleton jobs this process holds. Implementations: SoleLeases (one process, no
/// back end: it holds everything), and the ones that keep leases through the back end or a
/// shared database.
class Leases : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Leases() override = default;

    /// A job this process would run; it is taken as soon as it is free.
    virtual void want(const QString &job) = 0;
    /// Whether this process holds `job` now.
    virtual bool holds(const QString &job) const = 0;
    /// Starts taking and renewing the wanted leases.
    virtual void start() = 0;
    /// Gives up every held lease (each emits lost()), so another process takes over at once.
    virtual void stop() = 0;
    /// Who holds the leases: unique per process ("host:pid:random").
    virtual QString holderId() const = 0;

Q_SIGNALS:
    void acquired(const QString &job);
    void lost(const QString &job);
};

/// One process and no back end: every wanted job is held from start() to stop().
class SoleLeases final : public Leases {
    Q_OBJECT
public:
    explicit SoleLeases(QObject *parent = nullptr);
    void want(const QString &job) override;
    bool holds(const QString &job) const override;
    void start() override;
    void stop() override;
    QString holderId() const override { return m_holder; }

private:
    QStringList m_wanted;
    QSet<QString> m_held;
    bool m_started = false;
    QString m_holder;
};

/// A holder id unique to this process: "host:pid:random".
QString newHolderId();

} // namespace sitrep::sync
