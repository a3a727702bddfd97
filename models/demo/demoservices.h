// SPDX-License-Identifier: MIT
#pragma once

#include <QList>

namespace sitrep::demo {

/// A service of the generated demo and benchmark data: its name and category, the incident
/// titles it has, and the root causes those incidents are closed with.
struct DemoService {
    const char *name;
    const char *category;
    QList<const char *> titles;
    QList<const char *> causes;
};

/// The fixed list of services the demo generator (and the core benchmark) draws from.
const QList<DemoService> &demoServices();

} // namespace sitrep::demo
