// SPDX-License-Identifier: MIT
#include "ui/createincidentdialog.h"

#include "engine/fieldrules.h"
#include "engine/lifecycleengine.h"
#include "ui/incidentfieldsform.h"
#include "ui/keyboardguard.h"
#include "ui/style/bannerstyle.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sitrep::ui {

using engine::rules::splitServices;

CreateIncidentDialog::CreateIncidentDialog(engine::LifecycleEngine &engine, const QString &me,
                                           QWidget *parent)
    : QDialog(parent), m_engine(engine), m_me(me)
{
    setObjectName(QStringLiteral("createIncidentDialog"));
    installAcceleratorGuard();
    setWindowTitle(tr("New incident"));
    auto *v = new QVBoxLayout(this);
    m_fields = new IncidentFieldsForm(m_engine, IncidentFieldsForm::Mode::NewIncident, this);
    v->addWidget(m_fields);
    v->addStretch(1);

    m_formError = new QLabel(this);
    m_formError->setObjectName(QStringLiteral("formError"));
    styleAsMessageText(m_formError, BannerKind::Error);
    m_formError->setWordWrap(true);
    m_formError->hide();
    v->addWidget(m_formError);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create incident"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("createButton"));
    v->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CreateIncidentDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CreateIncidentDialog::reject);

    connect(m_fields, &IncidentFieldsForm::edited, this, &CreateIncidentDialog::validate);
    QComboBox *severity = m_fields->comboBox(QStringLiteral("severity"));
    connect(severity, &QComboBox::activated, this,
            [severity] { severity->setProperty("touched", true); });
    validate();
    resize(sizeHint().expandedTo(QSize(fontMetrics().horizontalAdvance(u'M') * 40, 0)));
}

QString CreateIncidentDialog::priorityText() const
{
    return m_fields->priorityText();
}

bool CreateIncidentDialog::isValid() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

void CreateIncidentDialog::validate()
{
    bool ok = true;
    // A message under its field; what is not valid keeps the Create button disabled.
    const auto show = [this, &ok](const QString &field, const QString &error, bool visible) {
        QLabel *l = m_fields->errorLabel(field);
        l->setText(error);
        l->setVisible(visible);
        ok = ok && error.isEmpty();
    };
    const QString title = m_fields->value(QStringLiteral("title"));
    // The engine's rules, so the form never accepts what the engine refuses (or the reverse).
    QString titleError;
    if (title.isEmpty())
        titleError = tr("A title is required.");
    else if (!engine::rules::checkTitle(title))
        titleError = tr("Keep the title to %1 characters (%2 now).")
                         .arg(engine::rules::MaxTitleLength)
                         .arg(title.size());
    // An untouched form shows no red; the Create button stays disabled anyway.
    show(QStringLiteral("title"), titleError,
         !titleError.isEmpty() && m_fields->lineEdit(QStringLiteral("title"))->isModified());

    const bool sevSet = !m_fields->value(QStringLiteral("severity")).isEmpty();
    show(QStringLiteral("severity"), sevSet ? QString() : tr("Choose a severity."),
         !sevSet && m_fields->comboBox(QStringLiteral("severity"))->property("touched").toBool());

    const bool hasImpact = !m_fields->value(QStringLiteral("impact")).isEmpty();
    const bool hasUrgency = !m_fields->value(QStringLiteral("urgency")).isEmpty();
    QString matrixError;
    if (hasImpact != hasUrgency)
        matrixError = hasImpact ? tr("Choose an urgency too: priority comes from impact × urgency.")
                                : tr("Choose an impact too: priority comes from impact × urgency.");
    show(QStringLiteral("matrix"), matrixError, !matrixError.isEmpty());

    QString svcError;
    for (const QString &s : splitServices(m_fields->lineEdit(QStringLiteral("services"))->text()))
        if (!engine::rules::checkServiceName(s)) {
            svcError = tr("'%1' is not a service name (letters, digits, . _ / -).").arg(s);
            break;
        }
    show(QStringLiteral("services"), svcError, !svcError.isEmpty());

    const auto group = engine::rules::checkAssignmentGroup(
        m_engine.oncall(), m_fields->lineEdit(QStringLiteral("assignment_group"))->text());
    show(QStringLiteral("assignment_group"), group ? QString() : group.errorMessage(), !group);

    const auto *description =
        qobject_cast<QPlainTextEdit *>(m_fields->field(QStringLiteral("description")));
    if (!engine::rules::checkText(QStringLiteral("description"), description->toPlainText())) {
        m_formError->setText(tr("The description is limited to %1 characters.")
                                 .arg(QLocale().toString(engine::rules::MaxTextLength)));
        m_formError->show();
        ok = false;
    } else if (m_formError->property("fromEngine").toBool() == false) {
        m_formError->hide();
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

QJsonObject CreateIncidentDialog::args() const
{
    QJsonObject a{{QStringLiteral("title"), m_fields->value(QStringLiteral("title"))},
                  {QStringLiteral("description"), m_fields->value(QStringLiteral("description"))},
                  {QStringLiteral("severity"), m_fields->value(QStringLiteral("severity"))},
                  {QStringLiteral("reporter"), m_me}};
    if (!m_fields->value(QStringLiteral("impact")).isEmpty()) {
        a[u"impact"] = m_fields->value(QStringLiteral("impact"));
        a[u"urgency"] = m_fields->value(QStringLiteral("urgency"));
    }
    for (const char *key : {"category", "subcategory", "assignee", "assignment_group", "commander"})
        if (const QString v = m_fields->value(QLatin1String(key)); !v.isEmpty())
            a[QLatin1String(key)] = v;
    const QStringList svcs = splitServices(m_fields->value(QStringLiteral("services")));
    if (!svcs.isEmpty())
        a[u"services"] = QJsonArray::fromStringList(svcs);
    return a;
}

void CreateIncidentDialog::accept()
{
    m_fields->lineEdit(QStringLiteral("title"))->setModified(true);
    m_fields->comboBox(QStringLiteral("severity"))->setProperty("touched", true);
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
    m_created = *r;
    QDialog::accept();
}

} // namespace sitrep::ui
