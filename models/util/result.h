// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace sitrep {

/// An error as a value: a one-line, human readable message and an optional machine code.
struct Error {
    QString message;
    QString code;
};

/// Result<T>: either a value or an Error. Used at every boundary of the core instead of
/// exceptions (clang 14 with libstdc++ 12 cannot build <expected>).
template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    static Result fail(const QString &message, const QString &code = {})
    {
        return Result(Error{message, code});
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    T &value() { return *m_value; }
    const T &value() const { return *m_value; }
    T &operator*() { return *m_value; }
    const T &operator*() const { return *m_value; }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }
    const Error &error() const { return m_error; }
    QString errorMessage() const { return m_error.message; }

private:
    std::optional<T> m_value;
    Error m_error;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_failed(true), m_error(std::move(error)) {}
    static Result fail(const QString &message, const QString &code = {})
    {
        return Result(Error{message, code});
    }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }
    QString errorMessage() const { return m_error.message; }

private:
    bool m_failed = false;
    Error m_error;
};

using Status = Result<void>;

} // namespace sitrep
