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
/// A scalar or a sequence of scalars, as a list.
QStringList strList(const YAML::Node &n);

} // namespace sitrep::workflow
