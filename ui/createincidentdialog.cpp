// SPDX-License-Identifier: MIT
#include "ui/createincidentdialog.h"

#include "domain/incident.h"
#include "engine/fieldrules.h"
#include "engine/lifecycleengine.h"
#include "ui/keyboardguard.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/severitystyle.h"
#include "workflow/prioritymatrix.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace sitrep::ui {

static QLabel *errorLabel(QWidget *parent, const QString &name)
{
    auto *l = new QLabel(parent);
    l->setObjectName(name);
    styleAsMessageText(l, BannerKind::Error);
    l->setWordWrap(true);
    l->hide();
    return l;
}

CreateIncidentDialog::CreateIncidentDialog(engine::LifecycleEngine &engine, const QString &me,
                                           QWidget *parent)
    : QDialog(parent), m_engine(engine), m_me(me)
{
    setObjectName(QStringLiteral("createIncidentDialog"));
    installAcceleratorGuard();
    setWindowTitle(tr("New incident"));
    auto *v = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_title = new QLineEdit(this);
    m_title->setObjectName(QStringLiteral("titleEdit"));
    m_title->setAccessibleName(tr("Title"));
    m_title->setPlaceholderText(
        tr("What is broken, for whom (e.g. Checkout API returns 502 for EU users)"));
    m_titleError = errorLabel(this, QStringLiteral("titleError"));
    form->addRow(tr("&Title*:"), m_title);
    form->addRow(QString(), m_titleError);

    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("descriptionEdit"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setPlaceholderText(tr("Symptoms, first signal, what has been tried"));
    m_description->setMaximumHeight(fontMetrics().height() * 5);
    // Tab moves to the next field, as in every other field of the form.
    m_description->setTabChangesFocus(true);
    form->addRow(tr("&Description:"), m_description);

    m_severity = new QComboBox(this);
    m_severity->setObjectName(QStringLiteral("severityCombo"));
    m_severity->setAccessibleName(tr("Severity"));
    m_severity->addItem(tr("Choose…"), QString());
    for (int s = 1; s <= 4; ++s) {
        const auto sev = domain::Severity(s);
        m_severity->addItem(
            severityIcon(s),
            QStringLiteral("%1 %2").arg(domain::severityLabel(sev), domain::severityName(sev)),
            domain::severityName(sev));
    }
    m_severityError = errorLabel(this, QStringLiteral("severityError"));
    form->addRow(tr("&Severity*:"), m_severity);
    form->addRow(QString(), m_severityError);

    const auto &matrix = m_engine.workflow().matrix();
    m_impact = new QComboBox(this);
    m_impact->setObjectName(QStringLiteral("impactCombo"));
    m_impact->setAccessibleName(tr("Impact"));
    m_impact->addItem(tr("Not assessed"), QString());
    for (const QString &i : matrix.impacts())
        m_impact->addItem(i, i);
    m_urgency = new QComboBox(this);
    m_urgency->setObjectName(QStringLiteral("urgencyCombo"));
    m_urgency->setAccessibleName(tr("Urgency"));
    m_urgency->addItem(tr("Not assessed"), QString());
    for (const QString &u : matrix.urgencies())
        m_urgency->addItem(u, u);
    form->addRow(tr("&Impact:"), m_impact);
    form->addRow(tr("&Urgency:"), m_urgency);
    m_priority = new QLabel(this);
    m_priority->setObjectName(QStringLiteral("priorityLabel"));
    m_priority->setAccessibleName(tr("Resulting priority"));
    QFont pf = font();
    pf.setBold(true);
    m_priority->setFont(pf);
    m_priority->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    form->addRow(tr("Priority:"), m_priority);
    m_matrixError = errorLabel(this, QStringLiteral("matrixError"));
    form->addRow(QString(), m_matrixError);

    m_category = new QLineEdit(this);
    m_category->setAccessibleName(tr("Category"));
    m_category->setPlaceholderText(tr("e.g. network, database, application"));
    form->addRow(tr("&Category:"), m_category);
    m_subcategory = new QLineEdit(this);
    m_subcategory->setAccessibleName(tr("Subcategory"));
    form->addRow(tr("Su&bcategory:"), m_subcategory);
    m_services = new QLineEdit(this);
    m_services->setObjectName(QStringLiteral("servicesEdit"));
    m_services->setAccessibleName(tr("Affected services"));
    m_services->setPlaceholderText(tr("checkout-api, payments (comma separated)"));
    m_servicesError = errorLabel(this, QStringLiteral("servicesError"));
    form->addRow(tr("Affected se&rvices:"), m_services);
    form->addRow(QString(), m_servicesError);
    m_assignee = new QLineEdit(this);
    m_assignee->setAccessibleName(tr("Assignee"));
    m_assignee->setPlaceholderText(tr("empty: whoever is on call"));
    form->addRow(tr("&Assignee:"), m_assignee);
    m_group = new QLineEdit(this);
    m_group->setObjectName(QStringLiteral("groupEdit"));
    m_group->setAccessibleName(tr("Assignment group"));
    QStringList groups;
    for (const auto &g : m_engine.oncall().groups())
        groups << g.name;
    m_group->setPlaceholderText(tr("empty: routed by category and services"));
    auto *groupCompleter = new QCompleter(groups, m_group);
    groupCompleter->setCaseSensitivity(Qt::CaseInsensitive);
    m_group->setCompleter(groupCompleter);
    m_groupError = errorLabel(this, QStringLiteral("groupError"));
    form->addRow(tr("Assignment &group:"), m_group);
    form->addRow(QString(), m_groupError);
    m_commander = new QLineEdit(this);
    m_commander->setAccessibleName(tr("Incident commander"));
    form->addRow(tr("Incident co&mmander:"), m_commander);
    v->addLayout(form);
    v->addStretch(1);

    m_formError = errorLabel(this, QStringLiteral("formError"));
    v->addWidget(m_formError);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create incident"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("createButton"));
    v->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CreateIncidentDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CreateIncidentDialog::reject);

    connect(m_title, &QLineEdit::textChanged, this, &CreateIncidentDialog::validate);
    connect(m_services, &QLineEdit::textChanged, this, &CreateIncidentDialog::validate);
    connect(m_group, &QLineEdit::textChanged, this, &CreateIncidentDialog::validate);
    connect(m_description, &QPlainTextEdit::textChanged, this, &CreateIncidentDialog::validate);
    connect(m_severity, &QComboBox::activated, this,
            [this] { m_severity->setProperty("touched", true); });
    for (QComboBox *c : {m_severity, m_impact, m_urgency})
        connect(c, &QComboBox::currentIndexChanged, this, &CreateIncidentDialog::validate);
    validate();
    resize(sizeHint().expandedTo(QSize(fontMetrics().horizontalAdvance(u'M') * 40, 0)));
}

QString CreateIncidentDialog::priorityText() const
{
    const QString impact = m_impact->currentData().toString();
    const QString urgency = m_urgency->currentData().toString();
    if (impact.isEmpty() != urgency.isEmpty())
        return {};
    return domain::priorityName(engine::rules::derivedPriority(
        m_engine.workflow().matrix(), impact, urgency,
        domain::parseSeverity(m_severity->currentData().toString())));
}

using engine::rules::splitServices;

bool CreateIncidentDialog::isValid() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

void CreateIncidentDialog::validate()
{
    bool ok = true;
    const QString title = m_title->text().trimmed();
    // The engine's rules, so the form never accepts what the engine refuses (or the reverse).
    QString titleError;
    if (title.isEmpty())
        titleError = tr("A title is required.");
    else if (!engine::rules::checkTitle(title))
        titleError = tr("Keep the title to %1 characters (%2 now).")
                         .arg(engine::rules::MaxTitleLength)
                         .arg(title.size());
    // An untouched form shows no red; the Create button stays disabled anyway.
    m_titleError->setText(titleError);
    m_titleError->setVisible(!titleError.isEmpty() && m_title->isModified());
    ok = ok && titleError.isEmpty();

    const bool sevSet = !m_severity->currentData().toString().isEmpty();
    m_severityError->setText(tr("Choose a severity."));
    m_severityError->setVisible(!sevSet && m_severity->property("touched").toBool());
    ok = ok && sevSet;

    const bool hasImpact = !m_impact->currentData().toString().isEmpty();
    const bool hasUrgency = !m_urgency->currentData().toString().isEmpty();
    QString matrixError;
    if (hasImpact != hasUrgency)
        matrixError = hasImpact ? tr("Choose an urgency too: priority comes from impact × urgency.")
                                : tr("Choose an impact too: priority comes from impact × urgency.");
    m_matrixError->setText(matrixError);
    m_matrixError->setVisible(!matrixError.isEmpty());
    ok = ok && matrixError.isEmpty();

    QString svcError;
    for (const QString &s : splitServices(m_services->text()))
        if (!engine::rules::checkServiceName(s)) {
            svcError = tr("'%1' is not a service name (letters, digits, . _ / -).").arg(s);
            break;
        }
    m_servicesError->setText(svcError);
    m_servicesError->setVisible(!svcError.isEmpty());
    ok = ok && svcError.isEmpty();

    const auto group = engine::rules::checkAssignmentGroup(m_engine.oncall(), m_group->text());
    m_groupError->setText(group ? QString() : group.errorMessage());
    m_groupError->setVisible(!group);
    ok = ok && group.ok();

    if (!engine::rules::checkText(QStringLiteral("description"), m_description->toPlainText())) {
        m_formError->setText(tr("The description is limited to %1 characters.")
                                 .arg(QLocale().toString(engine::rules::MaxTextLength)));
        m_formError->show();
        ok = false;
    } else if (m_formError->property("fromEngine").toBool() == false) {
        m_formError->hide();
    }

    const QString prio = priorityText();
    if (prio.isEmpty()) {
        m_priority->setText(tr("—"));
    } else {
        const QString source =
            hasImpact && hasUrgency ? tr("from impact × urgency") : tr("from severity");
        m_priority->setText(QStringLiteral("%1  (%2)").arg(prio, source));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

QJsonObject CreateIncidentDialog::args() const
{
    QJsonObject a{{QStringLiteral("title"), m_title->text().trimmed()},
                  {QStringLiteral("description"), m_description->toPlainText().trimmed()},
                  {QStringLiteral("severity"), m_severity->currentData().toString()},
                  {QStringLiteral("reporter"), m_me}};
    if (!m_impact->currentData().toString().isEmpty()) {
        a[u"impact"] = m_impact->currentData().toString();
        a[u"urgency"] = m_urgency->currentData().toString();
    }
    const auto put = [&a](const char *key, const QLineEdit *e) {
        if (!e->text().trimmed().isEmpty())
            a[QString::fromLatin1(key)] = e->text().trimmed();
    };
    put("category", m_category);
    put("subcategory", m_subcategory);
    put("assignee", m_assignee);
    put("assignment_group", m_group);
    put("commander", m_commander);
    const QStringList svcs = splitServices(m_services->text());
    if (!svcs.isEmpty())
        a[u"services"] = QJsonArray::fromStringList(svcs);
    return a;
}

void CreateIncidentDialog::accept()
{
    m_title->setModified(true);
    m_severity->setProperty("touched", true);
    validate();
    if (!isValid())
        return;
    const auto r = m_engine.execute(engine::Command::open(args(), m_me));
    if (!r) {
        m_formError->setText(r.errorMessage());
        m_formError->setProperty("fromEngine", true);
        m_formError->show();
        return;
    }
    m_createdUid = r->incidentUid;
    m_createdNumber = r->number;
    QDialog::accept();
}

} // namespace sitrep::ui
