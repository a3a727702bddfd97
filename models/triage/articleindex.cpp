// SPDX-License-Identifier: MIT
#include "triage/articleindex.h"

#include "runbooks/runbook.h"
#include "store/store.h"
#include "triage/classifier.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace sitrep::triage {

QStringList ArticleIndex::terms(const QString &text) const
{
    return tokenize(text);
}

void ArticleIndex::add(KbDocument doc)
{
    m_pendingTerms << terms(doc.title + u' ' + doc.title + u' ' + doc.text);
    m_byId.insert(doc.id, int(m_docs.size()));
    m_docs << std::move(doc);
}

void ArticleIndex::finalize()
{
    QHash<QString, int> df;
    for (const auto &t : std::as_const(m_pendingTerms)) {
        const QSet<QString> u(t.cbegin(), t.cend());
        for (const auto &w : u)
            ++df[w];
    }
    const double n = double(m_docs.size());
    m_idf.clear();
    for (auto it = df.cbegin(); it != df.cend(); ++it)
        m_idf.insert(it.key(), float(std::log((1.0 + n) / (1.0 + it.value())) + 1.0));
    m_postings.clear();
    for (int d = 0; d < m_pendingTerms.size(); ++d) {
        QHash<QString, int> tf;
        for (const auto &w : m_pendingTerms[d])
            ++tf[w];
        QList<QPair<QString, double>> weights;
        double norm = weigh(tf, weights);
        norm = norm > 0 ? std::sqrt(norm) : 1.0;
        for (const auto &[w, x] : std::as_const(weights))
            m_postings[w] << qMakePair(d, float(x / norm));
    }
    m_pendingTerms.clear();
    m_pendingTerms.squeeze();
}

double ArticleIndex::weigh(const QHash<QString, int> &counts,
                           QList<QPair<QString, double>> &out) const
{
    double sumSquares = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const double x = (1.0 + std::log(double(it.value()))) * m_idf.value(it.key());
        out << qMakePair(it.key(), x);
        sumSquares += x * x;
    }
    return sumSquares;
}

QList<ArticleMatch> ArticleIndex::search(const TriageInput &in, int limit) const
{
    return search(QStringList{in.title, in.description.left(4000), in.services.join(u' '),
                              in.alerts.join(u' ')}
                      .join(u' '),
                  limit);
}

QList<ArticleMatch> ArticleIndex::search(const QString &text, int limit) const
{
    QHash<QString, int> tf;
    for (const auto &w : terms(text))
        if (m_idf.contains(w))
            ++tf[w];
    QList<QPair<QString, double>> q;
    double norm = weigh(tf, q);
    if (q.isEmpty() || limit <= 0)
        return {};
    norm = std::sqrt(norm);
    // Dense accumulators (one per thread, reused): common words have postings in most of
    // the documents, where a hash map per query costs more than the scoring itself.
    thread_local std::vector<double> score;
    thread_local std::vector<int> touched;
    if (score.size() < size_t(m_docs.size()))
        score.resize(size_t(m_docs.size()), 0.0); // all zero between calls
    touched.clear();
    for (const auto &[w, x] : std::as_const(q)) {
        const auto it = m_postings.constFind(w);
        if (it == m_postings.cend())
            continue;
        const double qw = x / norm;
        for (const auto &[d, dw] : *it) {
            if (score[d] == 0.0)
                touched.push_back(d);
            score[d] += qw * dw;
        }
    }
    QList<QPair<int, double>> ranked;
    ranked.reserve(qsizetype(touched.size()));
    for (int d : touched) {
        ranked << qMakePair(d, score[d]);
        score[d] = 0.0;
    }
    // Ties go to the earlier document, so results do not depend on hash order.
    auto better = [](const QPair<int, double> &a, const QPair<int, double> &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    const int keep = std::min(int(ranked.size()), limit * 20);
    std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), better);
    QList<ArticleMatch> out;
    QSet<QString> seen;
    for (int i = 0; i < keep && out.size() < limit; ++i) {
        const KbDocument &doc = m_docs[ranked[i].first];
        // Incidents resolved with the same note are one answer; articles without a fix
        // are told apart by their title.
        const QString key = doc.resolution.trimmed().isEmpty()
                                ? doc.title.trimmed().toLower()
                                : doc.resolution.simplified().toLower();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        out << ArticleMatch{doc.id, doc.title, doc.source, doc.location,
                            std::clamp(ranked[i].second, 0.0, 1.0)};
    }
    return out;
}

const KbDocument *ArticleIndex::find(const QString &id) const
{
    const auto it = m_byId.constFind(id);
    return it == m_byId.cend() ? nullptr : &m_docs[*it];
}

// --- sources ---

static QStringList jsonStrings(const QString &json)
{
    QStringList out;
    for (const auto &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out << v.toString();
    return out;
}

// A resolved incident as an article, the same in the index and when opened.
static KbDocument resolutionDocument(const QString &number, const QString &title,
                                     const QString &description, const QString &resolution,
                                     const QString &rootCause)
{
    KbDocument d;
    d.id = QStringLiteral("resolution:") + number;
    d.title = QStringLiteral("%1: %2").arg(number, title);
    d.source = QStringLiteral("resolution");
    d.resolution = resolution;
    d.body = QStringLiteral("# %1\n\n%2\n\n**Resolution:** %3\n\n**Root cause:** %4\n")
                 .arg(d.title, description, resolution,
                      rootCause.isEmpty() ? QStringLiteral("-") : rootCause);
    return d;
}

// A known-error article from the columns id, title, body, workaround (the resolution).
static KbDocument knownErrorDocument(store::RowReader &row)
{
    KbDocument d;
    row.read(d.id, d.title);
    d.source = QStringLiteral("known_error");
    row.read(d.body, d.resolution);
    return d;
}

static KbDocument runbookDocument(const runbooks::Runbook &rb)
{
    KbDocument d;
    d.id = QStringLiteral("runbook:") + rb.id;
    d.title = rb.name.isEmpty() ? rb.id : rb.name;
    d.source = QStringLiteral("runbook");
    d.location = rb.source;
    QStringList text{rb.description, rb.services.join(u' ')};
    QString body = QStringLiteral("# %1\n\n%2\n\n").arg(d.title, rb.description);
    for (const auto &t : rb.triggers)
        text << t.alert;
    QStringList steps;
    int n = 0;
    for (const auto &s : rb.steps) {
        ++n;
        text << s.name << s.description;
        const QStringList cmds = runbooks::Runbook::allCommands(s);
        body += QStringLiteral("%1. **%2** %3\n").arg(n).arg(s.name, s.description);
        for (const auto &c : cmds)
            body += QStringLiteral("   `%1`\n").arg(c);
        steps << (cmds.isEmpty() ? s.name : QStringLiteral("%1 (%2)").arg(s.name, cmds.first()));
    }
    d.text = text.join(u' ');
    d.body = body;
    d.resolution = steps.isEmpty() ? QString()
                                   : QStringLiteral("Follow runbook \"%1\": %2")
                                         .arg(d.title, steps.mid(0, 4).join(QStringLiteral("; ")));
    return d;
}

QList<KbDocument> ArticleIndex::markdownArticles(const QString &dir, QStringList *warnings)
{
    QList<KbDocument> out;
    if (dir.isEmpty())
        return out;
    const QDir root(dir);
    if (!root.exists()) {
        if (warnings)
            *warnings << QStringLiteral("knowledge-base folder %1 does not exist").arg(dir);
        return out;
    }
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.md"), QStringLiteral("*.markdown")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    static const QRegularExpression heading(QStringLiteral("^(#{1,6})\\s+(.*)$"));
    static const QRegularExpression fixHeading(
        QStringLiteral("^(resolution|fix|workaround|remediation|solution|mitigation)"),
        QRegularExpression::CaseInsensitiveOption);
    for (const QString &path : std::as_const(files)) {
        QFile f(path);
        if (f.size() > 1024 * 1024 || !f.open(QIODevice::ReadOnly)) {
            if (warnings)
                *warnings << QStringLiteral("%1: %2").arg(
                    path, f.size() > 1024 * 1024 ? QStringLiteral("larger than 1 MiB, skipped")
                                                 : f.errorString());
            continue;
        }
        const QString text = QString::fromUtf8(f.readAll());
        KbDocument d;
        d.id = QStringLiteral("md:") + root.relativeFilePath(path);
        d.source = QStringLiteral("markdown");
        d.location = QFileInfo(path).absoluteFilePath();
        d.body = text;
        d.text = text;
        QString firstParagraph, fix;
        int fixLevel = 0;
        bool inFix = false, afterTitle = false;
        for (const QString &line : text.split(u'\n')) {
            const auto m = heading.match(line.trimmed());
            if (m.hasMatch()) {
                const int level = int(m.captured(1).size());
                if (d.title.isEmpty() && level == 1) {
                    d.title = m.captured(2).trimmed();
                    afterTitle = true;
                    continue;
                }
                if (inFix && level <= fixLevel)
                    inFix = false;
                if (fix.isEmpty() && fixHeading.match(m.captured(2).trimmed()).hasMatch()) {
                    inFix = true;
                    fixLevel = level;
                }
                afterTitle = false;
                continue;
            }
            if (inFix)
                fix += line + u'\n';
            else if (afterTitle && firstParagraph.isEmpty() && !line.trimmed().isEmpty())
                firstParagraph = line.trimmed();
        }
        if (d.title.isEmpty())
            d.title = QFileInfo(path).completeBaseName();
        d.resolution = (fix.trimmed().isEmpty() ? firstParagraph : fix).trimmed();
        out << d;
    }
    return out;
}

// Adds the document `toDocument` makes of each row of the one-off query `sql` (with `limit`,
// when given, bound to its one parameter) to `kb`; fails with the database's error.
template <class ToDocument>
static Status addRows(store::Db &db, const QString &sql, std::optional<qint64> limit,
                      ArticleIndex &kb, ToDocument toDocument)
{
    auto q = db.prepareOnce(sql);
    if (!q)
        return Status::fail(db.lastError(), QStringLiteral("db"));
    if (limit)
        q->bind(1, *limit);
    while (q->step()) {
        store::RowReader row(*q);
        kb.add(toDocument(row));
    }
    if (!q->error().isEmpty())
        return Status::fail(q->error(), QStringLiteral("db"));
    return {};
}

Result<ArticleIndex> ArticleIndex::build(store::Store &store,
                                         const runbooks::RunbookLibrary &runbooks,
                                         const QString &markdownDir, QStringList *warnings,
                                         int maxResolutions)
{
    ArticleIndex kb;
    auto &db = store.db();
    const Status resolutions = addRows(
        db,
        QStringLiteral("SELECT number, title, description, services, category, subcategory, "
                       "resolution_note, root_cause FROM incidents "
                       "WHERE resolved_at > 0 AND resolution_note != '' "
                       "ORDER BY resolved_at DESC LIMIT ?"),
        qint64(maxResolutions), kb, [](store::RowReader &row) {
            const QString number = row.text();
            const QString title = row.text();
            const QString description = row.text();
            const QString services = jsonStrings(row.text()).join(u' ');
            const QString category = row.text();
            const QString subcategory = row.text();
            const QString resolution = row.text().trimmed();
            const QString rootCause = row.text();
            KbDocument d = resolutionDocument(number, title, description, resolution, rootCause);
            d.text =
                QStringList{
                    description.left(2000), services, category, subcategory, resolution, rootCause}
                    .join(u' ');
            return d;
        });
    if (!resolutions)
        return resolutions.error();
    const Status knownErrors =
        addRows(db,
                QStringLiteral("SELECT a.id, a.title, a.body, COALESCE(k.workaround, ''), a.tags, "
                               "COALESCE(k.symptom, '') FROM kb_articles a "
                               "LEFT JOIN known_errors k ON k.number = a.id "
                               "WHERE a.kind = 'known_error' ORDER BY a.id"),
                {}, kb, [](store::RowReader &row) {
                    KbDocument d = knownErrorDocument(row);
                    const QString tags = jsonStrings(row.text()).join(u' ');
                    const QString symptom = row.text();
                    d.text = QStringList{symptom, d.body, tags}.join(u' ');
                    d.resolution = d.resolution.trimmed();
                    return d;
                });
    if (!knownErrors)
        return knownErrors.error();
    for (const auto &rb : runbooks.runbooks())
        kb.add(runbookDocument(rb));
    for (auto &d : markdownArticles(markdownDir, warnings))
        kb.add(std::move(d));
    kb.finalize();
    return kb;
}

Result<KbDocument> loadArticle(store::Store &store, const QString &id, const QString &markdownDir)
{
    using R = Result<KbDocument>;
    if (id.startsWith(u"md:")) {
        for (auto &d : ArticleIndex::markdownArticles(markdownDir))
            if (d.id == id)
                return d;
    } else if (id.startsWith(u"runbook:")) {
        runbooks::RunbookLibrary lib;
        lib.load(runbooks::RunbookLibrary::defaultFolders(
            runbooks::RunbookLibrary::userFolder(store.meta(QStringLiteral("runbooks.folder")))));
        if (const auto *rb = lib.find(id.mid(8)))
            return runbookDocument(*rb);
    } else {
        // Resolution notes and known errors come from the database: build a one-off index
        // over just the matching row.
        const bool resolution = id.startsWith(u"resolution:");
        auto &db = store.db();
        auto q =
            resolution
                ? db.prepareOnce(
                      QStringLiteral("SELECT number, title, description, resolution_note, "
                                     "root_cause FROM incidents WHERE number = ?"))
                : db.prepareOnce(QStringLiteral(
                      "SELECT a.id, a.title, a.body, COALESCE(k.workaround, '') FROM kb_articles a "
                      "LEFT JOIN known_errors k ON k.number = a.id WHERE a.id = ?"));
        if (!q)
            return R::fail(db.lastError(), QStringLiteral("db"));
        q->bind(1, resolution ? id.mid(11) : id);
        if (q->step()) {
            store::RowReader row(*q);
            if (!resolution)
                return knownErrorDocument(row);
            const QString number = row.text();
            const QString title = row.text();
            const QString description = row.text();
            const QString note = row.text();
            return resolutionDocument(number, title, description, note, row.text());
        }
    }
    return R::fail(QStringLiteral("no knowledge-base article '%1'").arg(id),
                   QStringLiteral("not_found"));
}

} // namespace sitrep::triage
