// SPDX-License-Identifier: MIT
#include "workflow/yamlutil.h"

#include <QFile>

namespace sitrep::workflow {

QString yamlError(const QString &source, const YAML::Mark &mark, const QString &message)
{
    if (mark.line < 0)
        return QStringLiteral("%1: %2").arg(source, message);
    return QStringLiteral("%1:%2: %3").arg(source).arg(mark.line + 1).arg(message);
}

Result<YAML::Node> parseYaml(const QByteArray &text, const QString &source)
{
    try {
        return YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        return Result<YAML::Node>::fail(yamlError(source, e.mark, QString::fromStdString(e.msg)),
                                        QStringLiteral("yaml"));
    } catch (const std::exception &e) {
        return Result<YAML::Node>::fail(
            QStringLiteral("%1: %2").arg(source, QString::fromUtf8(e.what())),
            QStringLiteral("yaml"));
    }
}

Result<YAML::Node> loadYamlFile(const QString &path)
{
    return loadSourceFile<YAML::Node>(path, parseYaml);
}

Result<QByteArray> readSourceFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::fail(
            QStringLiteral("%1: cannot read: %2").arg(path, f.errorString()), QStringLiteral("io"));
    return f.readAll();
}

Result<QByteArray> readConfigFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::fail(
            QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return f.readAll();
}

QString str(const YAML::Node &n, const QString &fallback)
{
    if (!n || !n.IsScalar())
        return fallback;
    return QString::fromStdString(n.Scalar());
}

QString looseName(const QString &s)
{
    QString out;
    for (const QChar c : s)
        if (c.isLetterOrNumber())
            out += c.toLower();
    return out;
}

QStringList strList(const YAML::Node &n)
{
    QStringList out;
    if (!n)
        return out;
    if (n.IsScalar()) {
        out << QString::fromStdString(n.Scalar());
    } else if (n.IsSequence()) {
        for (const auto &c : n)
            if (c.IsScalar())
                out << QString::fromStdString(c.Scalar());
    }
    return out;
}

} // namespace sitrep::workflow
