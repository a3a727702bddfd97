// SPDX-License-Identifier: MIT
#include "ui/keyboardguard.h"

#include <QApplication>
#include <QKeyEvent>

namespace sitrep::ui {

namespace {

class AcceleratorGuard final : public QObject {
public:
    explicit AcceleratorGuard(QObject *parent) : QObject(parent)
    {
        setObjectName(QStringLiteral("sitrepAcceleratorGuard"));
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *k = static_cast<QKeyEvent *>(event);
            const Qt::KeyboardModifiers m = k->modifiers();
            // Shortcuts were matched before the key press is delivered: what arrives here
            // with Alt held is an accelerator nobody has, and is not text.
            if ((m & Qt::AltModifier) && !(m & Qt::ControlModifier) && !k->text().isEmpty() &&
                k->text().at(0).isPrint())
                return true;
        }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void installAcceleratorGuard()
{
#ifndef Q_OS_MACOS // Option+key types characters there
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || app->findChild<AcceleratorGuard *>(QStringLiteral("sitrepAcceleratorGuard"),
                                                   Qt::FindDirectChildrenOnly))
        return;
    app->installEventFilter(new AcceleratorGuard(app));
#endif
}

} // namespace sitrep::ui
