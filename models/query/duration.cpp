// SPDX-License-Identifier: MIT
#include "query/duration.h"

namespace sitrep::query {

QString formatDuration(qint64 ms)
{
    const bool neg = ms < 0;
    qint64 s = (neg ? -ms : ms) / 1000;
    const qint64 d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60;
    s %= 60;
    QString out;
    if (d > 0)
        out = QStringLiteral("%1d %2h").arg(d).arg(h);
    else if (h > 0)
        out = QStringLiteral("%1h %2m").arg(h).arg(m, 2, 10, QLatin1Char('0'));
    else if (m > 0)
        out = QStringLiteral("%1m %2s").arg(m).arg(s, 2, 10, QLatin1Char('0'));
    else
        out = QStringLiteral("%1s").arg(s);
    return neg ? u'-' + out : out;
}

} // namespace sitrep::query
