// SPDX-License-Identifier: MIT
#include "domain/canonicaljson.h"

#include <QCborValue>
#include <QLocale>

#include <cmath>

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

QByteArray canonicalJson(const QJsonArray &array)
{
    QByteArray out;
    appendArray(out, array);
    return out;
}

QByteArray canonicalJson(const QStringList &list)
{
    QByteArray out;
    out += '[';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out += ',';
        appendJsonString(out, list[i]);
    }
    out += ']';
    return out;
}

} // namespace sitrep::domain
