// SPDX-License-Identifier: MIT
#include "ui/style/bannerstyle.h"

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QWidget>

#include <cmath>

namespace sitrep::ui {

static double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(const QColor &c)
{
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrastRatio(const QColor &a, const QColor &b)
{
    double l1 = luminance(a), l2 = luminance(b);
    if (l1 < l2)
        std::swap(l1, l2);
    return (l1 + 0.05) / (l2 + 0.05);
}

bool isDarkPalette(const QPalette &palette)
{
    const QColor w = palette.color(QPalette::Window);
    return luminance(w) < luminance(palette.color(QPalette::WindowText));
}

static QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

// Okabe-Ito hues, distinct for colour-blind readers; the text is never the only signal.
static QColor accent(BannerKind kind)
{
    switch (kind) {
    case BannerKind::Error:
        return QColor(0xD5, 0x5E, 0x00); // vermillion
    case BannerKind::Success:
        return QColor(0x00, 0x9E, 0x73); // bluish green
    case BannerKind::Warning:
        return QColor(0xE6, 0x9F, 0x00); // orange
    case BannerKind::Info:
        break;
    }
    return QColor(0x00, 0x72, 0xB2); // blue
}

BannerColors bannerColors(BannerKind kind, const QPalette &palette)
{
    const bool dark = isDarkPalette(palette);
    const QColor a = accent(kind);
    const QColor base = palette.color(QPalette::Window);
    BannerColors c;
    c.background = mix(base, a, dark ? 0.28 : 0.18);
    c.border = a;
    // Start from the theme's text colour tinted towards the accent, then move it towards
    // black or white until it reads (AA: 4.5:1 for normal text).
    const QColor extreme = dark ? QColor(Qt::white) : QColor(Qt::black);
    QColor text = mix(palette.color(QPalette::WindowText), a, 0.35);
    for (double t = 0.0; t <= 1.0001 && contrastRatio(text, c.background) < 4.5; t += 0.1)
        text = mix(mix(palette.color(QPalette::WindowText), a, 0.35), extreme, t);
    if (contrastRatio(text, c.background) < 4.5)
        text = extreme;
    c.text = text;
    return c;
}

QColor readableAccent(BannerKind kind, const QPalette &palette)
{
    const QColor bg = palette.color(QPalette::Window);
    const QColor extreme = isDarkPalette(palette) ? QColor(Qt::white) : QColor(Qt::black);
    const QColor a = accent(kind);
    QColor c = a;
    for (double t = 0.1; t <= 1.0001 && contrastRatio(c, bg) < 4.5; t += 0.1)
        c = mix(a, extreme, t);
    return c;
}

QString bannerStyleSheet(BannerKind kind, const QPalette &palette, const QString &selector)
{
    const BannerColors c = bannerColors(kind, palette);
    return QStringLiteral("%1 { background: %2; color: %3; border: 1px solid %4; border-radius: "
                          "4px; } %1 QLabel { color: %3; }")
        .arg(selector, c.background.name(), c.text.name(), c.border.name());
}

namespace {
/// Re-applies the banner style when the application palette changes.
class BannerRestyler final : public QObject {
public:
    static constexpr const char *Name = "sitrep-banner-restyler";
    BannerRestyler(QWidget *w, BannerKind kind, bool textOnly)
        : QObject(w), m_kind(kind), m_textOnly(textOnly)
    {
        setObjectName(QLatin1String(Name));
        w->installEventFilter(this);
    }
    void setKind(BannerKind kind) { m_kind = kind; }
    void apply(QWidget *w) const
    {
        // A selector of the widget itself: a style sheet on a label styles the label.
        const QString sel = w->objectName().isEmpty()
                                ? QString::fromLatin1(w->metaObject()->className())
                                : u'#' + w->objectName();
        if (m_textOnly) {
            const QString sheet =
                QStringLiteral("%1 { color: %2; }")
                    .arg(sel, readableAccent(m_kind, QApplication::palette(w)).name());
            if (w->styleSheet() != sheet)
                w->setStyleSheet(sheet);
            return;
        }
        const QString sheet = bannerStyleSheet(m_kind, QApplication::palette(w), sel);
        QString extra;
        if (w->inherits("QLabel"))
            extra = QStringLiteral(" %1 { padding: 4px 8px; }").arg(sel);
        if (w->styleSheet() != sheet + extra)
            w->setStyleSheet(sheet + extra);
    }
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (e->type() == QEvent::ApplicationPaletteChange)
            apply(static_cast<QWidget *>(o));
        return false;
    }

private:
    BannerKind m_kind;
    bool m_textOnly;
};

void restyle(QWidget *w, BannerKind kind, bool textOnly)
{
    auto *r = static_cast<BannerRestyler *>(
        w->findChild<QObject *>(QLatin1String(BannerRestyler::Name), Qt::FindDirectChildrenOnly));
    if (!r)
        r = new BannerRestyler(w, kind, textOnly);
    r->setKind(kind);
    r->apply(w);
}
} // namespace

void styleAsBanner(QWidget *w, BannerKind kind)
{
    restyle(w, kind, false);
}

void styleAsMessageText(QWidget *label, BannerKind kind)
{
    restyle(label, kind, true);
}

} // namespace sitrep::ui
