// SPDX-License-Identifier: MIT
#include "remediation/rules.h"

#include "util/findbyid.h"
#include "workflow/yamlutil.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace sitrep::remediation {

using workflow::yamlError;

namespace {

struct TypeInfo {
    ActionType type;
    const char *name;
};
constexpr TypeInfo kTypes[] = {
    {ActionType::SsmRunCommand, "ssm_run_command"},
    {ActionType::LambdaInvoke, "lambda_invoke"},
    {ActionType::EcsServiceUpdate, "ecs_service_update"},
    {ActionType::RdsReboot, "rds_reboot"},
    {ActionType::CloudFrontInvalidation, "cloudfront_invalidation"},
    {ActionType::ScaleAsg, "scale_asg"},
};

QString fill(QString text, const domain::Incident &inc, const QString &category)
{
    text.replace(QStringLiteral("{service}"), inc.services.value(0));
    text.replace(QStringLiteral("{ci}"), inc.cis.value(0, inc.services.value(0)));
    text.replace(QStringLiteral("{number}"), inc.number);
    text.replace(QStringLiteral("{category}"), category);
    return text;
}

QJsonValue fillValue(const QJsonValue &v, const domain::Incident &inc, const QString &category)
{
    if (v.isString())
        return fill(v.toString(), inc, category);
    if (v.isArray()) {
        QJsonArray out;
        for (const auto &x : v.toArray())
            out.append(fillValue(x, inc, category));
        return out;
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), fillValue(it.value(), inc, category));
        return out;
    }
    return v;
}

QJsonValue yamlToJson(const YAML::Node &n)
{
    if (!n || n.IsNull())
        return QJsonValue();
    if (n.IsScalar()) {
        const QString s = QString::fromStdString(n.Scalar());
        if (n.Tag() == "!") // quoted: always a string
            return s;
        if (s == u"true" || s == u"false")
            return s == u"true";
        bool ok = false;
        const qint64 i = s.toLongLong(&ok);
        if (ok)
            return i;
        const double d = s.toDouble(&ok);
        if (ok)
            return d;
        return s;
    }
    if (n.IsSequence()) {
        QJsonArray a;
        for (const auto &c : n)
            a.append(yamlToJson(c));
        return a;
    }
    QJsonObject o;
    for (const auto &kv : n)
        o.insert(QString::fromStdString(kv.first.Scalar()), yamlToJson(kv.second));
    return o;
}

} // namespace

QString actionTypeName(ActionType t)
{
    for (const auto &i : kTypes)
        if (i.type == t)
            return QString::fromLatin1(i.name);
    return {};
}

std::optional<ActionType> parseActionType(const QString &name)
{
    const QString n = name.trimmed().toLower().replace(u'-', u'_');
    for (const auto &i : kTypes)
        if (n == QLatin1String(i.name))
            return i.type;
    return std::nullopt;
}

QStringList actionTypeNames()
{
    QStringList out;
    for (const auto &i : kTypes)
        out << QString::fromLatin1(i.name);
    return out;
}

QString ActionSpec::validate() const
{
    if (target.trimmed().isEmpty())
        return QStringLiteral("%1 needs a target").arg(actionTypeName(type));
    const auto needString = [&](const char *key) -> QString {
        if (params.value(QLatin1String(key)).toString().trimmed().isEmpty())
            return QStringLiteral("%1 needs params.%2")
                .arg(actionTypeName(type), QLatin1String(key));
        return {};
    };
    switch (type) {
    case ActionType::SsmRunCommand: {
        if (auto e = needString("document"); !e.isEmpty())
            return e;
        const QJsonValue c = params.value(QStringLiteral("commands"));
        if (params.value(QStringLiteral("document")).toString() == u"AWS-RunShellScript" &&
            (!c.isArray() || c.toArray().isEmpty()))
            return QStringLiteral(
                "ssm_run_command with AWS-RunShellScript needs params.commands (a list)");
        return {};
    }
    case ActionType::LambdaInvoke: {
        const QString inv = params.value(QStringLiteral("invocation_type"))
                                .toString(QStringLiteral("RequestResponse"));
        if (inv != u"RequestResponse" && inv != u"Event")
            return QStringLiteral(
                "lambda_invoke params.invocation_type must be RequestResponse or Event");
        const QJsonValue pl = params.value(QStringLiteral("payload"));
        if (!pl.isUndefined() && !pl.isObject())
            return QStringLiteral("lambda_invoke params.payload must be a mapping");
        return {};
    }
    case ActionType::EcsServiceUpdate: {
        if (auto e = needString("cluster"); !e.isEmpty())
            return e;
        const bool force = params.value(QStringLiteral("force_new_deployment")).toBool(false);
        const bool hasCount = params.contains(QStringLiteral("desired_count"));
        if (!force && !hasCount)
            return QStringLiteral("ecs_service_update needs params.force_new_deployment: true or "
                                  "params.desired_count");
        if (hasCount && params.value(QStringLiteral("desired_count")).toInt(-1) < 0)
            return QStringLiteral(
                "ecs_service_update params.desired_count must be a whole number >= 0");
        return {};
    }
    case ActionType::RdsReboot: {
        const QJsonValue f = params.value(QStringLiteral("force_failover"));
        if (!f.isUndefined() && !f.isBool())
            return QStringLiteral("rds_reboot params.force_failover must be true or false");
        return {};
    }
    case ActionType::CloudFrontInvalidation: {
        const QJsonArray paths = params.value(QStringLiteral("paths")).toArray();
        if (paths.isEmpty())
            return QStringLiteral("cloudfront_invalidation needs params.paths (a list)");
        for (const auto &p : paths)
            if (!p.toString().startsWith(u'/'))
                return QStringLiteral("cloudfront_invalidation path '%1' must start with /")
                    .arg(p.toString());
        return {};
    }
    case ActionType::ScaleAsg: {
        const QJsonValue d = params.value(QStringLiteral("desired_capacity"));
        if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() != double(d.toInt()))
            return QStringLiteral("scale_asg needs params.desired_capacity (a whole number >= 0)");
        const QJsonValue mx = params.value(QStringLiteral("max_size"));
        if (!mx.isUndefined() && mx.toInt() < d.toInt())
            return QStringLiteral("scale_asg params.desired_capacity is above params.max_size");
        return {};
    }
    }
    return {};
}

ActionSpec ActionSpec::resolved(const domain::Incident &incident, const QString &category) const
{
    ActionSpec s = *this;
    s.target = fill(target, incident, category);
    s.params = fillValue(params, incident, category).toObject();
    return s;
}

QJsonObject ActionSpec::toJson() const
{
    return {{QStringLiteral("type"), actionTypeName(type)},
            {QStringLiteral("target"), target},
            {QStringLiteral("params"), params}};
}

Result<ActionSpec> ActionSpec::fromJson(const QJsonObject &json)
{
    const auto t = parseActionType(json.value(QStringLiteral("type")).toString());
    if (!t)
        return Result<ActionSpec>::fail(QStringLiteral("unknown action type '%1' (known: %2)")
                                            .arg(json.value(QStringLiteral("type")).toString(),
                                                 actionTypeNames().join(QStringLiteral(", "))));
    ActionSpec s;
    s.type = *t;
    s.target = json.value(QStringLiteral("target")).toString();
    s.params = json.value(QStringLiteral("params")).toObject();
    if (auto e = s.validate(); !e.isEmpty())
        return Result<ActionSpec>::fail(e);
    return s;
}

// --- conditions ------------------------------------------------------------------------

struct Condition::Node {
    enum Kind { And, Or, Not, Cmp } kind = Cmp;
    std::shared_ptr<const Node> a, b;
    QString field;
    QString op; // = != > >= < <= ~ in
    QStringList values;
    double number = 0.0;
};

namespace {

const QStringList &fieldNames()
{
    static const QStringList f{
        QStringLiteral("category"), QStringLiteral("subcategory"), QStringLiteral("confidence"),
        QStringLiteral("severity"), QStringLiteral("priority"),    QStringLiteral("service"),
        QStringLiteral("ci"),       QStringLiteral("state"),       QStringLiteral("title")};
    return f;
}

struct Token {
    enum Type { Word, String, Op, LParen, RParen, Comma, End } type = End;
    QString text;
    int col = 0;
};

Result<QList<Token>> tokenize(const QString &s)
{
    QList<Token> out;
    int i = 0;
    while (i < s.size()) {
        const QChar c = s[i];
        if (c.isSpace()) {
            ++i;
            continue;
        }
        Token t;
        t.col = i + 1;
        if (c == u'(' || c == u')' || c == u',') {
            t.type = c == u'(' ? Token::LParen : c == u')' ? Token::RParen : Token::Comma;
            t.text = c;
            ++i;
        } else if (c == u'"' || c == u'\'') {
            const int end = s.indexOf(c, i + 1);
            if (end < 0)
                return Result<QList<Token>>::fail(
                    QStringLiteral("unterminated string at column %1").arg(t.col));
            t.type = Token::String;
            t.text = s.mid(i + 1, end - i - 1);
            i = end + 1;
        } else if (QStringLiteral("=!<>~").contains(c)) {
            const bool two = i + 1 < s.size() && s[i + 1] == u'=' && c != u'~';
            QString op = two ? s.mid(i, 2) : QString(c);
            if (op == u"!")
                return Result<QList<Token>>::fail(
                    QStringLiteral("'!' at column %1 must be '!='").arg(t.col));
            if (op == u"==")
                op = QStringLiteral("=");
            t.type = Token::Op;
            t.text = op;
            i += two ? 2 : 1;
        } else {
            int j = i;
            while (j < s.size() && !s[j].isSpace() && !QStringLiteral("()=!<>~,\"'").contains(s[j]))
                ++j;
            t.type = Token::Word;
            t.text = s.mid(i, j - i);
            i = j;
        }
        out << t;
    }
    Token end;
    end.col = int(s.size()) + 1;
    out << end;
    return out;
}

class Parser {
public:
    explicit Parser(QList<Token> t) : m_t(std::move(t)) {}
    QString error;

    std::shared_ptr<const Condition::Node> parse()
    {
        auto n = orExpr();
        if (n && peek().type != Token::End)
            return fail(
                QStringLiteral("unexpected '%1' at column %2").arg(peek().text).arg(peek().col));
        return n;
    }

private:
    using P = std::shared_ptr<const Condition::Node>;
    const Token &peek() const { return m_t[m_i]; }
    Token next() { return m_t[m_i < m_t.size() - 1 ? m_i++ : m_i]; }
    bool keyword(const char *kw) const
    {
        return peek().type == Token::Word &&
               peek().text.compare(QLatin1String(kw), Qt::CaseInsensitive) == 0;
    }
    P fail(const QString &m)
    {
        if (error.isEmpty())
            error = m;
        return nullptr;
    }
    P bin(Condition::Node::Kind k, P a, P b)
    {
        auto n = std::make_shared<Condition::Node>();
        n->kind = k;
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
    }
    // operand (KEYWORD operand)*, left-associative.
    P chain(P (Parser::*operand)(), const char *keyword_, Condition::Node::Kind kind)
    {
        P l = (this->*operand)();
        while (l && keyword(keyword_)) {
            next();
            P r = (this->*operand)();
            if (!r)
                return nullptr;
            l = bin(kind, l, r);
        }
        return l;
    }
    P orExpr() { return chain(&Parser::andExpr, "OR", Condition::Node::Or); }
    P andExpr() { return chain(&Parser::notExpr, "AND", Condition::Node::And); }
    P notExpr()
    {
        if (keyword("NOT")) {
            next();
            P a = notExpr();
            return a ? bin(Condition::Node::Not, a, nullptr) : nullptr;
        }
        return primary();
    }
    P primary()
    {
        if (peek().type == Token::LParen) {
            next();
            P e = orExpr();
            if (!e)
                return nullptr;
            if (peek().type != Token::RParen)
                return fail(QStringLiteral("missing ')' at column %1").arg(peek().col));
            next();
            return e;
        }
        const Token f = next();
        if (f.type != Token::Word)
            return fail(f.type == Token::End
                            ? QStringLiteral("condition ends where a field was expected")
                            : QStringLiteral("expected a field at column %1, found '%2'")
                                  .arg(f.col)
                                  .arg(f.text));
        const QString field = f.text.toLower();
        if (!fieldNames().contains(field))
            return fail(QStringLiteral("unknown field '%1' at column %2 (fields: %3)")
                            .arg(f.text)
                            .arg(f.col)
                            .arg(fieldNames().join(QStringLiteral(", "))));
        auto n = std::make_shared<Condition::Node>();
        n->field = field;
        if (keyword("IN")) {
            next();
            n->op = QStringLiteral("in");
            if (peek().type != Token::LParen)
                return fail(QStringLiteral("expected '(' after IN at column %1").arg(peek().col));
            next();
            for (;;) {
                const Token v = next();
                if (v.type != Token::Word && v.type != Token::String)
                    return fail(QStringLiteral("expected a value at column %1").arg(v.col));
                n->values << v.text;
                if (peek().type == Token::Comma) {
                    next();
                    continue;
                }
                if (peek().type != Token::RParen)
                    return fail(QStringLiteral("expected ',' or ')' at column %1").arg(peek().col));
                next();
                break;
            }
        } else {
            const Token op = next();
            if (op.type != Token::Op)
                return fail(QStringLiteral("expected an operator after '%1' at column %2")
                                .arg(f.text)
                                .arg(op.col));
            n->op = op.text;
            const Token v = next();
            if (v.type != Token::Word && v.type != Token::String)
                return fail(QStringLiteral("expected a value after '%1' at column %2")
                                .arg(op.text)
                                .arg(v.col));
            n->values << v.text;
        }
        // Type checks: numbers for confidence, ranks for severity and priority.
        const bool ordered = n->op == u">" || n->op == u">=" || n->op == u"<" || n->op == u"<=";
        if (field == u"confidence") {
            if (n->op == u"in" || n->op == u"~")
                return fail(QStringLiteral("confidence compares with = != < <= > >="));
            bool ok = false;
            n->number = n->values.value(0).toDouble(&ok);
            if (!ok || n->number < 0.0 || n->number > 1.0)
                return fail(
                    QStringLiteral("confidence is compared with a number between 0 and 1, not '%1'")
                        .arg(n->values.value(0)));
        } else if (field == u"severity" || field == u"priority") {
            for (const QString &v : std::as_const(n->values)) {
                const int rank = field == u"severity" ? int(domain::parseSeverity(v))
                                                      : int(domain::parsePriority(v));
                if (rank == 0)
                    return fail(QStringLiteral("'%1' is not a %2").arg(v, field));
            }
            if (n->op == u"~")
                return fail(QStringLiteral("%1 compares with = != < <= > >= or in").arg(field));
        } else if (ordered) {
            return fail(QStringLiteral("%1 is text: use = != ~ or in, not '%2'").arg(field, n->op));
        }
        return n;
    }

    QList<Token> m_t;
    int m_i = 0;
};

bool compareNumbers(double a, const QString &op, double b)
{
    if (op == u"=")
        return qFuzzyCompare(a + 1.0, b + 1.0);
    if (op == u"!=")
        return !qFuzzyCompare(a + 1.0, b + 1.0);
    if (op == u">")
        return a > b && !qFuzzyCompare(a + 1.0, b + 1.0);
    if (op == u">=")
        return a >= b || qFuzzyCompare(a + 1.0, b + 1.0);
    if (op == u"<")
        return a < b && !qFuzzyCompare(a + 1.0, b + 1.0);
    if (op == u"<=")
        return a <= b || qFuzzyCompare(a + 1.0, b + 1.0);
    return false;
}

bool textMatches(const QString &have, const QString &op, const QStringList &values)
{
    if (op == u"in")
        return std::any_of(values.cbegin(), values.cend(), [&](const QString &v) {
            return have.compare(v, Qt::CaseInsensitive) == 0;
        });
    if (op == u"=")
        return have.compare(values.value(0), Qt::CaseInsensitive) == 0;
    if (op == u"!=")
        return have.compare(values.value(0), Qt::CaseInsensitive) != 0;
    if (op == u"~")
        return have.contains(values.value(0), Qt::CaseInsensitive);
    return false;
}

bool eval(const Condition::Node &n, const Facts &f)
{
    switch (n.kind) {
    case Condition::Node::And:
        return eval(*n.a, f) && eval(*n.b, f);
    case Condition::Node::Or:
        return eval(*n.a, f) || eval(*n.b, f);
    case Condition::Node::Not:
        return !eval(*n.a, f);
    case Condition::Node::Cmp:
        break;
    }
    const domain::Incident &inc = *f.incident;
    if (n.field == u"confidence")
        return compareNumbers(f.confidence, n.op, n.number);
    if (n.field == u"severity" || n.field == u"priority") {
        const int have = n.field == u"severity" ? int(inc.severity) : int(inc.priority);
        if (have == 0)
            return n.op == u"!=";
        const auto rank = [&](const QString &v) {
            return double(n.field == u"severity" ? int(domain::parseSeverity(v))
                                                 : int(domain::parsePriority(v)));
        };
        if (n.op == u"in")
            return std::any_of(n.values.cbegin(), n.values.cend(),
                               [&](const QString &v) { return int(rank(v)) == have; });
        // Rank 1 is the most severe: "priority <= P2" means P1 or P2.
        return compareNumbers(double(have), n.op, rank(n.values.value(0)));
    }
    if (n.field == u"service" || n.field == u"ci") {
        const QStringList &list =
            n.field == u"service" ? inc.services : (inc.cis.isEmpty() ? inc.services : inc.cis);
        if (n.op == u"!=")
            return std::none_of(list.cbegin(), list.cend(), [&](const QString &s) {
                return textMatches(s, QStringLiteral("="), n.values);
            });
        return std::any_of(list.cbegin(), list.cend(),
                           [&](const QString &s) { return textMatches(s, n.op, n.values); });
    }
    QString have;
    if (n.field == u"category")
        have = f.category;
    else if (n.field == u"subcategory")
        have = inc.subcategory;
    else if (n.field == u"state")
        have = inc.state;
    else if (n.field == u"title")
        have = inc.title;
    return textMatches(have, n.op, n.values);
}

void floors(const Condition::Node &n, bool negated, std::optional<double> &out)
{
    if (n.kind == Condition::Node::Cmp) {
        if (!negated && n.field == u"confidence" && (n.op == u">" || n.op == u">=" || n.op == u"="))
            out = out ? std::min(*out, n.number) : n.number;
        return;
    }
    if (n.kind == Condition::Node::Not) {
        floors(*n.a, !negated, out);
        return;
    }
    floors(*n.a, negated, out);
    floors(*n.b, negated, out);
}

} // namespace

Result<Condition> Condition::parse(const QString &text)
{
    auto toks = tokenize(text);
    if (!toks)
        return Result<Condition>(toks.error());
    Parser p(*toks);
    auto root = p.parse();
    if (!root)
        return Result<Condition>::fail(p.error.isEmpty() ? QStringLiteral("empty condition")
                                                         : p.error);
    Condition c;
    c.m_text = text.simplified();
    c.m_root = std::move(root);
    return c;
}

bool Condition::matches(const Facts &facts) const
{
    return m_root && facts.incident && eval(*m_root, facts);
}

std::optional<double> Condition::confidenceFloor() const
{
    std::optional<double> out;
    if (m_root)
        floors(*m_root, false, out);
    return out;
}

// --- rule files ------------------------------------------------------------------------

Result<RuleSet> RuleSet::defaults()
{
    return load(QStringLiteral(":/sitrep/remediation"));
}

Result<RuleSet> RuleSet::load(const QString &fileOrDir)
{
    RuleSet set;
    QStringList files;
    const QFileInfo fi(fileOrDir);
    if (fi.isDir()) {
        const QDir dir(fileOrDir);
        for (const QString &n : dir.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
                                              QDir::Files, QDir::Name))
            files << dir.filePath(n);
        if (files.isEmpty())
            return Result<RuleSet>::fail(
                QStringLiteral("%1: no *.yaml rule files in this folder").arg(fileOrDir));
    } else {
        files << fileOrDir;
    }
    for (const QString &path : std::as_const(files)) {
        const auto text = workflow::readSourceFile(path);
        if (!text)
            return Result<RuleSet>(text.error());
        if (auto s = set.add(*text, path); !s)
            return Result<RuleSet>(s.error());
    }
    return set;
}

Status RuleSet::add(const QByteArray &text, const QString &source)
{
    auto doc = workflow::parseYaml(text, source);
    if (!doc)
        return Status(doc.error());
    const YAML::Node root = *doc;
    const auto bad = [&](const YAML::Node &n, const QString &m) {
        return Status::fail(yamlError(source, n.Mark(), m), QStringLiteral("invalid"));
    };
    if (!root.IsMap())
        return bad(root, QStringLiteral(
                             "a remediation file is a mapping with rules: and remediation_hooks:"));
    static const QSet<QString> topKeys{QStringLiteral("version"), QStringLiteral("rules"),
                                       QStringLiteral("remediation_hooks")};
    for (const auto &kv : root)
        if (!topKeys.contains(QString::fromStdString(kv.first.Scalar())))
            return bad(kv.first,
                       QStringLiteral("unknown key '%1' (keys: version, rules, remediation_hooks)")
                           .arg(QString::fromStdString(kv.first.Scalar())));

    QList<Hook> hooks = m_hooks;
    if (const YAML::Node hs = root["remediation_hooks"]) {
        if (!hs.IsSequence())
            return bad(hs, QStringLiteral("remediation_hooks must be a list"));
        for (const auto &h : hs) {
            if (!h.IsMap())
                return bad(
                    h,
                    QStringLiteral(
                        "a remediation hook is a mapping (id, endpoint, method, idempotency_key)"));
            Hook hook;
            hook.id = workflow::str(h["id"]).trimmed();
            hook.endpoint = workflow::str(h["endpoint"]).trimmed();
            hook.method = workflow::str(h["method"], QStringLiteral("POST")).trimmed().toUpper();
            hook.idempotencyKey =
                workflow::str(h["idempotency_key"], QStringLiteral("correlation_id")).trimmed();
            if (hook.id.isEmpty())
                return bad(h, QStringLiteral("remediation hook without an id"));
            if (std::any_of(hooks.cbegin(), hooks.cend(),
                            [&](const Hook &o) { return o.id == hook.id; }))
                return bad(h,
                           QStringLiteral("remediation hook '%1' is defined twice").arg(hook.id));
            const QUrl url(hook.endpoint, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") ||
                url.host().isEmpty())
                return bad(h["endpoint"] ? h["endpoint"] : h,
                           QStringLiteral("hook '%1': endpoint '%2' is not an http(s) URL")
                               .arg(hook.id, hook.endpoint));
            if (hook.method != u"POST" && hook.method != u"PUT")
                return bad(h["method"],
                           QStringLiteral("hook '%1': method must be POST or PUT").arg(hook.id));
            if (hook.idempotencyKey != u"correlation_id")
                return bad(h["idempotency_key"],
                           QStringLiteral("hook '%1': idempotency_key must be correlation_id")
                               .arg(hook.id));
            hooks << hook;
        }
    }

    QList<Rule> rules = m_rules;
    if (const YAML::Node rs = root["rules"]) {
        if (!rs.IsSequence())
            return bad(rs, QStringLiteral("rules must be a list"));
        static const QSet<QString> ruleKeys{
            QStringLiteral("id"),     QStringLiteral("description"),    QStringLiteral("when"),
            QStringLiteral("action"), QStringLiteral("min_confidence"), QStringLiteral("dry_run"),
            QStringLiteral("hook")};
        for (const auto &r : rs) {
            if (!r.IsMap())
                return bad(r, QStringLiteral("a rule is a mapping (id, when, action, ...)"));
            for (const auto &kv : r)
                if (!ruleKeys.contains(QString::fromStdString(kv.first.Scalar())))
                    return bad(kv.first,
                               QStringLiteral("unknown rule key '%1' (keys: id, description, when, "
                                              "action, min_confidence, dry_run, hook)")
                                   .arg(QString::fromStdString(kv.first.Scalar())));
            Rule rule;
            rule.id = workflow::str(r["id"]).trimmed();
            rule.source = QStringLiteral("%1:%2").arg(source).arg(r.Mark().line + 1);
            if (rule.id.isEmpty() ||
                !QRegularExpression(QStringLiteral("^[A-Za-z0-9_.-]+$")).match(rule.id).hasMatch())
                return bad(
                    r, QStringLiteral("a rule needs an id of letters, digits, '.', '_' or '-'"));
            if (std::any_of(rules.cbegin(), rules.cend(),
                            [&](const Rule &o) { return o.id == rule.id; }))
                return bad(r, QStringLiteral("rule '%1' is defined twice").arg(rule.id));
            rule.description = workflow::str(r["description"]);
            const YAML::Node when = r["when"];
            if (!when || !when.IsScalar() || workflow::str(when).trimmed().isEmpty())
                return bad(when ? when : r,
                           QStringLiteral("rule '%1' needs a condition (when: ...)").arg(rule.id));
            auto cond = Condition::parse(workflow::str(when));
            if (!cond)
                return bad(when, QStringLiteral("rule '%1': %2").arg(rule.id, cond.errorMessage()));
            rule.when = *cond;
            const YAML::Node act = r["action"];
            if (!act || !act.IsMap())
                return bad(act ? act : r,
                           QStringLiteral("rule '%1' needs an action (type, target, params)")
                               .arg(rule.id));
            for (const auto &kv : act) {
                const QString k = QString::fromStdString(kv.first.Scalar());
                if (k != u"type" && k != u"target" && k != u"params")
                    return bad(
                        kv.first,
                        QStringLiteral(
                            "rule '%1': unknown action key '%2' (keys: type, target, params)")
                            .arg(rule.id, k));
            }
            const auto type = parseActionType(workflow::str(act["type"]));
            if (!type)
                return bad(act["type"] ? act["type"] : act,
                           QStringLiteral("rule '%1': unknown action type '%2' (known: %3)")
                               .arg(rule.id, workflow::str(act["type"]),
                                    actionTypeNames().join(QStringLiteral(", "))));
            rule.action.type = *type;
            rule.action.target = workflow::str(act["target"]).trimmed();
            if (const YAML::Node params = act["params"]) {
                if (!params.IsMap())
                    return bad(
                        params,
                        QStringLiteral("rule '%1': action params must be a mapping").arg(rule.id));
                rule.action.params = yamlToJson(params).toObject();
            }
            if (auto e = rule.action.validate(); !e.isEmpty())
                return bad(act, QStringLiteral("rule '%1': %2").arg(rule.id, e));
            if (const YAML::Node mc = r["min_confidence"]) {
                bool ok = false;
                const double v = workflow::str(mc).toDouble(&ok);
                if (!ok || v < 0.0 || v > 1.0)
                    return bad(mc, QStringLiteral(
                                       "rule '%1': min_confidence must be a number between 0 and 1")
                                       .arg(rule.id));
                rule.minConfidence = v;
            }
            if (const YAML::Node dr = r["dry_run"]) {
                const QString v = workflow::str(dr);
                if (v != u"true" && v != u"false")
                    return bad(
                        dr,
                        QStringLiteral("rule '%1': dry_run must be true or false").arg(rule.id));
                rule.dryRun = v == u"true";
            }
            if (const YAML::Node hk = r["hook"]) {
                rule.hook = workflow::str(hk).trimmed();
                if (!std::any_of(hooks.cbegin(), hooks.cend(),
                                 [&](const Hook &h) { return h.id == rule.hook; }))
                    return bad(
                        hk, QStringLiteral(
                                "rule '%1': unknown hook '%2' (define it under remediation_hooks)")
                                .arg(rule.id, rule.hook));
            }
            rules << rule;
        }
    }
    // Nothing of a broken file is kept.
    m_rules = rules;
    m_hooks = hooks;
    m_sources << source;
    return {};
}

const Hook *RuleSet::hook(const QString &id) const
{
    return util::findById(m_hooks, id);
}

const Rule *RuleSet::rule(const QString &id) const
{
    return util::findById(m_rules, id);
}

const Rule *RuleSet::match(const Facts &facts) const
{
    for (const Rule &r : m_rules)
        if (r.when.matches(facts))
            return &r;
    return nullptr;
}

} // namespace sitrep::remediation
