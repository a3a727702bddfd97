// SPDX-License-Identifier: MIT
#include "cliio.h"

#include <cstdio>

namespace sitrep::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

int failWith(const char *command, const QString &message)
{
    out().flush();
    if (command && *command)
        fprintf(stderr, "sitrep %s: %s\n", command, message.toUtf8().constData());
    else
        fprintf(stderr, "sitrep: %s\n", message.toUtf8().constData());
    return 1;
}

} // namespace sitrep::cli
