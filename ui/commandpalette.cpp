// SPDX-License-Identifier: MIT
#include "ui/commandpalette.h"

#include "ui/style/formrows.h"
#include "ui/style/severitystyle.h"

#include <QAction>
#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace sitrep::ui {

namespace {
enum { KindRole = Qt::UserRole + 1, IndexRole, UidRole };
enum Kind { ActionEntry, IncidentEntry };

/// Lets arrow keys move in the list while typing continues in the line edit.
class ArrowForwarder final : public QObject {
public:
    ArrowForwarder(QListWidget *list, QObject *parent) : QObject(parent), m_list(list) {}
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (e->type() == QEvent::KeyPress) {
            auto *k = static_cast<QKeyEvent *>(e);
            if (k->key() == Qt::Key_Down || k->key() == Qt::Key_Up ||
                k->key() == Qt::Key_PageDown || k->key() == Qt::Key_PageUp) {
                QKeyEvent copy(k->type(), k->key(), k->modifiers());
                QCoreApplication::sendEvent(m_list, &copy);
                return true;
            }
        }
        return QObject::eventFilter(o, e);
    }

private:
    QListWidget *m_list;
};
} // namespace

CommandPalette::CommandPalette(QList<QAction *> actions, IncidentFinder finder, QWidget *parent)
    : QDialog(parent), m_actions(std::move(actions)), m_finder(std::move(finder))
{
    setObjectName(QStringLiteral("commandPalette"));
    setWindowTitle(tr("Command palette"));
    auto *v = new QVBoxLayout(this);
    m_input = namedLineEdit(QStringLiteral("paletteInput"), tr("Find an action or an incident"),
                            tr("Type an action, an incident number or words of a title"), this);
    v->addWidget(m_input);
    m_list = namedList(QStringLiteral("paletteResults"), tr("Matches"), this);
    v->addWidget(m_list);
    m_input->installEventFilter(new ArrowForwarder(m_list, this));
    connect(m_input, &QLineEdit::textChanged, this, &CommandPalette::update);
    connect(m_input, &QLineEdit::returnPressed, this, &CommandPalette::activateCurrent);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::activateCurrent);
    resize(fontMetrics().horizontalAdvance(u'M') * 45, fontMetrics().height() * 22);
    update();
}

void CommandPalette::update()
{
    m_list->clear();
    const QString text = m_input->text().trimmed();
    for (int i = 0; i < m_actions.size(); ++i) {
        QAction *a = m_actions[i];
        if (!a->isEnabled() || a->text().isEmpty())
            continue;
        QString name = a->text();
        name.remove(u'&');
        if (!text.isEmpty() && !name.contains(text, Qt::CaseInsensitive))
            continue;
        const QString sc = a->shortcut().toString(QKeySequence::NativeText);
        auto *item = new QListWidgetItem(
            a->icon(), sc.isEmpty() ? name : QStringLiteral("%1    %2").arg(name, sc), m_list);
        item->setData(KindRole, ActionEntry);
        item->setData(IndexRole, i);
    }
    if (!text.isEmpty() && m_finder) {
        for (const auto &hit : m_finder(text)) {
            // State and severity beside the title: the right incident at a glance, and
            // the shape says the severity where colour cannot.
            const QString sev =
                hit.severity > 0 ? QStringLiteral("SEV%1").arg(hit.severity) : tr("no severity");
            auto *item = new QListWidgetItem(
                severityIcon(hit.severity),
                tr("Open %1  %2  ·  %3  ·  %4").arg(hit.number, hit.title, hit.state, sev), m_list);
            item->setData(KindRole, IncidentEntry);
            item->setData(UidRole, hit.uid);
        }
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

void CommandPalette::activateCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const int kind = item->data(KindRole).toInt();
    if (kind == IncidentEntry) {
        const QString uid = item->data(UidRole).toString();
        accept();
        Q_EMIT openIncident(uid);
        return;
    }
    QAction *a = m_actions.value(item->data(IndexRole).toInt());
    accept();
    if (a)
        a->trigger();
}

} // namespace sitrep::ui
