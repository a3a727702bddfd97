// SPDX-License-Identifier: MIT
#include "store/sqlite.h"

#include "store/logging.h"
#include "store/walbuffer.h"

#include <QStringEncoder>

#include <sqlite3.h>

namespace sitrep::store {

qsizetype appendUtf8(QByteArray &out, QStringView s)
{
    const qsizetype at = out.size();
    out.resize(at + s.size() * 3); // UTF-8 of one UTF-16 unit is at most 3 bytes
    QStringEncoder utf8(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    const char *end = utf8.appendToBuffer(out.data() + at, s);
    out.resize(end - out.constData());
    return out.size() - at;
}

Stmt::~Stmt()
{
    if (m_owned)
        sqlite3_finalize(m_stmt);
}

Stmt &Stmt::bind(int i, qint64 v)
{
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}
Stmt &Stmt::bind(int i, double v)
{
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
}
Stmt &Stmt::bind(int i, const QString &v)
{
    if (v.isEmpty()) {
        sqlite3_bind_text(m_stmt, i, "", 0, SQLITE_STATIC);
        return *this;
    }
    if (i < 1 || i > 4096) { // not a parameter number this code uses: let SQLite refuse it
        const QByteArray u = v.toUtf8();
        sqlite3_bind_text(m_stmt, i, u.constData(), int(u.size()), SQLITE_TRANSIENT);
        return *this;
    }
    if (m_text.size() < size_t(i))
        m_text.resize(size_t(i));
    QByteArray &buf = m_text[size_t(i) - 1];
    buf.resize(0); // keeps its capacity: a statement's parameter takes text of like sizes
    appendUtf8(buf, v);
    sqlite3_bind_text(m_stmt, i, buf.constData(), int(buf.size()), SQLITE_STATIC);
    return *this;
}
Stmt &Stmt::bindBlob(int i, const QByteArray &v)
{
    sqlite3_bind_blob(m_stmt, i, v.constData(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt &Stmt::bindText(int i, const QByteArray &utf8)
{
    sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt &Stmt::bindNull(int i)
{
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

Stmt &Stmt::bindAll(const QList<QVariant> &values, int first)
{
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &v = values[i];
        if (v.typeId() == QMetaType::QString)
            bind(first + i, v.toString());
        else if (v.typeId() == QMetaType::QByteArray)
            bindBlob(first + i, v.toByteArray());
        else
            bind(first + i, v.toLongLong());
    }
    return *this;
}

bool Stmt::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
    else
        m_error.clear();
    return false;
}

bool Stmt::exec()
{
    while (step()) {
    }
    const bool ok = m_error.isEmpty();
    return ok;
}

void Stmt::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_error.clear();
}

namespace {
// Storage classes as bits, so that a reader can list the ones it accepts.
constexpr int bit(int sqliteType)
{
    return 1 << sqliteType;
}
constexpr int kNumber = bit(SQLITE_INTEGER) | bit(SQLITE_FLOAT) | bit(SQLITE_NULL);
constexpr int kText = kNumber | bit(SQLITE_TEXT);
constexpr int kBlob = bit(SQLITE_BLOB) | bit(SQLITE_TEXT) | bit(SQLITE_NULL);

QString typeName(int sqliteType)
{
    static_assert(SQLITE_INTEGER == 1 && SQLITE_FLOAT == 2 && SQLITE_TEXT == 3 &&
                  SQLITE_BLOB == 4 && SQLITE_NULL == 5);
    static const char *const names[] = {"null", "integer", "float", "text", "blob", "null"};
    return QString::fromLatin1(names[sqliteType >= 1 && sqliteType <= 5 ? sqliteType : 0]);
}

QString wantName(int allowed)
{
    if (allowed == kNumber)
        return QStringLiteral("a number");
    if (allowed == kText)
        return QStringLiteral("text");
    return QStringLiteral("a blob");
}
} // namespace

RowReader::RowReader(const Stmt &s) : m_stmt(s.handle()), m_count(sqlite3_column_count(m_stmt)) {}

RowReader::~RowReader()
{
    if (m_checked || (m_badCol < 0 && m_col == m_count))
        return;
    const QString e = error();
    qWarning("sitrep.store: row does not match its reads: %s (in %s)", qPrintable(e),
             sqlite3_sql(m_stmt));
    Q_ASSERT_X(false, "RowReader", qPrintable(e));
}

bool RowReader::accept(int allowed)
{
    const int col = m_col++;
    if (col >= m_count) {
        if (m_badCol < 0) {
            m_badCol = col;
            m_badWant = allowed;
        }
        return false;
    }
    const int type = sqlite3_column_type(m_stmt, col);
    if (allowed & bit(type)) [[likely]]
        return true;
    if (m_badCol < 0) {
        m_badCol = col;
        m_badType = type;
        m_badWant = allowed;
    }
    return false;
}

qint64 RowReader::int64()
{
    return accept(kNumber) ? sqlite3_column_int64(m_stmt, m_col - 1) : 0;
}

double RowReader::real()
{
    return accept(kNumber) ? sqlite3_column_double(m_stmt, m_col - 1) : 0.0;
}

QString RowReader::text()
{
    if (!accept(kText))
        return {};
    const int col = m_col - 1;
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, col)) : QString();
}

QByteArray RowReader::blob()
{
    if (!accept(kBlob))
        return {};
    const int col = m_col - 1;
    const void *p = sqlite3_column_blob(m_stmt, col);
    return p ? QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(m_stmt, col))
             : QByteArray();
}

QVariant RowReader::value()
{
    switch (m_col < m_count ? sqlite3_column_type(m_stmt, m_col) : SQLITE_NULL) {
    case SQLITE_INTEGER:
        return int64();
    case SQLITE_FLOAT:
        return real();
    case SQLITE_TEXT:
        return text();
    case SQLITE_BLOB:
        return blob();
    default:
        accept(bit(SQLITE_NULL));
        return {};
    }
}

void RowReader::skip(int n)
{
    m_col += n;
    if (m_col > m_count && m_badCol < 0) {
        m_badCol = m_count;
        m_badWant = -1;
    }
}

bool RowReader::isNull() const
{
    return m_col < m_count && sqlite3_column_type(m_stmt, m_col) == SQLITE_NULL;
}

bool RowReader::isText() const
{
    return m_col < m_count && sqlite3_column_type(m_stmt, m_col) == SQLITE_TEXT;
}

QString RowReader::error() const
{
    m_checked = true;
    if (m_badCol >= m_count)
        return QStringLiteral("read column %1 of a row of %2 columns").arg(m_badCol).arg(m_count);
    if (m_badCol >= 0)
        return QStringLiteral("column %1 (%2) holds %3, read as %4")
            .arg(m_badCol)
            .arg(QString::fromUtf8(sqlite3_column_name(m_stmt, m_badCol)), typeName(m_badType),
                 wantName(m_badWant));
    if (m_col < m_count)
        return QStringLiteral("read %1 of %2 columns").arg(m_col).arg(m_count);
    return {};
}

Db::~Db()
{
    close();
}

void configureSqlite()
{
    // Not thread-safe in SQLite: the first call makes it, once, and every other waits for it.
    static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)rc; // SQLITE_MISUSE when SQLite had started already: then it stays as it is
}

Status Db::open(const QString &path, bool readOnly)
{
    configureSqlite();
    close();
    const int flags =
        readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags | SQLITE_OPEN_NOMUTEX,
                                   walBufferVfs());
    if (rc != SQLITE_OK) {
        const QString msg =
            m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory");
        close();
        return Status::fail(QStringLiteral("cannot open database %1: %2").arg(path, msg),
                            QStringLiteral("db"));
    }
    m_path = path;
    sqlite3_busy_timeout(m_db, 5000);
    sqlite3_extended_result_codes(m_db, 1);
    return {};
}

void Db::close()
{
    for (Stmt *s : std::as_const(m_cache)) {
        sqlite3_finalize(s->handle());
        delete s;
    }
    m_cache.clear();
    m_literals.clear();
    if (m_db)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

Status Db::exec(const QString &sql)
{
    char *err = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const QString msg = err ? QString::fromUtf8(err) : lastError();
        sqlite3_free(err);
        return Status::fail(msg, QStringLiteral("db"));
    }
    return {};
}

// Text a QStringLiteral made: static, without a header, never freed or moved while the
// program runs, so where it is names it.
static bool isLiteral(const QString &sql)
{
    return !sql.isEmpty() && const_cast<QString &>(sql).data_ptr().d_ptr() == nullptr;
}

Stmt *Db::prepare(const QString &sql)
{
    // Hot paths prepare the same literal statements for every row they touch: hashing and
    // comparing a long SQL text each time costs about what running a short statement does,
    // so a literal is found by its address first.
    const bool literal = isLiteral(sql);
    const std::pair<const void *, qsizetype> where{sql.constData(), sql.size()};
    if (literal)
        if (Stmt *s = m_literals.value(where)) {
            s->reset();
            return s;
        }
    if (Stmt *s = m_cache.value(sql)) {
        if (literal)
            m_literals.insert(where, s);
        s->reset();
        return s;
    }
    sqlite3_stmt *st = nullptr;
    const QByteArray u = sql.toUtf8();
    if (sqlite3_prepare_v3(m_db, u.constData(), int(u.size()), SQLITE_PREPARE_PERSISTENT, &st,
                           nullptr) != SQLITE_OK) {
        qCWarning(lcStore, "cannot prepare %s: %s", u.constData(), sqlite3_errmsg(m_db));
        return nullptr;
    }
    auto *s = new Stmt(st);
    m_cache.insert(sql, s);
    if (literal)
        m_literals.insert(where, s);
    return s;
}

qint64 Db::scalar(const QString &sql, const QList<QVariant> &binds, qint64 fallback)
{
    Stmt *s = prepare(sql);
    if (!s)
        return fallback;
    s->bindAll(binds);
    const qint64 v = s->step() ? RowReader(*s).int64() : fallback;
    s->reset();
    return v;
}

QStringList Db::texts(const QString &sql, const QList<QVariant> &binds)
{
    QStringList out;
    Stmt *s = prepare(sql);
    if (!s)
        return out;
    s->bindAll(binds);
    while (s->step())
        out << RowReader(*s).text();
    s->reset();
    return out;
}

std::unique_ptr<Stmt> Db::prepareOnce(const QString &sql)
{
    sqlite3_stmt *st = nullptr;
    const QByteArray u = sql.toUtf8();
    if (sqlite3_prepare_v2(m_db, u.constData(), int(u.size()), &st, nullptr) != SQLITE_OK)
        return nullptr;
    return std::make_unique<Stmt>(st, true);
}

QString Db::lastError() const
{
    return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("database not open");
}
qint64 Db::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}
int Db::changes() const
{
    return sqlite3_changes(m_db);
}
Status Db::begin()
{
    return exec(QStringLiteral("BEGIN IMMEDIATE"));
}
Status Db::beginRead()
{
    if (auto s = exec(QStringLiteral("BEGIN DEFERRED")); !s)
        return s;
    // The snapshot starts with the first read.
    if (auto s = exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")); !s) {
        rollback();
        return s;
    }
    return {};
}
Status Db::copyTo(const QString &path)
{
    Db dest;
    if (auto s = dest.open(path); !s)
        return s;
    sqlite3_backup *b = sqlite3_backup_init(dest.m_db, "main", m_db, "main");
    if (!b)
        return Status::fail(
            QStringLiteral("cannot copy the database to %1: %2").arg(path, dest.lastError()),
            QStringLiteral("db"));
    // All pages in one step: one read transaction on the source, so the copy is one
    // snapshot even while other connections write.
    const int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return Status::fail(QStringLiteral("cannot copy the database to %1: %2")
                                .arg(path, QString::fromUtf8(sqlite3_errstr(rc))),
                            QStringLiteral("db"));
    return {};
}
Status Db::commit()
{
    return exec(QStringLiteral("COMMIT"));
}
void Db::rollback()
{
    if (inTransaction())
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}
bool Db::inTransaction() const
{
    return m_db && sqlite3_get_autocommit(m_db) == 0;
}

} // namespace sitrep::store
