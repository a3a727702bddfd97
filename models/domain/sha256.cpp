// SPDX-License-Identifier: MIT
// The one-shot SHA256_* calls avoid the EVP layer's per-digest set-up cost (twice the time
// for 500-byte inputs); they are kept by OpenSSL 3 behind the 1.1 API level.
#define OPENSSL_API_COMPAT 0x10100000L
#include "domain/sha256.h"

#include <openssl/sha.h>

#include <new>

namespace sitrep::domain {

static_assert(sizeof(SHA256_CTX) <= 128);

static SHA256_CTX *ctx(std::array<unsigned char, 128> &storage)
{
    return std::launder(reinterpret_cast<SHA256_CTX *>(storage.data()));
}

Sha256::Sha256()
{
    SHA256_Init(new (m_ctx.data()) SHA256_CTX);
}

Sha256 &Sha256::add(QByteArrayView data)
{
    SHA256_Update(ctx(m_ctx), data.data(), size_t(data.size()));
    return *this;
}

QByteArray Sha256::result()
{
    QByteArray out(SHA256_DIGEST_LENGTH, Qt::Uninitialized);
    SHA256_Final(reinterpret_cast<unsigned char *>(out.data()), ctx(m_ctx));
    return out;
}

std::array<unsigned char, 20> sha1(QByteArrayView a, QByteArrayView b)
{
    SHA_CTX c;
    SHA1_Init(&c);
    SHA1_Update(&c, a.data(), size_t(a.size()));
    SHA1_Update(&c, b.data(), size_t(b.size()));
    std::array<unsigned char, 20> out;
    SHA1_Final(out.data(), &c);
    return out;
}

} // namespace sitrep::domain
