// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QList>

#include <functional>

class QAction;
class QLineEdit;
class QListWidget;

namespace sitrep::ui {

/// Ctrl+K: type to find any action of the window or any incident (by number, digits or
/// words of its title), Enter runs or opens it.
class CommandPalette final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandPalette)
public:
    struct IncidentHit {
        QString uid;
        QString number;
        QString title;
        QString state;    // the state's label, shown beside the title
        int severity = 0; // 1..4; 0 unknown
    };
    using IncidentFinder = std::function<QList<IncidentHit>(const QString &text)>;

    CommandPalette(QList<QAction *> actions, IncidentFinder finder, QWidget *parent = nullptr);

    QLineEdit *input() const { return m_input; }
    QListWidget *results() const { return m_list; }
    /// Runs the selected entry and closes.
    void activateCurrent();

Q_SIGNALS:
    void openIncident(const QString &uid);

private:
    void update();

    QList<QAction *> m_actions;
    IncidentFinder m_finder;
    QLineEdit *m_input = nullptr;
    QListWidget *m_list = nullptr;
};

} // namespace sitrep::ui
