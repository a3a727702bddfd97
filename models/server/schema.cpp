// SPDX-License-Identifier: MIT
#include "server/schema.h"

#include <QList>
#include <QScopeGuard>

namespace sitrep::server {

namespace {

struct Migration {
    int version;
    const char *name;
    const char *sql;
};

// Append only: a released migration never changes; a change is a new version.
const QList<Migration> &migrations()
{
    static const QList<Migration> all{
        {1, "users, incidents, event log, idempotency", R"SQL(
CREATE TABLE users (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    role         text NOT NULL CHECK (role IN ('viewer', 'responder', 'commander', 'agent', 'admin')),
    token_hash   text UNIQUE,
    disabled     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    token_set_at timestamptz
);
CREATE SEQUENCE incident_number_seq;
CREATE TABLE incidents (
    id           uuid PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    state        text NOT NULL,
    priority     text NOT NULL,
    sla_deadline bigint NOT NULL,
    fields       jsonb NOT NULL DEFAULT '{}',
    version      bigint NOT NULL DEFAULT 0,
    max_hlc      bigint NOT NULL DEFAULT 0,
    created_by   text NOT NULL
);
-- The change feed's order is (xid, seq): a row becomes visible to the feed only once every
-- transaction that started before it has ended, so a page never skips a late commit.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    id          uuid NOT NULL UNIQUE,
    incident    uuid NOT NULL,
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    kind        text NOT NULL,
    actor       text NOT NULL,
    sent_by     text NOT NULL,
    sent_role   text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    body        text NOT NULL
);
CREATE INDEX events_feed ON events (xid, seq);
CREATE INDEX events_by_incident ON events (incident, seq);
CREATE TABLE idempotency (
    user_id      bigint NOT NULL REFERENCES users (id),
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
)SQL"},
        {2, "leases of singleton jobs", R"SQL(
-- One row per singleton job (the SLA tick, the notifier, ...): which process runs it and
-- until when. Times are the database's clock only, so instances never compare clocks.
CREATE TABLE leases (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    holder      text NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
    held_by     text NOT NULL,
    ttl_ms      integer NOT NULL CHECK (ttl_ms BETWEEN 1000 AND 300000),
    acquired_at timestamptz NOT NULL,
    renewed_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
)SQL"},
    };
    return all;
}

constexpr const char *kLockKey = "72616174"; // any constant: the migration lock

} // namespace

int schemaVersion()
{
    return migrations().last().version;
}

Result<int> currentSchemaVersion(pg::Connection &db)
{
    pg::Result t = db.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!t.ok())
        return Result<int>::fail(t.error(), QStringLiteral("unavailable"));
    if (!pg::RowReader(t, 0).boolean())
        return 0;
    pg::Result v = db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!v.ok())
        return Result<int>::fail(v.error(), QStringLiteral("unavailable"));
    return int(pg::RowReader(v, 0).int64());
}

Result<int> migrate(pg::Connection &db)
{
    using R = Result<int>;
    if (pg::Result r = db.exec(QByteArray("SELECT pg_advisory_lock(") + kLockKey + ")"); !r.ok())
        return R::fail(r.error(), QStringLiteral("unavailable"));
    auto unlock =
        qScopeGuard([&] { db.exec(QByteArray("SELECT pg_advisory_unlock(") + kLockKey + ")"); });
    if (auto s = db.execScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
            "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        !s)
        return R(s.error());
    auto current = currentSchemaVersion(db);
    if (!current)
        return R(current.error());
    if (*current > schemaVersion())
        return R::fail(QStringLiteral("the database is at schema version %1, newer than this "
                                      "sitrep-server (%2): upgrade the server")
                           .arg(*current)
                           .arg(schemaVersion()));
    int ran = 0;
    for (const Migration &m : migrations()) {
        if (m.version <= *current)
            continue;
        const QByteArray script = QByteArray("BEGIN;\n") + m.sql +
                                  "\nINSERT INTO schema_migrations(version, name) VALUES (" +
                                  QByteArray::number(m.version) + ", '" + m.name + "');\nCOMMIT;";
        if (auto s = db.execScript(script); !s) {
            (void)db.execScript("ROLLBACK");
            return R::fail(QStringLiteral("migration %1 (%2) failed: %3")
                               .arg(m.version)
                               .arg(QString::fromUtf8(m.name), s.errorMessage()));
        }
        ++ran;
    }
    return ran;
}

} // namespace sitrep::server
