// SPDX-License-Identifier: MIT
// libFuzzer target: the sentry normalizer. Any body: alerts or an error naming the problem.
#include "ingestfuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return sitrep::ingest::fuzz::normalizerInput(QStringLiteral("sentry"), data, size);
}
