// SPDX-License-Identifier: MIT
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>

#include <memory>

namespace sitrep::util {

/// A file written for the user (an export, a document), where every write error is an
/// error: a full disk, a device that refuses (/dev/full), a closed pipe. A regular file (or
/// a new one) is written next to its place and renamed over it by commit(), so a failed
/// write leaves whatever was there; a device or a pipe (/dev/stdout, a FIFO) is written
/// directly, since it cannot be replaced.
class OutputFile {
public:
    explicit OutputFile(QString path);
    ~OutputFile();
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    Status open();
    /// What to write to, once open() succeeded.
    QFileDevice *device() const { return m_file.get(); }
    /// The first write error so far ("cannot write PATH: REASON"), if any.
    Status check() const;
    /// Flushes, checks every error and puts the file in place; nothing is left behind for a
    /// regular file when it fails.
    Status commit();

private:
    Status fail() const;

    QString m_path;
    std::unique_ptr<QFileDevice> m_file;
};

/// Writes `data` to `path` through an OutputFile.
Status writeOutputFile(const QString &path, const QByteArray &data);

} // namespace sitrep::util
