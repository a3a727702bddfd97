// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>

namespace sitrep::domain {

/// SHA-256 for the event log's hash chain, through libcrypto (hardware SHA extensions where
/// the CPU has them): several times faster than QCryptographicHash in Qt 6.4, which matters
/// when a bulk load hashes a million events. Same digest, byte for byte (tst_canonicaljson).
class Sha256 {
public:
    Sha256();
    Sha256 &add(QByteArrayView data);
    /// The 32-byte digest; the object is spent afterwards.
    QByteArray result();

private:
    alignas(8) std::array<unsigned char, 128> m_ctx;
};

/// SHA-1 of `a` followed by `b`, through libcrypto: for name-based UUIDs (version 5), which
/// QCryptographicHash makes slowly in Qt 6.4.
std::array<unsigned char, 20> sha1(QByteArrayView a, QByteArrayView b);

} // namespace sitrep::domain
