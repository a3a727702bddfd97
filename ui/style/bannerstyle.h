// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

class QWidget;

namespace sitrep::ui {

/// What a banner tells: an error, a success, a warning (reminders, guards) or information.
enum class BannerKind { Error, Success, Warning, Info };

/// Colours of a banner, derived from a palette: a light tint of the accent on a light
/// theme, a dark shade of it on a dark theme, and text that reaches WCAG AA contrast
/// (4.5:1) on that background.
struct BannerColors {
    QColor background;
    QColor text;
    QColor border;
};

/// WCAG 2 contrast ratio of two opaque colours (1 .. 21).
double contrastRatio(const QColor &a, const QColor &b);
/// True if the palette's window colour is dark.
bool isDarkPalette(const QPalette &palette);
BannerColors bannerColors(BannerKind kind, const QPalette &palette);
/// A style sheet for `selector` (e.g. "#messageBar") and the QLabels in it.
QString bannerStyleSheet(BannerKind kind, const QPalette &palette, const QString &selector);
/// The accent of `kind` made readable as text on the palette's window colour (AA, 4.5:1):
/// for inline messages next to a field.
QColor readableAccent(BannerKind kind, const QPalette &palette);
/// Colours `label`'s text with readableAccent(), following application palette changes.
void styleAsMessageText(QWidget *label, BannerKind kind);
/// Styles `w` as a banner from the application palette now and again whenever the
/// application palette changes (the system switched between light and dark). Setting it
/// again with another kind replaces the kind.
void styleAsBanner(QWidget *w, BannerKind kind);

} // namespace sitrep::ui
