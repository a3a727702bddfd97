// SPDX-License-Identifier: MIT
#pragma once

#include "triage/triageresult.h"
#include "util/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sitrep::store {
class Store;
}
namespace sitrep::runbooks {
class RunbookLibrary;
}

namespace sitrep::triage {

/// One searchable article.
struct KbDocument {
    QString id;
    QString title;
    QString source;     // resolution | known_error | runbook | markdown
    QString location;   // file for runbooks / Markdown
    QString text;       // what is matched against (title, symptoms, services ...)
    QString body;       // what is shown (Markdown)
    QString resolution; // the fix this article suggests, if it has one
};

/// A TF-IDF cosine index over the knowledge base: resolved incidents' resolution notes,
/// known errors (table kb_articles), runbooks and a folder of Markdown articles.
class ArticleIndex {
public:
    void add(KbDocument doc);
    /// Builds the index; call after the last add().
    void finalize();

    /// The best `limit` articles for the text, most relevant first, relevance > 0. Articles
    /// with the same resolution as a better one are skipped (many incidents resolved the
    /// same way are one answer, not three).
    QList<ArticleMatch> search(const QString &text, int limit = 3) const;
    QList<ArticleMatch> search(const TriageInput &input, int limit = 3) const;
    const KbDocument *find(const QString &id) const;
    int size() const { return int(m_docs.size()); }

    /// Adds every source: incidents with a resolution note (at most `maxResolutions`, newest
    /// first), known errors from kb_articles, the runbooks, and *.md under `markdownDir`
    /// (when set). Unreadable Markdown files are reported in `warnings` and skipped.
    static Result<ArticleIndex> build(store::Store &store, const runbooks::RunbookLibrary &runbooks,
                                      const QString &markdownDir, QStringList *warnings = nullptr,
                                      int maxResolutions = 100000);
    /// Reads the Markdown articles of a folder (recursively): the first "# " heading is the
    /// title, a "Resolution" / "Fix" / "Workaround" section the suggested resolution.
    static QList<KbDocument> markdownArticles(const QString &dir, QStringList *warnings = nullptr);

private:
    QStringList terms(const QString &text) const;
    /// The tf-idf weight of each counted term into `out`; returns the sum of their squares.
    double weigh(const QHash<QString, int> &counts, QList<QPair<QString, double>> &out) const;

    QList<KbDocument> m_docs;
    QHash<QString, int> m_byId;
    QHash<QString, QVector<QPair<int, float>>> m_postings; // term -> (doc, weight)
    QHash<QString, float> m_idf;
    QVector<QStringList> m_pendingTerms;
};

/// One article's full text for display, looked up by id without building an index.
Result<KbDocument> loadArticle(store::Store &store, const QString &id, const QString &markdownDir);

} // namespace sitrep::triage
