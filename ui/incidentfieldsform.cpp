// SPDX-License-Identifier: MIT
#include "ui/incidentfieldsform.h"

#include "domain/incident.h"
#include "engine/fieldrules.h"
#include "engine/lifecycleengine.h"
#include "itemmodels/incidentcolumns.h"
#include "ui/style/bannerstyle.h"
#include "ui/style/severitystyle.h"
#include "workflow/prioritymatrix.h"

#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>

#include <initializer_list>
#include <utility>

namespace sitrep::ui {

namespace rules = engine::rules;

IncidentFieldsForm::IncidentFieldsForm(engine::LifecycleEngine &engine, Mode mode, QWidget *parent)
    : QFrame(parent), m_engine(engine), m_mode(mode)
{
    if (mode == Mode::Editor)
        buildEditor();
    else
        buildNewIncident();

    // Severities with their shapes, then what the workflow's matrix knows.
    for (int sev = 1; sev <= 4; ++sev)
        comboBox(QStringLiteral("severity"))
            ->addItem(severityIcon(sev), itemmodels::severityText(sev),
                      domain::severityName(domain::Severity(sev)));
    const auto &matrix = m_engine.workflow().matrix();
    for (const QString &i : matrix.impacts())
        comboBox(QStringLiteral("impact"))->addItem(i, i);
    for (const QString &u : matrix.urgencies())
        comboBox(QStringLiteral("urgency"))->addItem(u, u);
    QStringList groups, people;
    for (const auto &g : m_engine.oncall().groups()) {
        groups << g.name;
        for (const QString &m : g.members)
            if (!people.contains(m))
                people << m;
    }
    const auto complete = [](QLineEdit *e, const QStringList &words) {
        auto *c = new QCompleter(words, e);
        c->setCaseSensitivity(Qt::CaseInsensitive);
        e->setCompleter(c);
    };
    complete(lineEdit(QStringLiteral("assignment_group")), groups);
    if (mode == Mode::Editor)
        complete(lineEdit(QStringLiteral("assignee")), people);

    for (QWidget *w : std::as_const(m_fields)) {
        if (auto *e = qobject_cast<QLineEdit *>(w)) {
            connect(e, &QLineEdit::textChanged, this, &IncidentFieldsForm::edited);
            if (mode == Mode::Editor)
                connect(e, &QLineEdit::returnPressed, this, &IncidentFieldsForm::submitted);
        } else if (auto *c = qobject_cast<QComboBox *>(w)) {
            connect(c, &QComboBox::currentIndexChanged, this, &IncidentFieldsForm::updatePriority);
            connect(c, &QComboBox::currentIndexChanged, this, &IncidentFieldsForm::edited);
        } else if (auto *t = qobject_cast<QPlainTextEdit *>(w)) {
            connect(t, &QPlainTextEdit::textChanged, this, &IncidentFieldsForm::edited);
        }
    }
    updatePriority();
}

template <typename Widget>
Widget *IncidentFieldsForm::addField(const QString &field, const QString &objectName,
                                     const QString &accessibleName)
{
    auto *w = new Widget(this);
    w->setObjectName(objectName);
    w->setAccessibleName(accessibleName);
    m_fields.insert(field, w);
    return w;
}

QLabel *IncidentFieldsForm::addErrorLabel(const QString &field, const QString &objectName)
{
    auto *l = new QLabel(this);
    l->setObjectName(objectName);
    styleAsMessageText(l, BannerKind::Error);
    l->setWordWrap(true);
    l->hide();
    m_errors.insert(field, l);
    return l;
}

void IncidentFieldsForm::buildNewIncident()
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    auto *title =
        addField<QLineEdit>(QStringLiteral("title"), QStringLiteral("titleEdit"), tr("Title"));
    title->setPlaceholderText(
        tr("What is broken, for whom (e.g. Checkout API returns 502 for EU users)"));
    form->addRow(tr("&Title*:"), title);
    form->addRow(QString(), addErrorLabel(QStringLiteral("title"), QStringLiteral("titleError")));

    auto *description = addField<QPlainTextEdit>(
        QStringLiteral("description"), QStringLiteral("descriptionEdit"), tr("Description"));
    description->setPlaceholderText(tr("Symptoms, first signal, what has been tried"));
    description->setMaximumHeight(fontMetrics().height() * 5);
    // Tab moves to the next field, as in every other field of the form.
    description->setTabChangesFocus(true);
    form->addRow(tr("&Description:"), description);

    auto *severity = addField<QComboBox>(QStringLiteral("severity"),
                                         QStringLiteral("severityCombo"), tr("Severity"));
    severity->addItem(tr("Choose…"), QString());
    form->addRow(tr("&Severity*:"), severity);
    form->addRow(QString(),
                 addErrorLabel(QStringLiteral("severity"), QStringLiteral("severityError")));

    auto *impact =
        addField<QComboBox>(QStringLiteral("impact"), QStringLiteral("impactCombo"), tr("Impact"));
    impact->addItem(tr("Not assessed"), QString());
    auto *urgency = addField<QComboBox>(QStringLiteral("urgency"), QStringLiteral("urgencyCombo"),
                                        tr("Urgency"));
    urgency->addItem(tr("Not assessed"), QString());
    form->addRow(tr("&Impact:"), impact);
    form->addRow(tr("&Urgency:"), urgency);
    m_priority = new QLabel(this);
    m_priority->setObjectName(QStringLiteral("priorityLabel"));
    m_priority->setAccessibleName(tr("Resulting priority"));
    QFont pf = font();
    pf.setBold(true);
    m_priority->setFont(pf);
    m_priority->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    form->addRow(tr("Priority:"), m_priority);
    form->addRow(QString(), addErrorLabel(QStringLiteral("matrix"), QStringLiteral("matrixError")));

    auto *category = addField<QLineEdit>(QStringLiteral("category"), QString(), tr("Category"));
    category->setPlaceholderText(tr("e.g. network, database, application"));
    form->addRow(tr("&Category:"), category);
    form->addRow(tr("Su&bcategory:"),
                 addField<QLineEdit>(QStringLiteral("subcategory"), QString(), tr("Subcategory")));
    auto *services = addField<QLineEdit>(QStringLiteral("services"), QStringLiteral("servicesEdit"),
                                         tr("Affected services"));
    services->setPlaceholderText(tr("checkout-api, payments (comma separated)"));
    form->addRow(tr("Affected se&rvices:"), services);
    form->addRow(QString(),
                 addErrorLabel(QStringLiteral("services"), QStringLiteral("servicesError")));
    auto *assignee = addField<QLineEdit>(QStringLiteral("assignee"), QString(), tr("Assignee"));
    assignee->setPlaceholderText(tr("empty: whoever is on call"));
    form->addRow(tr("&Assignee:"), assignee);
    auto *group = addField<QLineEdit>(QStringLiteral("assignment_group"),
                                      QStringLiteral("groupEdit"), tr("Assignment group"));
    group->setPlaceholderText(tr("empty: routed by category and services"));
    form->addRow(tr("Assignment &group:"), group);
    form->addRow(QString(),
                 addErrorLabel(QStringLiteral("assignment_group"), QStringLiteral("groupError")));
    form->addRow(
        tr("Incident co&mmander:"),
        addField<QLineEdit>(QStringLiteral("commander"), QString(), tr("Incident commander")));
}

void IncidentFieldsForm::buildEditor()
{
    setObjectName(QStringLiteral("fieldEditor"));
    setFrameShape(QFrame::StyledPanel);
    auto *grid = new QGridLayout(this);
    const auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    // Each field after its label, left to right from the first column.
    const auto addFields = [&](int row,
                               std::initializer_list<std::pair<QString, QWidget *>> fields) {
        int column = 0;
        for (const auto &[text, field] : fields) {
            grid->addWidget(label(text, field), row, column++);
            grid->addWidget(field, row, column++);
        }
    };

    auto *title =
        addField<QLineEdit>(QStringLiteral("title"), QStringLiteral("editTitle"), tr("Title"));
    title->setMaxLength(rules::MaxTitleLength);
    grid->addWidget(label(tr("Title:"), title), 0, 0);
    grid->addWidget(title, 0, 1, 1, 6);

    auto *severity = addField<QComboBox>(QStringLiteral("severity"), QStringLiteral("editSeverity"),
                                         tr("Severity"));
    auto *impact =
        addField<QComboBox>(QStringLiteral("impact"), QStringLiteral("editImpact"), tr("Impact"));
    auto *urgency = addField<QComboBox>(QStringLiteral("urgency"), QStringLiteral("editUrgency"),
                                        tr("Urgency"));
    m_priority = new QLabel(this);
    m_priority->setObjectName(QStringLiteral("editPriority"));
    m_priority->setAccessibleName(tr("Resulting priority"));
    addFields(1, {{tr("Severity:"), severity}, {tr("Impact:"), impact}, {tr("Urgency:"), urgency}});
    grid->addWidget(m_priority, 1, 6);

    auto *assignee = addField<QLineEdit>(QStringLiteral("assignee"), QStringLiteral("editAssignee"),
                                         tr("Assignee"));
    auto *group = addField<QLineEdit>(QStringLiteral("assignment_group"),
                                      QStringLiteral("editGroup"), tr("Assignment group"));
    auto *category = addField<QLineEdit>(QStringLiteral("category"), QStringLiteral("editCategory"),
                                         tr("Category"));
    addFields(2, {{tr("Assignee:"), assignee}, {tr("Group:"), group}, {tr("Category:"), category}});

    auto *services = addField<QLineEdit>(QStringLiteral("services"), QStringLiteral("editServices"),
                                         tr("Affected services"));
    services->setPlaceholderText(tr("checkout-api, payments (comma separated)"));
    grid->addWidget(label(tr("Services:"), services), 3, 0);
    grid->addWidget(services, 3, 1, 1, 5);

    auto *description = addField<QPlainTextEdit>(
        QStringLiteral("description"), QStringLiteral("editDescription"), tr("Description"));
    description->setTabChangesFocus(true);
    // Two lines: the editor sits above the timeline and must not push it off small screens.
    description->setFixedHeight(fontMetrics().lineSpacing() * 2 + 12);
    grid->addWidget(label(tr("Description:"), description), 4, 0, Qt::AlignTop);
    grid->addWidget(description, 4, 1, 1, 5);

    auto *buttons = new QHBoxLayout;
    auto *hint = new QLabel(tr("Enter saves, Esc cancels"), this);
    hint->setEnabled(false);
    grid->addWidget(hint, 4, 6, Qt::AlignTop | Qt::AlignRight);
    auto *save = new QPushButton(tr("Save"), this);
    save->setObjectName(QStringLiteral("saveFields"));
    auto *cancel = new QPushButton(tr("Cancel"), this);
    cancel->setObjectName(QStringLiteral("cancelFields"));
    buttons->addWidget(save);
    buttons->addWidget(cancel);
    grid->addLayout(buttons, 3, 6);
    grid->setColumnStretch(1, 2);
    grid->setColumnStretch(3, 2);
    grid->setColumnStretch(5, 2);

    connect(save, &QPushButton::clicked, this, &IncidentFieldsForm::submitted);
    connect(cancel, &QPushButton::clicked, this, &IncidentFieldsForm::cancelled);
    // In the description Enter is a new line; Ctrl+Enter saves from anywhere in the editor.
    for (const QKeySequence &k :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *sc = new QShortcut(k, this);
        sc->setContext(Qt::WidgetWithChildrenShortcut);
        connect(sc, &QShortcut::activated, this, &IncidentFieldsForm::submitted);
    }
}

void IncidentFieldsForm::keyPressEvent(QKeyEvent *event)
{
    // Escape reaches the editor from any of its fields (they leave it unhandled); in the
    // dialog it goes on to the dialog, which closes.
    if (m_mode == Mode::Editor && event->key() == Qt::Key_Escape) {
        Q_EMIT cancelled();
        return;
    }
    QFrame::keyPressEvent(event);
}

QWidget *IncidentFieldsForm::field(const QString &name) const
{
    return m_fields.value(name);
}

QLineEdit *IncidentFieldsForm::lineEdit(const QString &name) const
{
    return qobject_cast<QLineEdit *>(field(name));
}

QComboBox *IncidentFieldsForm::comboBox(const QString &name) const
{
    return qobject_cast<QComboBox *>(field(name));
}

QLabel *IncidentFieldsForm::errorLabel(const QString &name) const
{
    return m_errors.value(name);
}

QString IncidentFieldsForm::value(const QString &name) const
{
    QWidget *w = field(name);
    if (auto *e = qobject_cast<QLineEdit *>(w))
        return e->text().trimmed();
    if (auto *c = qobject_cast<QComboBox *>(w))
        return c->currentData().toString();
    if (auto *t = qobject_cast<QPlainTextEdit *>(w))
        return t->toPlainText().trimmed();
    return {};
}

void IncidentFieldsForm::setIncident(const domain::Incident &inc)
{
    lineEdit(QStringLiteral("title"))->setText(inc.title);
    qobject_cast<QPlainTextEdit *>(field(QStringLiteral("description")))
        ->setPlainText(inc.description);
    QComboBox *severity = comboBox(QStringLiteral("severity"));
    severity->setCurrentIndex(severity->findData(domain::severityName(inc.severity)));
    for (auto [combo, value] : {std::pair{comboBox(QStringLiteral("impact")), inc.impact},
                                std::pair{comboBox(QStringLiteral("urgency")), inc.urgency}}) {
        const int none = combo->findData(QString());
        if (value.isEmpty() && none < 0)
            combo->insertItem(0, tr("Not assessed"), QString());
        else if (!value.isEmpty() && none >= 0)
            combo->removeItem(none);
        combo->setCurrentIndex(std::max(0, combo->findData(value)));
    }
    lineEdit(QStringLiteral("assignee"))->setText(inc.assignee);
    lineEdit(QStringLiteral("assignment_group"))->setText(inc.assignmentGroup);
    lineEdit(QStringLiteral("services"))->setText(inc.services.join(QStringLiteral(", ")));
    lineEdit(QStringLiteral("category"))->setText(inc.category);
    updatePriority();
}

bool IncidentFieldsForm::priorityFromMatrix() const
{
    return !value(QStringLiteral("impact")).isEmpty() &&
           !value(QStringLiteral("urgency")).isEmpty();
}

QString IncidentFieldsForm::priorityText() const
{
    const QString impact = value(QStringLiteral("impact"));
    const QString urgency = value(QStringLiteral("urgency"));
    if (impact.isEmpty() != urgency.isEmpty())
        return {};
    return domain::priorityName(
        rules::derivedPriority(m_engine.workflow().matrix(), impact, urgency,
                               domain::parseSeverity(value(QStringLiteral("severity")))));
}

void IncidentFieldsForm::updatePriority()
{
    const QString source = priorityFromMatrix() ? tr("from impact × urgency") : tr("from severity");
    if (m_mode == Mode::NewIncident) {
        const QString prio = priorityText();
        m_priority->setText(prio.isEmpty() ? tr("—")
                                           : QStringLiteral("%1  (%2)").arg(prio, source));
        return;
    }
    // The editor tells what the fields give even with only one of impact and urgency.
    const auto p = rules::derivedPriority(
        m_engine.workflow().matrix(), value(QStringLiteral("impact")),
        value(QStringLiteral("urgency")), domain::parseSeverity(value(QStringLiteral("severity"))));
    m_priority->setText(
        tr("Priority: %1 (%2)")
            .arg(p == domain::Priority::None ? tr("none") : domain::priorityName(p), source));
}

} // namespace sitrep::ui
