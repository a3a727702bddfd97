// SPDX-License-Identifier: MIT
// libFuzzer target: the webhook listener's HTTP/1.1 request parser.
#include "ingestfuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return sitrep::ingest::fuzz::httpParserInput(data, size);
}
