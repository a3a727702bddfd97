// SPDX-License-Identifier: MIT
#include "sync/leases.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

namespace sitrep::sync {

QStringList jobs::all()
{
    return {SlaTick, Escalations, Reminders, Postmortems,
            Triage,  Remediation, Notifier,  SqsConsumer};
}

QString newHolderId()
{
    return QStringLiteral("%1:%2:%3")
        .arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate() & 0xffffff, 6, 16, QChar(u'0'));
}

SoleLeases::SoleLeases(QObject *parent) : Leases(parent), m_holder(newHolderId()) {}

void SoleLeases::want(const QString &job)
{
    if (m_wanted.contains(job))
        return;
    m_wanted << job;
    if (m_started) {
        m_held.insert(job);
        Q_EMIT acquired(job);
    }
}

bool SoleLeases::holds(const QString &job) const
{
    return m_held.contains(job);
}

void SoleLeases::start()
{
    if (m_started)
        return;
    m_started = true;
    for (const QString &job : std::as_const(m_wanted)) {
        m_held.insert(job);
        Q_EMIT acquired(job);
    }
}

void SoleLeases::stop()
{
    m_started = false;
    for (const QString &job : std::as_const(m_wanted))
        if (m_held.remove(job))
            Q_EMIT lost(job);
}

} // namespace sitrep::sync
