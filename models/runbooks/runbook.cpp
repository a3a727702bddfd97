// SPDX-License-Identifier: MIT
#include "runbooks/runbook.h"

#include "runbooks/logging.h"
#include "workflow/yamlutil.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>

namespace sitrep::runbooks {

using workflow::looseName;
using workflow::str;
using workflow::yamlError;

QStringList Runbook::allCommands(const Step &s)
{
    QStringList out = s.commands;
    for (const StepOption &o : s.options)
        if (!o.command.isEmpty())
            out << o.command;
    return out;
}

qint64 parseDuration(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty())
        return -1;
    bool ok = false;
    const qint64 bare = t.toLongLong(&ok);
    if (ok)
        return bare >= 0 ? bare * 60000 : -1;
    static const QRegularExpression part(QStringLiteral("(\\d+)\\s*(ms|s|m|h|d|w)"));
    qint64 total = 0;
    int pos = 0;
    auto it = part.globalMatch(t);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedStart() != pos)
            return -1;
        pos = int(m.capturedEnd());
        const qint64 n = m.captured(1).toLongLong();
        const QString u = m.captured(2);
        const qint64 unit = u == u"ms"  ? 1
                            : u == u"s" ? 1000
                            : u == u"m" ? 60000
                            : u == u"h" ? 3600000
                            : u == u"d" ? 86400000
                                        : 7 * 86400000LL;
        total += n * unit;
    }
    return pos == t.size() ? total : -1;
}

namespace {

struct Ctx {
    QString source;
    QString error;
    bool fail(const YAML::Node &n, const QString &msg)
    {
        if (error.isEmpty())
            error = yamlError(source, n.Mark(), msg);
        return false;
    }
};

int lineOf(const YAML::Node &n)
{
    return n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
}

// A list of strings; a lone scalar counts as a list of one. Anything else is an error.
bool stringList(Ctx &c, const YAML::Node &n, const QString &what, QStringList &out)
{
    if (!n)
        return true;
    if (n.IsScalar()) {
        out << str(n);
        return true;
    }
    if (!n.IsSequence())
        return c.fail(n, QStringLiteral("'%1' must be a list of text").arg(what));
    for (const auto &x : n) {
        if (!x.IsScalar())
            return c.fail(x, QStringLiteral("each entry of '%1' must be text").arg(what));
        out << str(x);
    }
    return true;
}

bool checkKeys(Ctx &c, const YAML::Node &map, const QStringList &allowed, const QString &where)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString k = str(it->first);
        if (!allowed.contains(k))
            return c.fail(it->first, QStringLiteral("unknown key '%1' in %2 (expected one of: %3)")
                                         .arg(k, where, allowed.join(QStringLiteral(", "))));
    }
    return true;
}

// A mapping with no keys but `allowed`; `notMap` says what anything else should have been.
bool mapping(Ctx &c, const YAML::Node &n, const QString &notMap, const QStringList &allowed,
             const QString &where)
{
    if (!n.IsMap())
        return c.fail(n, notMap);
    return checkKeys(c, n, allowed, where);
}

// Each entry of the list `n`, when there is one: a mapping with no keys but `allowed`
// (`notMap` says what anything else should have been), given to `read`, which returns false
// after c.fail() for an entry it refuses. `notList` says what `n` itself should have been.
template <class Read>
bool mappings(Ctx &c, const YAML::Node &n, const QString &notList, const QString &notMap,
              const QStringList &allowed, const QString &where, Read read)
{
    if (!n)
        return true;
    if (!n.IsSequence())
        return c.fail(n, notList);
    for (const auto &x : n)
        if (!mapping(c, x, notMap, allowed, where) || !read(x))
            return false;
    return true;
}

} // namespace

Result<Runbook> parseRunbook(const QByteArray &yaml, const QString &source)
{
    using R = Result<Runbook>;
    // The runbook is refused, with `message` at the node `at`.
    const auto bad = [&source](const YAML::Node &at, const QString &message) {
        return R::fail(yamlError(source, at.Mark(), message), QStringLiteral("yaml"));
    };
    auto doc = workflow::parseYaml(yaml, source);
    if (!doc)
        return R::fail(doc.errorMessage(), QStringLiteral("yaml"));
    Ctx c{source, {}};
    const YAML::Node root = *doc;
    if (!root || root.IsNull())
        return R::fail(QStringLiteral("%1: empty runbook").arg(source), QStringLiteral("yaml"));
    if (!root.IsMap())
        return bad(root,
                   QStringLiteral("a runbook must be a mapping with name, triggers and steps"));
    Runbook rb;
    rb.source = source;
    rb.id = QFileInfo(source).completeBaseName();
    try {
        if (!checkKeys(c, root,
                       {QStringLiteral("name"), QStringLiteral("id"), QStringLiteral("description"),
                        QStringLiteral("triggers"), QStringLiteral("severity"),
                        QStringLiteral("services"), QStringLiteral("steps"),
                        QStringLiteral("escalation")},
                       QStringLiteral("the runbook")))
            return R::fail(c.error, QStringLiteral("yaml"));
        rb.name = str(root["name"]).trimmed();
        if (rb.name.isEmpty())
            return bad(root, QStringLiteral("the runbook has no 'name'"));
        if (root["id"])
            rb.id = str(root["id"]).trimmed();
        rb.description = str(root["description"]).trimmed();
        rb.severity = str(root["severity"]).trimmed();
        if (!stringList(c, root["services"], QStringLiteral("services"), rb.services))
            return R::fail(c.error, QStringLiteral("yaml"));

        const auto readTrigger = [&](const YAML::Node &tn) {
            Trigger tr;
            tr.alert = str(tn["alert"]).trimmed();
            tr.expr = str(tn["expr"]).trimmed();
            tr.forText = str(tn["for"]).trimmed();
            if (tr.alert.isEmpty())
                return c.fail(tn, QStringLiteral("a trigger needs an 'alert' name"));
            if (!tr.forText.isEmpty()) {
                tr.forMs = parseDuration(tr.forText);
                if (tr.forMs < 0)
                    return c.fail(tn["for"],
                                  QStringLiteral("'for: %1' is not a duration (like 5m, 1h)")
                                      .arg(tr.forText));
            }
            rb.triggers << tr;
            return true;
        };
        if (!mappings(c, root["triggers"], QStringLiteral("'triggers' must be a list"),
                      QStringLiteral("a trigger must be a mapping with alert, expr, for"),
                      {QStringLiteral("alert"), QStringLiteral("expr"), QStringLiteral("for")},
                      QStringLiteral("a trigger"), readTrigger))
            return R::fail(c.error, QStringLiteral("yaml"));

        const YAML::Node steps = root["steps"];
        if (!steps || !steps.IsSequence() || steps.size() == 0)
            return bad(steps ? steps : root, QStringLiteral("'steps' must be a non-empty list"));
        for (const auto &sn : steps) {
            if (!mapping(c, sn, QStringLiteral("a step must be a mapping with at least a name"),
                         {QStringLiteral("name"), QStringLiteral("description"),
                          QStringLiteral("commands"), QStringLiteral("links"),
                          QStringLiteral("checks"), QStringLiteral("options"),
                          QStringLiteral("actions")},
                         QStringLiteral("a step")))
                return R::fail(c.error, QStringLiteral("yaml"));
            Step s;
            s.line = lineOf(sn);
            s.name = str(sn["name"]).trimmed();
            if (s.name.isEmpty())
                return bad(sn, QStringLiteral("a step needs a 'name'"));
            s.description = str(sn["description"]).trimmed();
            if (!stringList(c, sn["commands"], QStringLiteral("commands"), s.commands) ||
                !stringList(c, sn["links"], QStringLiteral("links"), s.links) ||
                !stringList(c, sn["checks"], QStringLiteral("checks"), s.checks) ||
                !stringList(c, sn["actions"], QStringLiteral("actions"), s.actions))
                return R::fail(c.error, QStringLiteral("yaml"));
            const auto readOption = [&](const YAML::Node &o) {
                StepOption so{str(o["action"]).trimmed(), str(o["command"]).trimmed()};
                if (so.action.isEmpty())
                    return c.fail(o, QStringLiteral("an option needs an 'action'"));
                s.options << so;
                return true;
            };
            if (!mappings(c, sn["options"],
                          QStringLiteral("'options' must be a list of {action, command}"),
                          QStringLiteral("an option must be a mapping with action and command"),
                          {QStringLiteral("action"), QStringLiteral("command")},
                          QStringLiteral("an option"), readOption))
                return R::fail(c.error, QStringLiteral("yaml"));
            rb.steps << s;
        }

        const auto readEscalation = [&](const YAML::Node &en) {
            EscalationRule r;
            r.afterText = str(en["after"]).trimmed();
            r.afterMs = parseDuration(r.afterText);
            if (r.afterMs < 0)
                return c.fail(
                    en["after"] ? en["after"] : en,
                    QStringLiteral("'after: %1' is not a duration (like 15m)").arg(r.afterText));
            r.contact = str(en["contact"]).trimmed();
            if (r.contact.isEmpty())
                return c.fail(en, QStringLiteral("an escalation entry needs a 'contact'"));
            if (en["until"]) {
                r.until = str(en["until"]).trimmed().toLower();
                if (r.until != u"acknowledged" && r.until != u"resolved")
                    return c.fail(
                        en["until"],
                        QStringLiteral("'until' must be acknowledged or resolved, not '%1'")
                            .arg(r.until));
            }
            rb.escalation << r;
            return true;
        };
        if (!mappings(
                c, root["escalation"],
                QStringLiteral("'escalation' must be a list of {after, contact}"),
                QStringLiteral("an escalation entry must be a mapping with after and contact"),
                {QStringLiteral("after"), QStringLiteral("contact"), QStringLiteral("until")},
                QStringLiteral("an escalation entry"), readEscalation))
            return R::fail(c.error, QStringLiteral("yaml"));
        std::stable_sort(
            rb.escalation.begin(), rb.escalation.end(),
            [](const EscalationRule &a, const EscalationRule &b) { return a.afterMs < b.afterMs; });
    } catch (const YAML::Exception &e) {
        return R::fail(yamlError(source, e.mark, QString::fromStdString(e.msg)),
                       QStringLiteral("yaml"));
    }
    return rb;
}

Result<Runbook> loadRunbookFile(const QString &path)
{
    return workflow::loadSourceFile<Runbook>(path, parseRunbook);
}

int matchScore(const Runbook &rb, const domain::Incident &inc)
{
    int score = 0;
    const QString title = looseName(inc.title + u' ' + inc.description);
    for (const Trigger &t : rb.triggers) {
        const QString a = looseName(t.alert);
        if (a.isEmpty())
            continue;
        for (const QString &al : inc.alerts)
            if (looseName(al) == a || looseName(al).contains(a))
                score = qMax(score, 100);
        if (title.contains(a))
            score = qMax(score, 60);
    }
    bool serviceMatch = false;
    for (const QString &s : rb.services)
        for (const QString &is : inc.services)
            if (!looseName(s).isEmpty() && looseName(s) == looseName(is))
                serviceMatch = true;
    if (serviceMatch) {
        score += 20;
        // Among the runbooks of one service, prefer the one whose name shares words with
        // the incident title ("Consumer lag on orders topic" -> Kafka Consumer Lag Resolution).
        static const QSet<QString> generic{
            QStringLiteral("high"),       QStringLiteral("investigation"),
            QStringLiteral("resolution"), QStringLiteral("reached"),
            QStringLiteral("service"),    QStringLiteral("kafka"),
            QStringLiteral("postgresql")};
        const QStringList titleWords = inc.title.toLower().split(
            QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts);
        for (const QString &w : rb.name.toLower().split(
                 QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts))
            if (w.size() > 2 && !generic.contains(w) && titleWords.contains(w))
                score += 10;
    }
    return score;
}

void RunbookLibrary::load(const QStringList &folders)
{
    m_runbooks.clear();
    m_errors.clear();
    for (const QString &folder : folders) {
        QStringList files;
        QDirIterator it(folder, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files);
        while (it.hasNext())
            files << it.next();
        std::sort(files.begin(), files.end());
        for (const QString &f : files) {
            auto rb = loadRunbookFile(f);
            if (!rb) {
                qCWarning(lcRunbooks).noquote() << rb.errorMessage();
                m_errors << rb.errorMessage();
                continue;
            }
            add(*rb);
        }
    }
}

void RunbookLibrary::add(const Runbook &rb)
{
    for (Runbook &r : m_runbooks)
        if (r.id == rb.id) {
            r = rb;
            return;
        }
    m_runbooks << rb;
}

QStringList RunbookLibrary::defaultFolders(const QString &userFolder)
{
    QStringList f{QStringLiteral(":/sitrep/runbooks")};
    if (!userFolder.isEmpty() && QFileInfo(userFolder).isDir())
        f << userFolder;
    return f;
}

QString RunbookLibrary::userFolder(const QString &metaValue)
{
    if (!metaValue.isEmpty())
        return metaValue;
    const QString env = qEnvironmentVariable("SITREP_RUNBOOKS");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/runbooks");
}

const Runbook *RunbookLibrary::find(const QString &idOrName) const
{
    for (const Runbook &r : m_runbooks)
        if (r.id == idOrName)
            return &r;
    for (const Runbook &r : m_runbooks)
        if (r.name.compare(idOrName, Qt::CaseInsensitive) == 0)
            return &r;
    return nullptr;
}

QList<const Runbook *> RunbookLibrary::match(const domain::Incident &incident) const
{
    QList<QPair<int, const Runbook *>> scored;
    for (const Runbook &r : m_runbooks)
        if (int s = matchScore(r, incident); s > 0)
            scored << qMakePair(s, &r);
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    QList<const Runbook *> out;
    for (const auto &p : scored)
        out << p.second;
    return out;
}

QSet<int> checkedSteps(const QList<domain::Event> &timeline, const QString &runbookId)
{
    QSet<int> out;
    for (const domain::Event &e : timeline) {
        if (e.kind != StepCheckedKind || e.payload[u"runbook"].toString() != runbookId)
            continue;
        const int step = e.payload[u"step"].toInt(-1);
        if (step < 0)
            continue;
        if (e.payload[u"checked"].toBool(true))
            out.insert(step);
        else
            out.remove(step);
    }
    return out;
}

QJsonObject stepCheckedPayload(const Runbook &rb, int step, bool checked)
{
    const QString name = step >= 0 && step < rb.steps.size() ? rb.steps[step].name : QString();
    return {{QStringLiteral("runbook"), rb.id},
            {QStringLiteral("runbook_name"), rb.name},
            {QStringLiteral("step"), step},
            {QStringLiteral("step_name"), name},
            {QStringLiteral("checked"), checked},
            {QStringLiteral("message"),
             QStringLiteral("%1 step %2 '%3' %4")
                 .arg(rb.name)
                 .arg(step + 1)
                 .arg(name, checked ? QStringLiteral("done") : QStringLiteral("unchecked"))}};
}

} // namespace sitrep::runbooks
