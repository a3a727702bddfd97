// SPDX-License-Identifier: MIT
// Data-driven checks of YAML files that must be refused with an error naming the file and
// the line: the workflow and on-call loaders answer the same way.
#pragma once

#include <QByteArray>
#include <QString>
#include <QTest>

namespace sitrep::testing {

/// For a data-driven test with the columns yaml (QByteArray), line (int) and mentions
/// (QString): `parse(yaml, file)` must fail with an error of one line that starts with
/// "FILE:LINE: " and mentions `mentions`.
template <class Parse> void verifyYamlRowRefused(const QString &file, Parse parse)
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(QString, mentions);
    const auto parsed = parse(yaml, file);
    QVERIFY(!parsed.ok());
    const QString msg = parsed.errorMessage();
    const QString prefix = QStringLiteral("%1:%2: ").arg(file).arg(line);
    QVERIFY2(msg.startsWith(prefix),
             qPrintable(QStringLiteral("expected '%1...', got '%2'").arg(prefix, msg)));
    QVERIFY2(msg.contains(mentions), qPrintable(msg));
    QVERIFY2(!msg.contains(u'\n'), "an error is one line");
}

} // namespace sitrep::testing
