// SPDX-License-Identifier: MIT
#pragma once

#include "domain/incident.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace sitrep::remediation {

/// The remediation actions of seed 002, each with a typed spec and a target.
enum class ActionType {
    SsmRunCommand,
    LambdaInvoke,
    EcsServiceUpdate,
    RdsReboot,
    CloudFrontInvalidation,
    ScaleAsg
};
QString actionTypeName(ActionType t); // ssm_run_command, lambda_invoke, ...
std::optional<ActionType> parseActionType(const QString &name);
QStringList actionTypeNames();

/// What to do and to what. Parameters are checked per type (see validate()).
struct ActionSpec {
    ActionType type = ActionType::SsmRunCommand;
    QString target; // instance id / tag, function, cluster/service, db instance, distribution, ASG
    QJsonObject
        params; // type-specific (document + commands, payload, desired_capacity, paths, ...)

    /// Empty when the spec is complete for its type, else what is wrong.
    QString validate() const;
    /// The spec with {service}, {ci}, {number}, {category} in target and string params filled in.
    ActionSpec resolved(const domain::Incident &incident, const QString &category) const;
    QJsonObject toJson() const;
    static Result<ActionSpec> fromJson(const QJsonObject &json);
};

/// What a rule condition is evaluated against.
struct Facts {
    const domain::Incident *incident = nullptr;
    QString category;        // suggested (or set) category
    double confidence = 0.0; // 0..1; a category set by a person counts as 1.0
};

/// A parsed condition such as `category = database AND confidence > 0.85`. Fields:
/// category, subcategory, confidence, severity, priority, service, ci, state, title.
/// Operators = != > >= < <= ~ (contains, case-insensitive) and `in (a, b)`; AND, OR, NOT
/// and parentheses. Severity and priority compare by rank (priority <= P2, severity = sev1).
class Condition {
public:
    struct Node;
    /// Parses `text`; errors say what and at which column.
    static Result<Condition> parse(const QString &text);
    bool matches(const Facts &facts) const;
    QString text() const { return m_text; }
    /// The lowest confidence the condition itself asks for (confidence > x / >= x), if any.
    std::optional<double> confidenceFloor() const;

private:
    QString m_text;
    std::shared_ptr<const Node> m_root;
};

/// An HTTP remediation hook (seed 003's remediation_hooks): the action message is POSTed
/// (or PUT) to the endpoint with Idempotency-Key = the correlation id.
struct Hook {
    QString id;
    QString endpoint;
    QString method = QStringLiteral("POST");
    QString idempotencyKey = QStringLiteral("correlation_id");
};

struct Rule {
    QString id;
    QString description;
    Condition when;
    ActionSpec action;
    std::optional<double> minConfidence; // else the configured threshold
    bool dryRun = false;                 // log only, for this rule
    QString hook;                        // deliver to this HTTP hook instead of SQS
    QString source;                      // file:line of the rule
};

/// Remediation rules from YAML files (the defaults under :/sitrep/remediation/, or a
/// user's file or folder). Rules are tried in file order; the first that matches decides.
class RuleSet {
public:
    /// A file, a folder of *.yaml / *.yml files (name order), or a :/ resource folder.
    static Result<RuleSet> load(const QString &fileOrDir);
    static Result<RuleSet> defaults();
    /// Parses one file's text and adds it; errors are "source:line: message".
    Status add(const QByteArray &text, const QString &source);

    const QList<Rule> &rules() const { return m_rules; }
    const QList<Hook> &hooks() const { return m_hooks; }
    const Hook *hook(const QString &id) const;
    const Rule *rule(const QString &id) const;
    /// The first rule that matches, or null.
    const Rule *match(const Facts &facts) const;
    QStringList sources() const { return m_sources; }

private:
    QList<Rule> m_rules;
    QList<Hook> m_hooks;
    QStringList m_sources;
};

} // namespace sitrep::remediation
