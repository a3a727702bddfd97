// SPDX-License-Identifier: MIT
// Waiting for the asynchronous APIs of the core in a test: the test's own event loop turns
// (QTest::qWaitFor) until the callback has run. The core itself never waits like this.
#pragma once

#include <QTest>

#include <optional>

namespace sitrep::testing {

/// Calls `start(done)` and turns the event loop until `done` got its value; a test that
/// gets no answer within `timeoutMs` stops with a fatal error rather than hang.
template <typename T, typename Start> T awaitCallback(Start &&start, int timeoutMs = 60000)
{
    std::optional<T> out;
    start([&out](T value) { out.emplace(std::move(value)); });
    if (!out && !QTest::qWaitFor([&out] { return out.has_value(); }, timeoutMs))
        qFatal("no answer within %d ms", timeoutMs);
    return std::move(*out);
}

} // namespace sitrep::testing
