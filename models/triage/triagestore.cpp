// SPDX-License-Identifier: MIT
#include "triage/triagestore.h"

#include "engine/lifecycleengine.h"
#include "runbooks/runbook.h"
#include "store/store.h"
#include "triage/remoteprovider.h"

#include <QFileInfo>

#include <QJsonArray>
#include <QJsonDocument>

namespace sitrep::triage {

using namespace sitrep::domain;
using engine::Command;

static const QString kFeedbackWhere =
    QStringLiteral("kind IN ('triage.accepted', 'triage.rejected')");

TriageSettings TriageSettings::fromStore(store::Store &st)
{
    TriageSettings s;
    s.kbDir = st.meta(QStringLiteral("triage.kb_dir"));
    const QString url = st.meta(QStringLiteral("triage.provider_url"));
    if (!url.isEmpty())
        s.providerUrl = QUrl(url);
    s.automatic = st.meta(QStringLiteral("triage.auto"), QStringLiteral("on")) != u"off";
    bool ok = false;
    const int n = st.meta(QStringLiteral("triage.retrain_after")).toInt(&ok);
    if (ok && n > 0)
        s.retrainAfter = n;
    return s;
}

const QList<QPair<QString, QString>> &settingKeys()
{
    static const QList<QPair<QString, QString>> k{
        {QStringLiteral("triage.kb_dir"),
         QStringLiteral("folder of Markdown knowledge-base articles triage searches")},
        {QStringLiteral("triage.provider_url"),
         QStringLiteral(
             "remote triage provider (https, or http on loopback); empty: the local model")},
        {QStringLiteral("triage.auto"),
         QStringLiteral("suggest triage for every new incident: on (default) or off")},
        {QStringLiteral("triage.retrain_after"),
         QStringLiteral("new resolved incidents before the model retrains (default 50)")},
    };
    return k;
}

Status validateSetting(const QString &key, const QString &value)
{
    if (key == u"triage.kb_dir") {
        if (!value.isEmpty() && !QFileInfo(value).isDir())
            return Status::fail(QStringLiteral("triage.kb_dir: %1 is not a folder").arg(value),
                                QStringLiteral("invalid"));
    } else if (key == u"triage.provider_url") {
        if (!value.isEmpty())
            if (auto s = RemoteProvider::checkUrl(QUrl(value, QUrl::StrictMode)); !s)
                return Status::fail(QStringLiteral("triage.provider_url: %1").arg(s.errorMessage()),
                                    QStringLiteral("invalid"));
    } else if (key == u"triage.auto") {
        if (value != u"on" && value != u"off")
            return Status::fail(QStringLiteral("triage.auto must be on or off"),
                                QStringLiteral("invalid"));
    } else if (key == u"triage.retrain_after") {
        bool ok = false;
        if (value.toInt(&ok) < 1 || !ok)
            return Status::fail(
                QStringLiteral("triage.retrain_after must be a positive whole number"),
                QStringLiteral("invalid"));
    } else {
        return Status::fail(QStringLiteral("unknown triage setting '%1'").arg(key),
                            QStringLiteral("invalid"));
    }
    return {};
}

static QStringList jsonList(const QString &text)
{
    QStringList out;
    for (const auto &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << v.toString();
    return out;
}

// The alerts as a JSON list in link order, from the incident's alert links.
static const QString kInputColumns = QStringLiteral(
    "title, description, services, (SELECT json_group_array(alert) FROM (SELECT alert FROM "
    "incident_alerts a WHERE a.incident = incidents.id ORDER BY ord)), severity, impact, urgency, "
    "category, subcategory, priority, assignment_group");

static void readInput(const store::Stmt &q, TriageInput &in, QHash<QString, QString> &labels)
{
    store::RowReader row(q);
    row.read(in.title, in.description);
    in.services = jsonList(row.text());
    in.alerts = jsonList(row.text());
    const auto sev = Severity(row.int64());
    in.severity = sev == Severity::Unknown ? QString() : severityName(sev);
    row.read(in.impact, in.urgency);
    labels.insert(QStringLiteral("category"), row.text());
    labels.insert(QStringLiteral("subcategory"), row.text());
    const auto pr = Priority(row.int64());
    labels.insert(QStringLiteral("priority"), pr == Priority::None ? QString() : priorityName(pr));
    labels.insert(QStringLiteral("assignment_group"), row.text());
}

Result<TrainingState> trainingState(store::Store &st)
{
    using R = Result<TrainingState>;
    auto &db = st.db();
    TrainingState s;
    auto q = db.prepareOnce(QStringLiteral("SELECT count(*) FROM incidents WHERE resolved_at > 0"));
    if (!q || !q->step())
        return R::fail(q ? q->error() : db.lastError(), QStringLiteral("db"));
    s.resolved = store::RowReader(*q).int64();
    auto f =
        db.prepareOnce(QStringLiteral("SELECT COALESCE(max(seq), 0), count(*) FROM events WHERE ") +
                       kFeedbackWhere);
    if (!f || !f->step())
        return R::fail(f ? f->error() : db.lastError(), QStringLiteral("db"));
    store::RowReader row(*f);
    row.read(s.feedbackSeq, s.feedbackCount);
    return s;
}

Result<QList<Example>> collectExamples(store::Store &st, const TriageSettings &settings,
                                       TrainingState *state)
{
    using R = Result<QList<Example>>;
    auto &db = st.db();
    // Read in one snapshot, so the state saved with the model matches its data.
    if (auto s = db.exec(QStringLiteral("BEGIN")); !s)
        return R::fail(s.errorMessage(), QStringLiteral("db"));
    struct EndRead {
        store::Db &db;
        ~EndRead() { (void)db.exec(QStringLiteral("COMMIT")); }
    } endRead{db};
    if (state) {
        auto s = trainingState(st);
        if (!s)
            return R(s.error());
        *state = *s;
    }
    QList<Example> out;
    auto q = db.prepareOnce(
        QStringLiteral("SELECT %1 FROM incidents WHERE resolved_at > 0 ORDER BY id DESC LIMIT ?")
            .arg(kInputColumns));
    if (!q)
        return R::fail(db.lastError(), QStringLiteral("db"));
    q->bind(1, qint64(settings.maxExamples));
    while (q->step()) {
        Example e;
        readInput(*q, e.input, e.labels);
        out << e;
    }
    if (!q->error().isEmpty())
        return R::fail(q->error(), QStringLiteral("db"));

    // Feedback exemplars: the newest decision per incident and field.
    auto f = db.prepareOnce(
        QStringLiteral("SELECT incident, kind, payload FROM events WHERE %1 ORDER BY seq")
            .arg(kFeedbackWhere));
    if (!f)
        return R::fail(db.lastError(), QStringLiteral("db"));
    QHash<QByteArray, QHash<QString, QString>> labels;
    QList<QByteArray> order;
    while (f->step()) {
        store::RowReader row(*f);
        const QByteArray inc = row.blob();
        const QString kind = row.text();
        const QJsonObject p = QJsonDocument::fromJson(row.text().toUtf8()).object();
        const QString field = p[u"field"].toString();
        if (!suggestedFields().contains(field))
            continue;
        QString label;
        if (kind == AcceptedKind)
            label = p[u"value"].toString();
        else
            label = p[u"corrected"].toString();
        if (!labels.contains(inc))
            order << inc;
        // A rejection without a correction says only "not this"; it clears an earlier accept.
        labels[inc][field] = label.trimmed();
    }
    auto byUid =
        db.prepareOnce(QStringLiteral("SELECT %1 FROM incidents WHERE uid = ?").arg(kInputColumns));
    if (!byUid)
        return R::fail(db.lastError(), QStringLiteral("db"));
    for (const QByteArray &inc : std::as_const(order)) {
        byUid->reset();
        byUid->bindBlob(1, inc);
        if (!byUid->step())
            continue;
        Example e;
        QHash<QString, QString> own;
        readInput(*byUid, e.input, own);
        for (auto it = labels[inc].cbegin(); it != labels[inc].cend(); ++it)
            if (!it.value().isEmpty())
                e.labels.insert(it.key(), it.value());
        if (e.labels.isEmpty())
            continue;
        e.weight = settings.feedbackWeight;
        out << e;
    }
    return out;
}

bool retrainDue(const std::optional<StoredModel> &current, const TrainingState &now,
                const TriageSettings &settings)
{
    if (!current)
        return now.resolved > 0;
    return now.resolved - current->trainedAt.resolved >= settings.retrainAfter ||
           now.feedbackCount - current->trainedAt.feedbackCount >= settings.feedbackRetrainAfter;
}

Status saveModel(store::Store &st, TriageModel &model, const TrainingState &state, qint64 now)
{
    auto &db = st.db();
    if (auto s = db.begin(); !s)
        return s;
    auto fail = [&](const QString &why) {
        db.rollback();
        return Status::fail(why, QStringLiteral("db"));
    };
    auto v =
        db.prepareOnce(QStringLiteral("SELECT COALESCE(max(version), 0) + 1 FROM triage_models"));
    if (!v || !v->step())
        return fail(v ? v->error() : db.lastError());
    model.version = store::RowReader(*v).int64();
    auto ins = db.prepareOnce(
        QStringLiteral("INSERT INTO triage_models(version, created_at, examples, resolved_count, "
                       "feedback_seq, feedback_count, model) VALUES(?,?,?,?,?,?,?)"));
    if (!ins)
        return fail(db.lastError());
    ins->bind(1, model.version)
        .bind(2, now)
        .bind(3, qint64(model.trainedOn))
        .bind(4, state.resolved)
        .bind(5, state.feedbackSeq)
        .bind(6, state.feedbackCount)
        .bindBlob(7, model.serialize());
    if (!ins->exec())
        return fail(ins->error());
    auto del = db.prepareOnce(QStringLiteral("DELETE FROM triage_models WHERE version <= ?"));
    if (!del)
        return fail(db.lastError());
    del->bind(1, model.version - 5);
    if (!del->exec())
        return fail(del->error());
    return db.commit();
}

Result<std::optional<StoredModel>> loadLatestModel(store::Store &st)
{
    using R = Result<std::optional<StoredModel>>;
    auto &db = st.db();
    auto q = db.prepareOnce(
        QStringLiteral("SELECT version, created_at, resolved_count, feedback_seq, feedback_count, "
                       "model FROM triage_models ORDER BY version DESC LIMIT 1"));
    if (!q)
        return R::fail(db.lastError(), QStringLiteral("db"));
    if (!q->step()) {
        if (!q->error().isEmpty())
            return R::fail(q->error(), QStringLiteral("db"));
        return std::optional<StoredModel>{};
    }
    store::RowReader row(*q);
    const qint64 version = row.int64();
    StoredModel sm;
    row.read(sm.createdAt, sm.trainedAt.resolved, sm.trainedAt.feedbackSeq,
             sm.trainedAt.feedbackCount);
    auto m = TriageModel::deserialize(row.blob());
    if (!m)
        return R(m.error());
    m->version = version;
    sm.model = std::make_shared<const TriageModel>(std::move(*m));
    return std::optional<StoredModel>(sm);
}

Result<StoredModel> trainAndSave(store::Store &st, const TriageSettings &settings, qint64 now)
{
    using R = Result<StoredModel>;
    TrainingState state;
    auto ex = collectExamples(st, settings, &state);
    if (!ex)
        return R(ex.error());
    auto m = TriageModel::train(*ex);
    if (!m)
        return R(m.error());
    if (auto s = saveModel(st, *m, state, now); !s)
        return R(s.error());
    StoredModel sm;
    sm.model = std::make_shared<const TriageModel>(std::move(*m));
    sm.trainedAt = state;
    sm.createdAt = now;
    return sm;
}

Result<ArticleIndex> buildKnowledgeBase(store::Store &st, const TriageSettings &settings,
                                        QStringList *warnings)
{
    runbooks::RunbookLibrary lib;
    lib.load(runbooks::RunbookLibrary::defaultFolders(
        runbooks::RunbookLibrary::userFolder(st.meta(QStringLiteral("runbooks.folder")))));
    if (warnings)
        *warnings << lib.errors();
    return ArticleIndex::build(st, lib, settings.kbDir, warnings);
}

TriageResult suggestLocally(const TriageModel &model, const ArticleIndex *kb,
                            const Incident &incident)
{
    TriageResult r;
    r.incidentUid = incident.uid;
    r.number = incident.number;
    const TriageInput in = TriageInput::fromIncident(incident);
    r.fields = model.predict(in);
    if (kb) {
        r.articles = kb->search(in, 3);
        // The best article that says how it was fixed; weak matches suggest nothing.
        for (const auto &a : std::as_const(r.articles)) {
            const KbDocument *d = kb->find(a.id);
            if (a.relevance >= 0.1 && d && !d->resolution.isEmpty()) {
                r.suggestedResolution = d->resolution;
                break;
            }
        }
    }
    r.modelVersion = QStringLiteral("local-v%1").arg(model.version);
    return r;
}

Result<TriageResult> suggestOnce(store::Store &st, const Incident &incident,
                                 const TriageSettings &settings, bool trainIfMissing, qint64 now)
{
    using R = Result<TriageResult>;
    auto loaded = loadLatestModel(st);
    if (!loaded)
        return R(loaded.error());
    std::shared_ptr<const TriageModel> model = *loaded ? (*loaded)->model : nullptr;
    if (!model) {
        if (!trainIfMissing)
            return R::fail(QStringLiteral("no triage model yet (sitrep triage train)"),
                           QStringLiteral("not_enough_data"));
        auto t = trainAndSave(st, settings, now);
        if (!t)
            return R(t.error());
        model = t->model;
    }
    auto kb = buildKnowledgeBase(st, settings);
    if (!kb)
        return R(kb.error());
    Incident withAlerts = incident;
    st.loadAlerts(withAlerts);
    return suggestLocally(*model, &*kb, withAlerts);
}

static Status checkValue(const QString &field, const QString &value)
{
    if (!suggestedFields().contains(field))
        return Status::fail(QStringLiteral("unknown triage field '%1' (fields: %2)")
                                .arg(field, suggestedFields().join(QStringLiteral(", "))),
                            QStringLiteral("invalid"));
    if (value.trimmed().isEmpty())
        return Status::fail(QStringLiteral("%1: no value").arg(field), QStringLiteral("invalid"));
    if (field == u"priority" && parsePriority(value) == Priority::None)
        return Status::fail(QStringLiteral("unknown priority '%1' (P1, P2, P3, P4)").arg(value),
                            QStringLiteral("invalid"));
    return {};
}

Status recordFeedback(engine::LifecycleEngine &engine, const QString &incident,
                      const QList<FieldFeedback> &feedback, const QString &modelVersion,
                      const QString &actor)
{
    if (feedback.isEmpty())
        return Status::fail(QStringLiteral("no field to accept or reject"),
                            QStringLiteral("invalid"));
    if (!engine.store().findIncident(incident))
        return Status::fail(QStringLiteral("no incident '%1'").arg(incident),
                            QStringLiteral("not_found"));
    QList<Command> batch;
    for (const auto &f : feedback) {
        if (auto s = checkValue(f.field, f.value); !s)
            return s;
        if (!f.corrected.isEmpty())
            if (auto s = checkValue(f.field, f.corrected); !s)
                return s;
        QJsonObject p{{QStringLiteral("field"), f.field},
                      {QStringLiteral("value"), f.value},
                      {QStringLiteral("model_version"), modelVersion}};
        if (!f.accepted && !f.corrected.isEmpty())
            p[u"corrected"] = f.corrected.trimmed();
        batch << Command::make(Command::Kind::Record, incident,
                               {{QStringLiteral("kind"), f.accepted ? AcceptedKind : RejectedKind},
                                {QStringLiteral("payload"), p}},
                               actor);
        const QString set = f.accepted ? f.value : f.corrected;
        if (!set.isEmpty())
            batch << Command::make(
                Command::Kind::SetField, incident,
                {{QStringLiteral("field"), f.field}, {QStringLiteral("value"), set.trimmed()}},
                actor);
    }
    auto r = engine.executeBatch(batch);
    if (!r)
        return Status::fail(r.errorMessage(), r.error().code);
    QStringList errors;
    for (const auto &one : *r)
        if (!one)
            errors << one.errorMessage();
    if (!errors.isEmpty())
        return Status::fail(errors.join(QStringLiteral("; ")), QStringLiteral("invalid"));
    return {};
}

Status recordSuggestion(engine::LifecycleEngine &engine, const TriageResult &result,
                        const QString &actor)
{
    auto r = engine.execute(Command::make(
        Command::Kind::Record, result.incidentUid.isEmpty() ? result.number : result.incidentUid,
        {{QStringLiteral("kind"), SuggestedKind},
         {QStringLiteral("payload"), result.eventPayload()}},
        actor));
    if (!r)
        return Status::fail(r.errorMessage(), r.error().code);
    return {};
}

std::optional<SuggestionState> latestSuggestion(const QList<Event> &timeline)
{
    std::optional<SuggestionState> s;
    for (const auto &e : timeline) {
        if (e.kind == SuggestedKind) {
            auto r = TriageResult::fromJson(e.payload);
            if (!r)
                continue;
            s = SuggestionState{*r, e.ts, e.id, {}};
            s->result.incidentUid = e.incidentUid;
        } else if (s && (e.kind == AcceptedKind || e.kind == RejectedKind)) {
            s->decisions.insert(e.payload[u"field"].toString(), e.kind == AcceptedKind
                                                                    ? QStringLiteral("accepted")
                                                                    : QStringLiteral("rejected"));
        }
    }
    return s;
}

} // namespace sitrep::triage
