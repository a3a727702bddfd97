// SPDX-License-Identifier: MIT
#pragma once

#include "engine/command.h"
#include "engine/lifecycleengine.h"
#include "util/result.h"

#include <QList>

#include <functional>

namespace sitrep::demo {

struct DemoOptions {
    int incidents = 400;
    quint64 seed = 42;
    qint64 now = 0;            // end of the generated history (ms)
    int days = 90;             // history length
    bool fullTimelines = true; // notes, status updates, commanders, evidence
};

/// Realistic demo data: services and teams, alert storms, full timelines, resolved
/// incidents with believable MTTA/MTTR spreads per severity, and a few open fires.
/// The same seed gives the same commands.
QList<engine::Command> generateDemoCommands(const DemoOptions &options);

/// Runs the generated commands through the engine in batches; progress(done, total).
Result<int> runDemo(engine::LifecycleEngine &engine, const DemoOptions &options,
                    const std::function<void(qint64, qint64)> &progress = {});

} // namespace sitrep::demo
