// SPDX-License-Identifier: MIT
#include "util/outputfile.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace sitrep::util {

OutputFile::OutputFile(QString path) : m_path(std::move(path)) {}

OutputFile::~OutputFile()
{
    // Not committed: a regular file's temporary copy goes, the target stays as it was.
    if (auto *save = qobject_cast<QSaveFile *>(m_file.get()); save && save->isOpen())
        save->cancelWriting();
}

Status OutputFile::fail() const
{
    return Status::fail(QStringLiteral("cannot write %1: %2").arg(m_path, m_file->errorString()),
                        QStringLiteral("io"));
}

Status OutputFile::open()
{
    const QFileInfo info(m_path);
    // A device or a pipe cannot be replaced by a rename: it is written in place.
    if (info.exists() && !info.isFile() && !info.isDir())
        m_file = std::make_unique<QFile>(m_path);
    else
        m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly))
        return fail();
    return {};
}

Status OutputFile::check() const
{
    if (!m_file || m_file->error() != QFileDevice::NoError)
        return m_file ? fail()
                      : Status::fail(QStringLiteral("cannot write %1: not open").arg(m_path),
                                     QStringLiteral("io"));
    return {};
}

Status OutputFile::commit()
{
    if (auto s = check(); !s)
        return s;
    if (!m_file->flush())
        return fail();
    if (auto *save = qobject_cast<QSaveFile *>(m_file.get())) {
        if (!save->commit())
            return fail();
        return {};
    }
    m_file->close();
    if (m_file->error() != QFileDevice::NoError)
        return fail();
    return {};
}

Status writeOutputFile(const QString &path, const QByteArray &data)
{
    OutputFile f(path);
    if (auto s = f.open(); !s)
        return s;
    if (f.device()->write(data) != data.size())
        return f.check() ? Status::fail(QStringLiteral("cannot write %1: short write").arg(path),
                                        QStringLiteral("io"))
                         : f.check();
    return f.commit();
}

} // namespace sitrep::util
