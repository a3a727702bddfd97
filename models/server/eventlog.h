// SPDX-License-Identifier: MIT
#pragma once

#include "server/identity.h"
#include "server/pg.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace sitrep::server {

/// A position in the change feed: (transaction id, sequence), written "XID-SEQ" ("0" is the
/// start). Opaque to clients.
struct Cursor {
    quint64 xid = 0;
    qint64 seq = 0;
    QString toString() const;
    static Result<Cursor> parse(const QString &text);
    bool operator==(const Cursor &) const = default;
};

/// What happened to one event of an append.
struct EventOutcome {
    enum class Kind { Accepted, Duplicate, Refused };
    QString id;
    Kind kind = Kind::Accepted;
    int code = 0; // for a refused event: 403, 404, 409 or 422
    QString error;
    QString number; // for an accepted incident.opened: the back end's number
};

struct AppendOutcome {
    QList<EventOutcome> results;
    QJsonArray added; // events the back end wrote (incident.renumbered)
    int accepted = 0;
    int duplicates = 0;
    int refused = 0;
    /// The first refusal, for callers that take all or nothing.
    const EventOutcome *firstRefusal() const;
};

struct ChangesPage {
    QByteArray eventsJson; // a JSON array of events, as stored
    int count = 0;
    Cursor next;
    bool more = false;
    qint64 total = -1;
};

/// The shared event log on PostgreSQL. Every call runs inside the caller's transaction
/// (see ApiServer), so an append, its incidents and its idempotency record commit together.
class EventLog {
public:
    explicit EventLog(pg::Connection &db) : m_db(db) {}

    /// Checks the shape of one event against the contract (422 when wrong).
    static Status validate(const QJsonObject &event);

    /// Appends events of any incidents, in order: each is checked (shape, identity rules,
    /// its incident exists), then stored once by id. An incident.opened event creates and
    /// numbers its incident and adds an incident.renumbered event.
    Result<AppendOutcome> append(const Principal &sender, const QJsonArray &events);

    /// How `changes` counts the events held: exactly, roughly (table statistics), or not.
    enum class Total { Exact, Estimate, None };
    /// Events after `since`, in feed order, at most `limit`.
    Result<ChangesPage> changes(const Cursor &since, int limit, Total total);

    /// The back end's view of one incident: found is false for an unknown one.
    struct IncidentView {
        bool found = false;
        QJsonObject json;
        qint64 version = 0;
    };
    Result<IncidentView> incident(const QString &id);
    /// The order-independent digest of an incident's events (domain::incidentDigest over
    /// every stored event but `conflict`s): found is false when no event names it.
    struct Digest {
        bool found = false;
        qint64 events = 0;
        QString digest;
    };
    Result<Digest> digest(const QString &id);
    /// The digests of many incidents in one query (ids in any UUID spelling; an id that is
    /// not a UUID or names no stored event is left out of the answer).
    Result<QHash<QString, Digest>> digests(const QStringList &ids);
    /// The largest hlc recorded for an incident (for events the back end writes itself).
    Result<qint64> maxHlc(const QString &id);

private:
    Status insertOne(const Principal &sender, const QJsonObject &event, bool *inserted);
    pg::Connection &m_db;
};

/// The canonical lower-case form of a UUID, or an empty string.
QString canonicalUuid(const QString &text);

/// A PostgreSQL array literal of text values, built value by value.
class PgTextArray {
public:
    void add(QByteArrayView value);
    void add(QStringView value) { add(QByteArrayView(value.toUtf8())); }
    bool isEmpty() const { return m_text.size() == 1; }
    QByteArray text() const { return m_text + '}'; }

private:
    QByteArray m_text = "{";
};
/// A PostgreSQL array literal of text values.
QByteArray pgTextArray(const QList<QByteArray> &values);

/// The stored form of an event: the sender's fields in a fixed shape, plus who relayed it
/// (`sentBy`: user and role).
QJsonObject storedForm(const QJsonObject &event, const QString &user, const QString &role);
/// The stored form as compact JSON, byte for byte what QJsonDocument writes for storedForm(),
/// written directly (the append's hot path).
QByteArray storedFormJson(const QJsonObject &event, const QString &user, const QString &role);
/// Appends `text` as a JSON string, byte for byte as QJsonDocument writes it.
void appendJsonString(QByteArray &out, QStringView text);

} // namespace sitrep::server
