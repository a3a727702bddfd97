// SPDX-License-Identifier: MIT
#include "ui/theme.h"

#include "ui/style/bannerstyle.h"

#include <QApplication>
#include <QLineEdit>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOptionFrame>

namespace sitrep::ui {

ThemeMode themeModeFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == u"dark")
        return ThemeMode::Dark;
    if (t == u"light")
        return ThemeMode::Light;
    return ThemeMode::System;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2B, 0x2D, 0x31), base(0x1E, 0x1F, 0x22), text(0xE8, 0xE8, 0xE8),
        disabled(0x8A, 0x8C, 0x90);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2B));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3B));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xFF, 0x6E, 0x6E));
    p.setColor(QPalette::Light, QColor(0x45, 0x47, 0x4B));
    p.setColor(QPalette::Midlight, QColor(0x3A, 0x3C, 0x40));
    p.setColor(QPalette::Mid, QColor(0x52, 0x54, 0x58));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1B));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3D, 0x7A, 0xC7));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7C, 0xB7, 0xFF));
    p.setColor(QPalette::LinkVisited, QColor(0xC3, 0x9B, 0xFF));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

bool systemPrefersDark()
{
    if (isDarkPalette(QApplication::style()->standardPalette()) ||
        isDarkPalette(QGuiApplication::palette()))
        return true;
    return qEnvironmentVariable("GTK_THEME").endsWith(QLatin1String(":dark"), Qt::CaseInsensitive);
}

void applyTheme(ThemeMode mode)
{
    if (mode == ThemeMode::System) {
        if (!systemPrefersDark() || isDarkPalette(QGuiApplication::palette()))
            return; // the platform palette already is what the system wants
        mode = ThemeMode::Dark;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(mode == ThemeMode::Dark ? darkPalette()
                                                     : QApplication::style()->standardPalette());
}

void applyThemeFromEnvironment()
{
    applyTheme(themeModeFromString(qEnvironmentVariable("SITREP_THEME")));
}

void fitPlaceholders(QWidget *root)
{
    for (QLineEdit *e : root->findChildren<QLineEdit *>()) {
        if (e->placeholderText().isEmpty())
            continue;
        // Text margins, the frame and the cursor's room, as QLineEdit's own size hint counts them.
        QStyleOptionFrame opt;
        opt.initFrom(e);
        const QMargins tm = e->textMargins();
        const int text =
            e->fontMetrics().horizontalAdvance(e->placeholderText()) + tm.left() + tm.right() + 8;
        const int need = e->style()
                             ->sizeFromContents(QStyle::CT_LineEdit, &opt,
                                                QSize(text, e->fontMetrics().height()), e)
                             .width();
        e->setMinimumWidth(std::max(e->minimumWidth(), need));
    }
}

} // namespace sitrep::ui
