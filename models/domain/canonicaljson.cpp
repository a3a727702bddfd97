// SPDX-License-Identifier: MIT
#include "domain/canonicaljson.h"

#include <QCborValue>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace sitrep::domain {

namespace {

char hexDigit(uint v)
{
    return char(v < 10 ? '0' + v : 'a' + v - 10);
}

void appendEscapedUnit(QByteArray &out, char16_t u)
{
    const char esc[] = {'\\',
                        'u',
                        hexDigit(u >> 12 & 0xf),
                        hexDigit(u >> 8 & 0xf),
                        hexDigit(u >> 4 & 0xf),
                        hexDigit(u & 0xf)};
    out.append(esc, sizeof esc);
}

void appendValue(QByteArray &out, const QJsonValue &v);

void appendObject(QByteArray &out, const QJsonObject &o)
{
    out += '{';
    bool first = true;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, it.key());
        out += ':';
        appendValue(out, it.value());
    }
    out += '}';
}

void appendArray(QByteArray &out, const QJsonArray &a)
{
    out += '[';
    bool first = true;
    for (const QJsonValue &v : a) {
        if (!first)
            out += ',';
        first = false;
        appendValue(out, v);
    }
    out += ']';
}

void appendValue(QByteArray &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        out += v.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double: {
        // Qt keeps integers and doubles apart inside a JSON value and spells them apart.
        const QCborValue c = QCborValue::fromJsonValue(v);
        if (c.isInteger()) {
            out += QByteArray::number(c.toInteger());
        } else {
            const double d = c.toDouble();
            if (std::isfinite(d))
                out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
            else
                out += "null";
        }
        break;
    }
    case QJsonValue::String:
        appendJsonString(out, v.toString());
        break;
    case QJsonValue::Array:
        appendArray(out, v.toArray());
        break;
    case QJsonValue::Object:
        appendObject(out, v.toObject());
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
    default:
        out += "null";
    }
}

} // namespace

void appendJsonString(QByteArray &out, QStringView s)
{
    const qsizetype start = out.size();
    out.resize(start + 2 + s.size() * 6); // the worst case: every unit escaped
    char *p = out.data() + start;
    *p++ = '"';
    const char16_t *src = s.utf16();
    const char16_t *const end = src + s.size();
    while (src != end) {
        const char16_t u = *src++;
        if (u < 0x80) {
            if (u >= 0x20 && u != '"' && u != '\\') {
                *p++ = char(u);
                continue;
            }
            *p++ = '\\';
            switch (u) {
            case '"':
                *p++ = '"';
                break;
            case '\\':
                *p++ = '\\';
                break;
            case 0x8:
                *p++ = 'b';
                break;
            case 0xc:
                *p++ = 'f';
                break;
            case 0xa:
                *p++ = 'n';
                break;
            case 0xd:
                *p++ = 'r';
                break;
            case 0x9:
                *p++ = 't';
                break;
            default:
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = hexDigit(u >> 4);
                *p++ = hexDigit(u & 0xf);
            }
        } else if (u < 0x800) {
            *p++ = char(0xc0 | (u >> 6));
            *p++ = char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            *p++ = char(0xe0 | (u >> 12));
            *p++ = char(0x80 | ((u >> 6) & 0x3f));
            *p++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
            const char32_t c = QChar::surrogateToUcs4(u, *src++);
            *p++ = char(0xf0 | (c >> 18));
            *p++ = char(0x80 | ((c >> 12) & 0x3f));
            *p++ = char(0x80 | ((c >> 6) & 0x3f));
            *p++ = char(0x80 | (c & 0x3f));
        } else {
            // A lone surrogate has no UTF-8 spelling: Qt writes it as an escape.
            const qsizetype at = p - out.data();
            out.resize(at);
            appendEscapedUnit(out, u);
            out.resize(out.size() + 2 + (end - src) * 6);
            p = out.data() + at + 6;
        }
    }
    *p++ = '"';
    out.resize(p - out.data());
}

QByteArray canonicalJson(const QJsonObject &object)
{
    QByteArray out;
    out.reserve(256);
    appendObject(out, object);
    return out;
}

// A JSON array of strings.
static void appendStrings(QByteArray &out, const QStringList &list)
{
    out += '[';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, list[i]);
    }
    out += ']';
}

CanonicalObject CanonicalObject::of(QJsonObject object)
{
    QByteArray json = canonicalJson(object);
    return CanonicalObject(std::move(object), std::move(json));
}

CanonicalObjectWriter::CanonicalObjectWriter()
{
    m_json.reserve(512);
    m_json += '{';
}

void CanonicalObjectWriter::key(QLatin1String key)
{
    if (m_json.size() > 1)
        m_json += ',';
    const bool plain = std::all_of(key.begin(), key.end(), [](char c) {
        return uchar(c) >= 0x20 && uchar(c) < 0x80 && c != '"' && c != '\\';
    });
    if (!plain) { // written with escapes: not compared, the bytes are written anew in finish()
        m_sorted = false;
        appendJsonString(m_json, QString(key));
        m_json += ':';
        return;
    }
    // QJsonObject orders keys by their UTF-16 units: for these, byte by byte. The previous key
    // is compared where it was written.
    const std::string_view k(key.data(), size_t(key.size()));
    if (m_lastKeyAt > 0 &&
        !(std::string_view(m_json.constData() + m_lastKeyAt, size_t(m_lastKeySize)) < k))
        m_sorted = false;
    m_json += '"';
    m_lastKeyAt = m_json.size();
    m_lastKeySize = key.size();
    m_json.append(key.data(), key.size());
    m_json += "\":";
}

CanonicalObjectWriter &CanonicalObjectWriter::string(QLatin1String k, QStringView value)
{
    key(k);
    appendJsonString(m_json, value);
    return *this;
}

CanonicalObjectWriter &CanonicalObjectWriter::boolean(QLatin1String k, bool value)
{
    key(k);
    m_json += value ? "true" : "false";
    return *this;
}

CanonicalObjectWriter &CanonicalObjectWriter::integer(QLatin1String k, qint64 value)
{
    key(k);
    char digits[24]; // decimal, as QByteArray::number() spells it
    m_json.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr - digits);
    return *this;
}

CanonicalObjectWriter &CanonicalObjectWriter::strings(QLatin1String k, const QStringList &value)
{
    key(k);
    appendStrings(m_json, value);
    return *this;
}

CanonicalObjectWriter &CanonicalObjectWriter::value(QLatin1String k, const QJsonValue &value)
{
    if (value.isUndefined()) // as QJsonObject::insert: no member at all
        return *this;
    key(k);
    appendValue(m_json, value);
    m_kept.append({QString(k), value});
    return *this;
}

CanonicalObject CanonicalObjectWriter::finish()
{
    m_json += '}';
    QJsonParseError error;
    QJsonObject object = QJsonDocument::fromJson(m_json, &error).object();
    Q_ASSERT(error.error == QJsonParseError::NoError);
    for (const auto &[k, v] : std::as_const(m_kept))
        object.insert(k, v);
    // Keys out of order: the object sorted them, the bytes did not.
    if (!m_sorted || error.error != QJsonParseError::NoError)
        return CanonicalObject::of(std::move(object));
    return CanonicalObject(std::move(object), std::move(m_json));
}

CanonicalObject CanonicalObjectWriter::finish(QHash<QByteArray, QJsonObject> &cache,
                                              qsizetype capacity)
{
    // Only what the bytes alone decide: keys in order and no value kept as given.
    if (!m_sorted || !m_kept.isEmpty())
        return finish();
    m_json += '}';
    if (const auto it = cache.constFind(m_json); it != cache.cend())
        return CanonicalObject(*it, it.key());
    m_json.chop(1);
    CanonicalObject made = finish();
    if (cache.size() >= capacity)
        cache.clear();
    cache.insert(made.json(), made.object());
    return made;
}

QByteArray canonicalJson(const QJsonArray &array)
{
    QByteArray out;
    appendArray(out, array);
    return out;
}

QByteArray canonicalJson(const QStringList &list)
{
    QByteArray out;
    appendStrings(out, list);
    return out;
}

} // namespace sitrep::domain
