// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QLabel;

namespace sitrep::ui {

/// An outcome said in the page, never in a modal dialog: a banner (red for an error,
/// green for a success) with the text, which can be selected, and a Dismiss button.
/// Hidden until there is something to say.
class MessageBar final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageBar)
public:
    /// `name` and `textName` are the object names of the bar and of its text; `margins`
    /// the space around its row.
    MessageBar(const QString &name, const QString &textName, const QMargins &margins,
               QWidget *parent = nullptr);

    void say(const QString &text, bool error);
    /// Hides the bar and forgets its text (also what Dismiss does).
    void dismiss();
    /// The text while the bar shows; empty while it is hidden.
    QString text() const;

private:
    QLabel *m_text = nullptr;
};

} // namespace sitrep::ui
