// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>
#include <yaml-cpp/yaml.h>

namespace sitrep::workflow {

/// "file:line: message", the form every YAML error in Sitrep takes.
QString yamlError(const QString &source, const YAML::Mark &mark, const QString &message);
/// Parses `text` as YAML; a syntax error names the source and line.
Result<YAML::Node> parseYaml(const QByteArray &text, const QString &source);
/// Reads a file (or a :/ resource) and parses it.
Result<YAML::Node> loadYamlFile(const QString &path);
/// The bytes of a source file (or a :/ resource), or "PATH: cannot read: why" (code io).
Result<QByteArray> readSourceFile(const QString &path);
/// A document read by readSourceFile and made by `parse(text, path)`.
template <typename T, typename Parse> Result<T> loadSourceFile(const QString &path, Parse parse)
{
    const auto text = readSourceFile(path);
    if (!text)
        return text.error();
    return parse(*text, path);
}
/// Parses `text` as YAML and makes a T of its root by `fromRoot(root)`. yaml-cpp throws when
/// a node has an unexpected shape (a scalar where a mapping belongs); that is bad input like
/// any other and comes back as "source:line: unexpected structure: ..." (code yaml).
template <typename T, typename FromRoot>
Result<T> parseYamlDocument(const QByteArray &text, const QString &source, FromRoot fromRoot)
{
    const auto root = parseYaml(text, source);
    if (!root)
        return root.error();
    try {
        return fromRoot(*root);
    } catch (const YAML::Exception &e) {
        return Result<T>::fail(
            yamlError(
                source, e.mark,
                QStringLiteral("unexpected structure: %1").arg(QString::fromStdString(e.msg))),
            QStringLiteral("yaml"));
    }
}
/// The bytes of a configuration file (or a :/ resource), or "cannot read PATH: why".
Result<QByteArray> readConfigFile(const QString &path);
/// A configuration read from a file by its `fromYaml(text, source)`.
template <typename Config>
Result<Config> loadConfigFile(const QString &path,
                              Result<Config> (*fromYaml)(const QByteArray &, const QString &))
{
    const auto text = readConfigFile(path);
    if (!text)
        return text.error();
    return fromYaml(*text, path);
}
QString str(const YAML::Node &n, const QString &fallback = {});
/// A name as it is compared loosely: its letters and digits, lower case ("Sev-1" = "sev1").
QString looseName(const QString &s);
/// A scalar or a sequence of scalars, as a list.
QStringList strList(const YAML::Node &n);

} // namespace sitrep::workflow
